package io.keyhold.protocol.ttlv;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.testing.MiniJson;
import io.keyhold.protocol.testing.SharedFiles;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TtlvEncoderTest {
    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private final TtlvEncoder encoder = new TtlvEncoder();

    /** The examples of KMIP 1.x section 9.1.2, as (description, tree, hex). */
    static Stream<Arguments> specExamples() {
        Map<String, Object> json = MiniJson.object(MiniJson.parse(
                SharedFiles.read("spec-tables/oasis-spec-extracted/ttlv-encoding-examples-kmip-1.x.json")));
        List<Arguments> out = new ArrayList<>();
        for (Object o : MiniJson.array(json.get("examples"))) {
            Map<String, Object> e = MiniJson.object(o);
            out.add(Arguments.of(e.get("description"), item(e.get("tag"), e.get("type"), e.get("xml_value")), e.get("ttlv_hex")));
        }
        assertThat(out).hasSize(10);
        return out.stream();
    }

    private static TtlvItem item(Object tagHex, Object type, Object value) {
        int tag = Integer.decode((String) tagHex);
        String v = value instanceof String s ? s : null;
        return switch ((String) type) {
            case "Integer" -> TtlvItem.integer(tag, Integer.parseInt(v));
            case "LongInteger" -> TtlvItem.longInteger(tag, Long.parseLong(v));
            case "BigInteger" -> TtlvItem.bigInteger(tag, new BigInteger(v));
            case "Enumeration" -> TtlvItem.enumeration(tag, Integer.parseInt(v));
            case "Boolean" -> TtlvItem.bool(tag, Boolean.parseBoolean(v));
            case "TextString" -> TtlvItem.text(tag, v);
            case "ByteString" -> TtlvItem.bytes(tag, HexFormat.of().parseHex(v));
            case "DateTime" -> TtlvItem.dateTime(tag, OffsetDateTime.parse(v).toInstant());
            case "Interval" -> TtlvItem.interval(tag, Long.parseLong(v));
            case "Structure" -> {
                List<TtlvItem> children = new ArrayList<>();
                for (Object c : MiniJson.array(value)) {
                    Map<String, Object> m = MiniJson.object(c);
                    children.add(item(m.get("tag"), m.get("type"), m.get("value")));
                }
                yield TtlvItem.structure(tag, children);
            }
            default -> throw new IllegalArgumentException("type " + type);
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specExamples")
    void encode_specExample_isByteExact(String description, TtlvItem tree, String hex) {
        assertThat(HEX.formatHex(encoder.encode(tree))).isEqualTo(hex);
    }

    @Test
    void encode_negativeBigInteger_isSignExtendedTo8Bytes() {
        assertThat(HEX.formatHex(encoder.encode(TtlvItem.bigInteger(0x420020, BigInteger.valueOf(-1)))))
                .isEqualTo("4200200400000008FFFFFFFFFFFFFFFF");
        assertThat(HEX.formatHex(encoder.encode(TtlvItem.bigInteger(0x420020, BigInteger.valueOf(-129)))))
                .isEqualTo("4200200400000008FFFFFFFFFFFFFF7F");
    }

    @Test
    void encode_bigIntegerNeedingSignByte_growsToNextMultipleOf8() {
        // 2^63 needs 9 bytes with its sign byte: 16 on the wire
        assertThat(HEX.formatHex(encoder.encode(TtlvItem.bigInteger(0x420020, BigInteger.ONE.shiftLeft(63)))))
                .isEqualTo("42002004000000100000000000000000" + "8000000000000000");
        assertThat(HEX.formatHex(encoder.encode(TtlvItem.bigInteger(0x420020, BigInteger.ZERO))))
                .isEqualTo("42002004000000080000000000000000");
    }

    @Test
    void encode_emptyStringsAndStructure_haveLengthZeroAndNoPadding() {
        assertThat(HEX.formatHex(encoder.encode(TtlvItem.text(0x420020, "")))).isEqualTo("4200200700000000");
        assertThat(HEX.formatHex(encoder.encode(TtlvItem.bytes(0x420020, new byte[0])))).isEqualTo("4200200800000000");
        assertThat(HEX.formatHex(encoder.encode(TtlvItem.structure(0x420020)))).isEqualTo("4200200100000000");
    }

    @Test
    void encode_nonAsciiText_countsUtf8Bytes() {
        // "é€😀" is 2 + 3 + 4 = 9 UTF-8 bytes, padded to 16
        assertThat(HEX.formatHex(encoder.encode(TtlvItem.text(0x420020, "é€😀"))))
                .isEqualTo("4200200700000009" + "C3A9E282ACF09F98" + "8000000000000000");
    }

    @Test
    void encode_intervalAboveIntMax_isUnsigned() {
        assertThat(HEX.formatHex(encoder.encode(TtlvItem.interval(0x420020, 0xFFFFFFFFL))))
                .isEqualTo("4200200A00000004FFFFFFFF00000000");
    }

    @Test
    void encode_dateTimeExtendedAndBoolean_areEightBytes() {
        assertThat(HEX.formatHex(encoder.encode(TtlvItem.dateTimeExtended(0x420020, 1_700_000_000_123_456L))))
                .isEqualTo("4200200B00000008" + "00060A2418202240");
        assertThat(HEX.formatHex(encoder.encode(TtlvItem.bool(0x420020, false))))
                .isEqualTo("42002006000000080000000000000000");
    }

    @Test
    void encode_vendorTagAndUnknownEnumerationValue_areWrittenAsGiven() {
        TtlvItem t = TtlvItem.structure(0x420078,
                TtlvItem.text(0x540001, "x"),
                TtlvItem.enumeration(0x42FFFF, 0x80000001));
        assertThat(HEX.formatHex(encoder.encode(t))).isEqualTo("4200780100000020"
                + "5400010700000001" + "7800000000000000"
                + "42FFFF0500000004" + "8000000100000000");
    }

    @Test
    void encode_largeMessage_growsBufferAndKeepsStructureLength() {
        TtlvItem t = TtlvItem.structure(0x420078, TtlvItem.bytes(0x420043, new byte[10_000]));
        byte[] out = encoder.encode(t);
        assertThat(out).hasSize(8 + 8 + 10_000);
        assertThat(TtlvDecoder.readInt(out, 4)).isEqualTo(8 + 10_000);
    }
}
