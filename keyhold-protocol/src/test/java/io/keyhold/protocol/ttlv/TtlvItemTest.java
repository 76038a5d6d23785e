package io.keyhold.protocol.ttlv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class TtlvItemTest {
    @Test
    void text_unpairedSurrogate_isRejectedRatherThanEncodedAsQuestionMark() {
        assertThatThrownBy(() -> TtlvItem.text(0x420020, "a\uD800b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Text String of item 0x420020: unpaired surrogate at index 1");
        assertThatThrownBy(() -> TtlvItem.text(0x420020, "\uDC00"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Text String of item 0x420020: unpaired surrogate at index 0");
        assertThatThrownBy(() -> TtlvItem.text(0x420020, "x\uD83D"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Text String of item 0x420020: unpaired surrogate at index 1");
    }

    @Test
    void text_surrogatePair_isAccepted() {
        assertThat(TtlvItem.text(0x420020, "\uD83D\uDE00").textValue()).isEqualTo("😀");
    }

    @Test
    void bytes_equalContents_areEqualAndCopied() {
        byte[] b = {1, 2, 3};
        TtlvItem item = TtlvItem.bytes(0x420020, b);
        b[0] = 9;
        assertThat(item).isEqualTo(TtlvItem.bytes(0x420020, new byte[] {1, 2, 3}));
        assertThat(item.hashCode()).isEqualTo(TtlvItem.bytes(0x420020, new byte[] {1, 2, 3}).hashCode());
        item.bytesValue()[0] = 9;
        assertThat(item.bytesValue()[0]).isEqualTo((byte) 1);
    }

    @Test
    void toString_secretValues_areNotPrinted() {
        TtlvItem t = TtlvItem.structure(0x420020, TtlvItem.bytes(0x420043, new byte[] {0x5A, 0x5A}),
                TtlvItem.bigInteger(0x420044, BigInteger.valueOf(0x5A5A)));
        assertThat(t.toString()).contains("[2 bytes]", "[15 bits]").doesNotContain("5A", "23130");
    }

    @Test
    void interval_outsideUnsigned32_isRejected() {
        assertThatThrownBy(() -> TtlvItem.interval(0x420020, 0x1_0000_0000L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TtlvItem.interval(0x420020, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void construct_tagWiderThan3Bytes_isRejected() {
        assertThatThrownBy(() -> TtlvItem.integer(0x1000000, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tag 0x1000000 does not fit in 3 bytes");
    }

    @Test
    void intValue_ofOtherType_isRejectedWithTypes() {
        assertThatThrownBy(() -> TtlvItem.text(0x420020, "x").intValue()).isInstanceOf(IllegalStateException.class)
                .hasMessage("item 0x420020 is a TextString, not a Integer");
    }

    @Test
    void childOfAPrimitive_isNone_butItsChildrenAreStillAnError() {
        TtlvItem bytes = TtlvItem.bytes(0x420040, new byte[] {1, 2});
        assertThat(bytes.child(0x42004C)).isEmpty();
        assertThat(bytes.childrenWith(0x42004C)).isEmpty();
        assertThatThrownBy(bytes::children).isInstanceOf(IllegalStateException.class)
                .hasMessage("item 0x420040 is a ByteString, not a Structure");
    }
}
