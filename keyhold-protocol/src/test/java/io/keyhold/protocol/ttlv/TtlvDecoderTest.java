package io.keyhold.protocol.ttlv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.keyhold.protocol.testing.Messages;
import java.util.Arrays;
import java.util.HexFormat;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class TtlvDecoderTest {
    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private final TtlvDecoder decoder = new TtlvDecoder();
    private final TtlvEncoder encoder = new TtlvEncoder();

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static void assertRejected(ThrowingCallable call, String message, long offset) {
        assertThatThrownBy(call).isInstanceOf(CodecException.class).hasMessage(message)
                .satisfies(e -> assertThat(((CodecException) e).offset()).as("offset").isEqualTo(offset));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.keyhold.protocol.ttlv.TtlvEncoderTest#specExamples")
    void decode_specExample_givesTreeAndReencodesByteExact(String description, TtlvItem tree, String hex) throws Exception {
        TtlvItem decoded = decoder.decode(hex(hex));
        assertThat(decoded).isEqualTo(tree);
        assertThat(HEX.formatHex(encoder.encode(decoded))).isEqualTo(hex);
    }

    @Test
    void decode_getRequest_roundTrips() throws Exception {
        TtlvItem request = Messages.getRequest();
        byte[] bytes = encoder.encode(request);
        assertThat(decoder.decode(bytes)).isEqualTo(request);
    }

    @Test
    void decode_unknownTagsAndEnumerationValues_surviveByteExact() throws Exception {
        byte[] in = hex("4200780100000038"
                + "5400010700000003 414243 0000000000"      // vendor tag 0x540001, Text String "ABC"
                + "42FFFF0500000004 8000000100000000"       // reserved-range tag, extension enumeration value
                + "4200570500000004 0000777700000000"       // Object Type with a value the spec lacks
                + "5400020100000000");                      // empty vendor structure
        TtlvItem tree = decoder.decode(in);
        assertThat(tree.children()).extracting(TtlvItem::tag).containsExactly(0x540001, 0x42FFFF, 0x420057, 0x540002);
        assertThat(tree.children().get(1).enumValue()).isEqualTo(0x80000001);
        assertThat(tree.children().get(2).enumValue()).isEqualTo(0x7777);
        assertThat(encoder.encode(tree)).isEqualTo(in);
    }

    @Test
    void decode_shorterThanHeader_isRejected() {
        assertRejected(() -> decoder.decode(hex("4200200200")),
                "message of 5 bytes is shorter than a TTLV header (8 bytes)", 0);
    }

    @Test
    void decode_truncatedValue_isRejected() {
        assertRejected(() -> decoder.decode(hex("4200200200000004 00000008")),
                "item 0x420020 at offset 0: length 4 (padded 8) exceeds remaining 4", 0);
    }

    @Test
    void decode_truncatedStructureBody_isRejected() {
        assertRejected(() -> decoder.decode(hex("4200780100000020 4200200200000004 0000000800000000")),
                "item 0x420078 at offset 0: length 32 exceeds remaining 16", 0);
    }

    @Test
    void decode_messageOverLimit_isRejected() {
        TtlvDecoder small = new TtlvDecoder(64, 32);
        byte[] big = encoder.encode(TtlvItem.bytes(0x420020, new byte[57]));   // 8 + 64 = 72 bytes
        assertRejected(() -> small.decode(big), "message length: 72 (expected: <= 64)", 0);
    }

    @Test
    void decode_headerAnnouncingMoreThanLimit_isRejectedBeforeReadingBody() {
        TtlvDecoder small = new TtlvDecoder(64, 32);
        assertRejected(() -> small.decode(hex("42007801000003E8 0000000000000000")),
                "message length: 1008 (expected: <= 64)", 0);
    }

    @Test
    void decode_nestingOverLimit_isRejected() {
        TtlvItem deep = TtlvItem.structure(0x420001, TtlvItem.structure(0x420002, TtlvItem.structure(0x420003)));
        byte[] bytes = encoder.encode(deep);
        assertRejected(() -> new TtlvDecoder(1024, 2).decode(bytes),
                "item 0x420003 at offset 16: nesting depth 3 (expected: <= 2)", 16);
    }

    @Test
    void decode_nestingAtLimit_isAccepted() throws Exception {
        TtlvItem deep = TtlvItem.structure(0x420001, TtlvItem.structure(0x420002, TtlvItem.integer(0x420003, 1)));
        assertThat(new TtlvDecoder(1024, 2).decode(encoder.encode(deep))).isEqualTo(deep);
    }

    @Test
    void decode_nonZeroPadding_isRejected() {
        assertRejected(() -> decoder.decode(hex("4200200200000004 0000000800000100")),
                "item 0x420020 at offset 0: padding byte at offset 14 is 0x01 (expected: 0x00)", 14);
        assertRejected(() -> decoder.decode(hex("4200200700000001 41000000000000FF")),
                "item 0x420020 at offset 0: padding byte at offset 15 is 0xFF (expected: 0x00)", 15);
    }

    @ParameterizedTest
    @CsvSource({
            "02, 8, Integer, 4",
            "03, 4, LongInteger, 8",
            "05, 8, Enumeration, 4",
            "06, 4, Boolean, 8",
            "09, 4, DateTime, 8",
            "0A, 8, Interval, 4",
            "0B, 4, DateTimeExtended, 8",
            "02, 0, Integer, 4",
            "06, 16, Boolean, 8"})
    void decode_wrongFixedLength_isRejected(String typeHex, int length, String typeName, int expected) {
        byte[] in = hex("420020" + typeHex + String.format("%08X", length) + "00".repeat((length + 7) / 8 * 8));
        assertRejected(() -> decoder.decode(in),
                "item 0x420020 at offset 0: " + typeName + " length " + length + " (expected: " + expected + ")", 0);
    }

    @ParameterizedTest
    @CsvSource({"00", "0C", "FF"})
    void decode_unknownItemType_isRejected(String typeHex) {
        assertRejected(() -> decoder.decode(hex("420020" + typeHex + "00000004 0000000000000000")),
                "item 0x420020 at offset 0: unknown item type 0x" + typeHex, 0);
    }

    @Test
    void decode_childOverrunningItsStructure_isRejected() {
        // the structure claims 8 bytes, its Integer child needs 16: the child overlaps the structure's end
        assertRejected(() -> decoder.decode(hex("4200780100000008 4200050200000004 000000FF00000000")),
                "item 0x420005 at offset 8: length 4 (padded 8) exceeds remaining 0", 8);
    }

    @Test
    void decode_structureLengthNotMultipleOf8_isRejected() {
        assertRejected(() -> decoder.decode(hex("420078010000000C 4200050200000004 000000FF00000000")),
                "item 0x420078 at offset 0: Structure length 12 is not a multiple of 8", 0);
    }

    @Test
    void decode_structureLongerThanItsChildren_isRejected() {
        // 8 bytes of the structure's length are left after its only child: they are no item
        assertRejected(() -> decoder.decode(hex("4200780100000018 4200050200000004 000000FF00000000 0000000000000000")),
                "item 0x000000 at offset 24: unknown item type 0x00", 24);
    }

    @ParameterizedTest
    @CsvSource({"4, 8", "0, 0", "12, 16"})
    void decode_bigIntegerLengthNotPositiveMultipleOf8_isRejected(int length, int bodyBytes) {
        byte[] in = hex("42002004" + String.format("%08X", length) + "00".repeat(bodyBytes));
        assertRejected(() -> decoder.decode(in),
                "item 0x420020 at offset 0: Big Integer length " + length + " (expected: a positive multiple of 8)", 0);
    }

    @Test
    void decode_booleanTwo_isRejected() {
        assertRejected(() -> decoder.decode(hex("4200200600000008 0000000000000002")),
                "item 0x420020 at offset 0: Boolean value 0x2 (expected: 0 or 1)", 0);
    }

    @ParameterizedTest
    @CsvSource({
            "01, FF",                   // never valid in UTF-8
            "02, C080",                 // overlong NUL
            "03, EDA080",               // an encoded surrogate (CESU-8)
            "01, C3",                   // truncated sequence
            "04, F4908080"})            // above U+10FFFF
    void decode_invalidUtf8_isRejected(String length, String bytes) {
        String padded = bytes + "00".repeat(8 - bytes.length() / 2);
        assertRejected(() -> decoder.decode(hex("42002007000000" + length + padded)),
                "item 0x420020 at offset 0: Text String is not valid UTF-8", 0);
    }

    @Test
    void decode_trailingBytes_isRejected() {
        assertRejected(() -> decoder.decode(hex("4200200200000004 0000000800000000 4200200200000004 0000000800000000")),
                "16 bytes follow the message", 16);
    }

    @Test
    void decode_offsetAndLength_decodeSliceOnly() throws Exception {
        byte[] in = hex("FFFFFFFF 4200200200000004 0000000800000000 FFFF");
        assertThat(decoder.decode(in, 4, 16)).isEqualTo(TtlvItem.integer(0x420020, 8));
    }

    @Test
    void constructor_limitsOutOfRange_areRejected() {
        assertThatThrownBy(() -> new TtlvDecoder(7, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxMessageBytes: 7 (expected: >= 8)");
        assertThatThrownBy(() -> new TtlvDecoder(8, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxDepth: 0 (expected: >= 1)");
    }

    /**
     * Every prefix and every single-byte change of a real request either decodes or is a CodecException:
     * never an unchecked exception, which a server would turn into a dropped connection.
     */
    @Test
    void decode_everyTruncationAndByteMutationOfRequest_returnsItemOrCodecException() {
        byte[] request = encoder.encode(Messages.getRequest());
        int decoded = 0;
        int rejected = 0;
        for (int n = 0; n < request.length; n++) {
            byte[] prefix = Arrays.copyOf(request, n);
            if (decodes(prefix, "prefix of " + n + " bytes")) {
                decoded++;
            } else {
                rejected++;
            }
        }
        for (int i = 0; i < request.length; i++) {
            for (int b = 0; b < 256; b++) {
                if (b == (request[i] & 0xFF)) {
                    continue;
                }
                byte[] mutated = request.clone();
                mutated[i] = (byte) b;
                if (decodes(mutated, "byte " + i + " set to " + b)) {
                    decoded++;
                } else {
                    rejected++;
                }
            }
        }
        assertThat(rejected).as("mutations rejected").isGreaterThan(request.length);
        assertThat(decoded).as("mutations still well-formed (value bytes)").isGreaterThan(0);
    }

    private boolean decodes(byte[] in, String what) {
        try {
            decoder.decode(in);
            return true;
        } catch (CodecException e) {
            assertThat(e.getMessage()).as(what).isNotBlank();
            return false;
        } catch (RuntimeException | StackOverflowError e) {
            fail(what + ": " + e, e);
            return false;
        }
    }
}
