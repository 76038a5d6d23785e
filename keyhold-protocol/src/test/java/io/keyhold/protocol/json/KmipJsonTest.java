package io.keyhold.protocol.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.spec.SpecTable;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class KmipJsonTest {
    private final KmipJson json = new KmipJson();

    @Test
    void write_message_nestsStructuresAndKeepsPrimitivesOnOneLine() {
        TtlvItem m = TtlvItem.structure(Tag.REQUEST_MESSAGE,
                TtlvItem.structure(Tag.BATCH_ITEM,
                        TtlvItem.enumeration(Tag.OPERATION, 0x18),
                        TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK, 0x0C),
                        TtlvItem.bool(Tag.SENSITIVE, false),
                        TtlvItem.structure(Tag.REQUEST_PAYLOAD)));

        assertThat(json.write(m)).isEqualTo("""
                {"tag": "RequestMessage", "value": [
                  {"tag": "BatchItem", "value": [
                    {"tag": "Operation", "type": "Enumeration", "value": "Query"},
                    {"tag": "CryptographicUsageMask", "type": "Integer", "value": "Encrypt|Decrypt"},
                    {"tag": "Sensitive", "type": "Boolean", "value": false},
                    {"tag": "RequestPayload", "value": []}
                  ]}
                ]}
                """);
    }

    @Test
    void writeThenRead_valuesOfEveryType_roundTrip() throws CodecException {
        TtlvItem m = TtlvItem.structure(Tag.REQUEST_PAYLOAD,
                TtlvItem.text(0x540001, "line\nbreak \"quoted\" \u0001 \uD83D\uDD11"),
                TtlvItem.longInteger(Tag.USAGE_LIMITS_TOTAL, Long.MAX_VALUE),
                TtlvItem.longInteger(Tag.USAGE_LIMITS_COUNT, -5),
                TtlvItem.bigInteger(Tag.MODULUS, BigInteger.ONE.shiftLeft(100).negate()),
                TtlvItem.bytes(Tag.KEY_MATERIAL, new byte[] {0, (byte) 0xFF}),
                TtlvItem.dateTime(Tag.ACTIVATION_DATE, 0),
                TtlvItem.interval(Tag.OFFSET, 3600),
                TtlvItem.dateTimeExtended(Tag.TIME_STAMP, -1));

        String out = json.write(m);

        assertThat(out).contains("{\"tag\": \"0x540001\", \"type\": \"TextString\", \"value\": \"line\\nbreak \\\"quoted\\\" \\u0001 \uD83D\uDD11\"}")
                .contains("\"value\": \"0x7FFFFFFFFFFFFFFF\"")
                .contains("\"value\": -5}")
                .contains("\"value\": \"0xfffffff0000000000000000000000000\"")
                .contains("\"value\": \"1969-12-31T23:59:59.999999+00:00\"");
        assertThat(json.read(out)).isEqualTo(m);
    }

    @Test
    void read_integerAsNumberOrHexString_isSameValue() throws CodecException {
        TtlvItem number = json.read("{\"tag\":\"BatchCount\",\"type\":\"Integer\",\"value\":256}");
        TtlvItem hex = json.read("{\"tag\":\"BatchCount\",\"type\":\"Integer\",\"value\":\"0x00000100\"}");

        assertThat(number).isEqualTo(hex).isEqualTo(TtlvItem.integer(Tag.BATCH_COUNT, 256));
    }

    @Test
    void read_maskWithBarsOrHex_comparesNumerically() throws CodecException {
        TtlvItem bars = json.read("{\"tag\":\"CryptographicUsageMask\",\"type\":\"Integer\",\"value\":\"Decrypt|Encrypt\"}");
        TtlvItem hex = json.read("{\"tag\":\"CryptographicUsageMask\",\"type\":\"Integer\",\"value\":\"0x0000000C\"}");

        assertThat(bars).isEqualTo(hex);
    }

    @Test
    void read_booleanAsLiteralOrHex_isSameValue() throws CodecException {
        assertThat(json.read("{\"tag\":\"Sensitive\",\"type\":\"Boolean\",\"value\":true}"))
                .isEqualTo(json.read("{\"tag\":\"Sensitive\",\"type\":\"Boolean\",\"value\":\"0x0000000000000001\"}"));
    }

    @Test
    void read_hexTagAndV1AttributeContext_resolve() throws CodecException {
        TtlvItem attribute = json.read("""
                {"tag": "0x420008", "value": [
                  {"tag": "AttributeName", "type": "TextString", "value": "Object Type"},
                  {"tag": "AttributeValue", "type": "Enumeration", "value": "SymmetricKey"}
                ]}""");

        assertThat(attribute.tag()).isEqualTo(Tag.ATTRIBUTE);
        assertThat(attribute.child(Tag.ATTRIBUTE_VALUE).orElseThrow().enumValue()).isEqualTo(2);
    }

    @Test
    void readAll_arrayOfMessages_keepsOrder() throws CodecException {
        List<TtlvItem> items = json.readAll("[{\"tag\":\"RequestMessage\",\"value\":[]},{\"tag\":\"ResponseMessage\",\"value\":[]}]");

        assertThat(items).extracting(TtlvItem::tag).containsExactly(Tag.REQUEST_MESSAGE, Tag.RESPONSE_MESSAGE);
    }

    @Test
    void read_truncated_givesLineAndColumn() {
        assertThatThrownBy(() -> json.read("{\"tag\": \"RequestMessage\",\n \"value\": [\n  {\"tag\": \"BatchItem\""))
                .isInstanceOf(CodecException.class)
                .hasMessage("JSON at line 3, column 22: unexpected end of input (expected: ',' or '}')");
    }

    @Test
    void read_trailingGarbage_isRejected() {
        assertThatThrownBy(() -> json.read("{\"tag\":\"RequestMessage\",\"value\":[]} x"))
                .isInstanceOf(CodecException.class)
                .hasMessage("JSON at line 1, column 37: unexpected character 'x' after the JSON value");
    }

    @Test
    void read_badEnumerationName_namesPath() {
        assertThatThrownBy(() -> json.read("""
                {"tag": "RequestMessage", "value": [
                  {"tag": "BatchItem", "value": [
                    {"tag": "Operation", "type": "Enumeration", "value": "Frobnicate"}
                  ]}
                ]}"""))
                .isInstanceOf(CodecException.class)
                .hasMessage("RequestMessage/BatchItem/Operation (line 3, column 5): unknown Operation value 'Frobnicate'");
    }

    @Test
    void read_unknownTagOrType_isRejected() {
        assertThatThrownBy(() -> json.read("{\"tag\":\"Frobnicator\",\"type\":\"Integer\",\"value\":1}"))
                .isInstanceOf(CodecException.class).hasMessage("Frobnicator (line 1, column 1): unknown tag 'Frobnicator'");
        assertThatThrownBy(() -> json.read("{\"tag\":\"UniqueIdentifier\",\"type\":\"Identifier\",\"value\":\"x\"}"))
                .isInstanceOf(CodecException.class).hasMessageEndingWith("unknown item type 'Identifier'");
    }

    @Test
    void read_wrongShapes_areRejected() {
        assertThatThrownBy(() -> json.read("{\"type\":\"Integer\",\"value\":1}"))
                .isInstanceOf(CodecException.class).hasMessage("JSON at line 1, column 1: \"tag\" is missing");
        assertThatThrownBy(() -> json.read("{\"tag\":\"BatchCount\",\"type\":\"Integer\",\"value\":1,\"extra\":2}"))
                .isInstanceOf(CodecException.class).hasMessageEndingWith("unexpected member \"extra\" (expected: tag, type, value)");
        assertThatThrownBy(() -> json.read("{\"tag\":\"BatchCount\",\"type\":\"Integer\",\"value\":null}"))
                .isInstanceOf(CodecException.class).hasMessageEndingWith("\"value\" is null (expected: an array, a string, a number or a boolean)");
        assertThatThrownBy(() -> json.read("{\"tag\":\"BatchCount\",\"type\":\"Integer\",\"value\":1.5}"))
                .isInstanceOf(CodecException.class).hasMessageEndingWith("Integer value '1.5' is not a 32-bit decimal or 0x hex number");
        assertThatThrownBy(() -> json.read("{\"tag\":\"ResultMessage\",\"type\":\"TextString\",\"value\":12}"))
                .isInstanceOf(CodecException.class).hasMessageEndingWith("a TextString value must be a JSON string, not '12'");
        assertThatThrownBy(() -> json.read("[]"))
                .isInstanceOf(CodecException.class).hasMessage("JSON at line 1, column 1: an array (expected: one item object)");
    }

    @Test
    void read_badHexAndDate_areRejected() {
        assertThatThrownBy(() -> json.read("{\"tag\":\"KeyMaterial\",\"type\":\"ByteString\",\"value\":\"0x00\"}"))
                .isInstanceOf(CodecException.class).hasMessageEndingWith("ByteString value is not hex: bad digit at index 1");
        assertThatThrownBy(() -> json.read("{\"tag\":\"TimeStamp\",\"type\":\"DateTime\",\"value\":\"yesterday\"}"))
                .isInstanceOf(CodecException.class).hasMessageEndingWith("DateTime value 'yesterday' is not an ISO 8601 date and time");
    }

    @Test
    void read_tooDeep_isRejected() {
        KmipJson shallow = new KmipJson(SpecTable.get(), 10_000, 2);
        String doc = "{\"tag\":\"RequestMessage\",\"value\":[{\"tag\":\"BatchItem\",\"value\":[{\"tag\":\"RequestPayload\",\"value\":[]}]}]}";

        assertThatThrownBy(() -> shallow.read(doc))
                .isInstanceOf(CodecException.class)
                .hasMessage("RequestMessage/BatchItem/RequestPayload (line 1, column 62): nesting depth 3 (expected: <= 2)");
    }

    @Test
    void read_deeplyNestedArrays_isRejectedWithoutStackOverflow() {
        assertThatThrownBy(() -> json.read("[".repeat(200_000)))
                .isInstanceOf(CodecException.class).hasMessageContaining("nesting depth 67 (expected: <= 66)");
    }

    @Test
    void read_placeholderWithoutResolver_isRejected() {
        assertThatThrownBy(() -> json.read("{\"tag\":\"KeyMaterial\",\"type\":\"ByteString\",\"value\":\"$KEY_MATERIAL_1\"}"))
                .isInstanceOf(CodecException.class).hasMessage("KeyMaterial (line 1, column 1): placeholder '$KEY_MATERIAL_1' has no value");
    }
}
