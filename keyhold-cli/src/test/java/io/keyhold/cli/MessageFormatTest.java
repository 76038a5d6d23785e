package io.keyhold.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class MessageFormatTest {
    @Test
    void parseHex_specExampleForm_ignoresPipesAndWhitespaceAndCase() throws CodecException {
        byte[] bytes = MessageFormat.parseHex("42 00 20 | 02 | 00 00 00 04 |\n\t00 00 00 08 00 00 00 0a");

        assertThat(HexFormat.of().formatHex(bytes)).isEqualTo("420020020000000400000008 0000000a".replace(" ", ""));
    }

    @Test
    void parseHex_nonHexCharacter_namesItAndItsOffset() {
        assertThatThrownBy(() -> MessageFormat.parseHex("4200 2g"))
                .isInstanceOf(CodecException.class)
                .hasMessage("hex input: character 'g' at offset 6 is not a hex digit");
    }

    @Test
    void parseHex_nonAsciiDigit_isRejected() {
        assertThatThrownBy(() -> MessageFormat.parseHex("4\uFF12")).hasMessageContaining("U+FF12");
    }

    @Test
    void parseHex_oddNumberOfDigits_isRejected() {
        assertThatThrownBy(() -> MessageFormat.parseHex("420"))
                .hasMessageContaining("odd number of hex digits (3)");
    }

    @Test
    void decodeAll_messagesBackToBack_decodesEachInOrder() throws CodecException {
        assertThat(MessageFormat.decodeAll(MessageFormat.parseHex(
                "42002002000000040000000800000000 42002102000000040000000900000000")))
                .containsExactly(TtlvItem.integer(0x420020, 8), TtlvItem.integer(0x420021, 9));
    }

    @Test
    void decodeAll_emptyInput_isRejected() {
        assertThatThrownBy(() -> MessageFormat.decodeAll(new byte[0])).hasMessageContaining("input is empty");
    }

    @Test
    void decodeAll_trailingPartialHeader_saysHowManyBytesAreLeft() throws CodecException {
        byte[] bytes = MessageFormat.parseHex("42002002000000040000000800000000 420021");

        assertThatThrownBy(() -> MessageFormat.decodeAll(bytes))
                .hasMessage("message 2 at input offset 16: truncated header: 3 bytes left (expected: 8)");
    }

    @Test
    void fromCliName_anyCase() {
        assertThat(MessageFormat.fromCliName("Hex")).contains(MessageFormat.HEX);
        assertThat(MessageFormat.fromCliName("yaml")).isEmpty();
    }
}
