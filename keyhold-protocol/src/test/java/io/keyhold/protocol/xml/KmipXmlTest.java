package io.keyhold.protocol.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.spec.SpecTable;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KmipXmlTest {
    private final KmipXml xml = new KmipXml();

    private static String request(String batchItemBody) {
        return "<RequestMessage>\n"
                + "  <BatchItem>\n"
                + batchItemBody + "\n"
                + "  </BatchItem>\n"
                + "</RequestMessage>";
    }

    // --- writing -----------------------------------------------------------------------------------

    @Test
    void write_message_isIndentedByTwoSpacesWithNamesAndNoDeclaration() {
        TtlvItem m = TtlvItem.structure(Tag.REQUEST_MESSAGE,
                TtlvItem.structure(Tag.REQUEST_HEADER,
                        TtlvItem.structure(Tag.PROTOCOL_VERSION,
                                TtlvItem.integer(Tag.PROTOCOL_VERSION_MAJOR, 1),
                                TtlvItem.integer(Tag.PROTOCOL_VERSION_MINOR, 4)),
                        TtlvItem.dateTime(Tag.TIME_STAMP, Instant.parse("2013-06-26T09:09:17Z")),
                        TtlvItem.integer(Tag.BATCH_COUNT, 1)),
                TtlvItem.structure(Tag.BATCH_ITEM,
                        TtlvItem.enumeration(Tag.OPERATION, 0x18),
                        TtlvItem.structure(Tag.REQUEST_PAYLOAD)));

        assertThat(xml.write(m)).isEqualTo("""
                <RequestMessage>
                  <RequestHeader>
                    <ProtocolVersion>
                      <ProtocolVersionMajor type="Integer" value="1"/>
                      <ProtocolVersionMinor type="Integer" value="4"/>
                    </ProtocolVersion>
                    <TimeStamp type="DateTime" value="2013-06-26T09:09:17+00:00"/>
                    <BatchCount type="Integer" value="1"/>
                  </RequestHeader>
                  <BatchItem>
                    <Operation type="Enumeration" value="Query"/>
                    <RequestPayload/>
                  </BatchItem>
                </RequestMessage>
                """);
    }

    @Test
    void write_unknownTagAndEnumerationValue_usesTtlvElementAndHex() throws CodecException {
        TtlvItem m = TtlvItem.structure(Tag.REQUEST_PAYLOAD,
                TtlvItem.text(0x540001, "vendor"),
                TtlvItem.enumeration(Tag.OBJECT_TYPE, 0x80000001));

        String out = xml.write(m);

        assertThat(out).contains("<TTLV tag=\"0x540001\" type=\"TextString\" value=\"vendor\"/>")
                .contains("<ObjectType type=\"Enumeration\" value=\"0x80000001\"/>");
        assertThat(xml.read(out)).isEqualTo(m);
    }

    @Test
    void write_textWithMarkupAndLineBreaks_readsBackUnchanged() throws CodecException {
        TtlvItem m = TtlvItem.text(Tag.RESULT_MESSAGE, "a<b & \"c\" >\n\td\r");

        assertThat(xml.read(xml.write(m))).isEqualTo(m);
    }

    @Test
    void write_mask_namesBitsInBitOrderThenUnnamedBitsAsHex() {
        TtlvItem m = TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK, 0x0C | 0x00100000 | 0x40000000);

        assertThat(xml.write(m)).isEqualTo("<CryptographicUsageMask type=\"Integer\" value=\"Encrypt Decrypt Authenticate 0x40000000\"/>\n");
    }

    @Test
    void writeThenRead_valuesOfEveryType_roundTrip() throws CodecException {
        TtlvItem m = TtlvItem.structure(Tag.REQUEST_PAYLOAD,
                TtlvItem.longInteger(Tag.USAGE_LIMITS_TOTAL, Long.MIN_VALUE),
                TtlvItem.bigInteger(Tag.MODULUS, BigInteger.valueOf(-129)),
                TtlvItem.bigInteger(Tag.PUBLIC_EXPONENT, new BigInteger("ff00000000000000ff", 16)),
                TtlvItem.bool(Tag.SENSITIVE, true),
                TtlvItem.bytes(Tag.KEY_MATERIAL, new byte[0]),
                TtlvItem.dateTime(Tag.ACTIVATION_DATE, Long.MAX_VALUE),
                TtlvItem.dateTime(Tag.DEACTIVATION_DATE, -1),
                TtlvItem.interval(Tag.OFFSET, 0xFFFFFFFFL),
                TtlvItem.dateTimeExtended(Tag.TIME_STAMP, 1_600_000_000_123_456L),
                TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK, 0),
                TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK, -1));

        String out = xml.write(m);

        assertThat(out).contains("<Modulus type=\"BigInteger\" value=\"ffffffffffffff7f\"/>")
                .contains("<TimeStamp type=\"DateTimeExtended\" value=\"2020-09-13T12:26:40.123456+00:00\"/>")
                .contains("<ActivationDate type=\"DateTime\" value=\"0x7FFFFFFFFFFFFFFF\"/>");
        assertThat(xml.read(out)).isEqualTo(m);
    }

    // --- reading values ----------------------------------------------------------------------------

    @Test
    void read_maskNamesInAnyOrderAndWhiteSpace_comparesNumerically() throws CodecException {
        TtlvItem a = xml.read("<CryptographicUsageMask type=\"Integer\" value=\"Decrypt\n   Encrypt\"/>");
        TtlvItem b = xml.read("<CryptographicUsageMask type=\"Integer\" value=\"0x0000000C\"/>");

        assertThat(a).isEqualTo(b).isEqualTo(TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK, 0x0C));
    }

    @Test
    void read_v1AttributeValue_takesEnumerationOfSiblingAttributeName() throws CodecException {
        String doc = """
                <Attribute>
                  <AttributeName type="TextString" value="Cryptographic Algorithm"/>
                  <AttributeValue type="Enumeration" value="RSA"/>
                </Attribute>""";

        TtlvItem attribute = xml.read(doc);

        assertThat(attribute.child(Tag.ATTRIBUTE_VALUE).orElseThrow().enumValue()).isEqualTo(4);
        assertThat(xml.write(attribute)).contains("<AttributeValue type=\"Enumeration\" value=\"RSA\"/>");
    }

    @Test
    void read_v1MaskAttributeValue_takesMaskOfSiblingAttributeName() throws CodecException {
        TtlvItem attribute = xml.read("""
                <Attribute>
                  <AttributeName type="TextString" value="Cryptographic Usage Mask"/>
                  <AttributeValue type="Integer" value="Sign Verify"/>
                </Attribute>""");

        assertThat(attribute.child(Tag.ATTRIBUTE_VALUE).orElseThrow().intValue()).isEqualTo(0x03);
    }

    @Test
    void read_customAttributeEnumerationName_isRejectedButHexIsKept() throws CodecException {
        String named = """
                <Attribute>
                  <AttributeName type="TextString" value="x-Colour"/>
                  <AttributeValue type="Enumeration" value="Blue"/>
                </Attribute>""";

        assertThatThrownBy(() -> xml.read(named))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith("Attribute/AttributeValue (line 3")
                .hasMessageEndingWith("Enumeration value 'Blue' is not 0x hex and the tag has no enumeration to name it");
        TtlvItem hex = xml.read(named.replace("Blue", "0x00000003"));
        assertThat(hex.child(Tag.ATTRIBUTE_VALUE).orElseThrow().enumValue()).isEqualTo(3);
        assertThat(xml.write(hex)).contains("value=\"0x00000003\"");
    }

    @Test
    void read_v2AttributeReference_holdsTagNumber() throws CodecException {
        TtlvItem ref = xml.read("<AttributeReference type=\"Enumeration\" value=\"CryptographicAlgorithm\"/>");

        assertThat(ref.enumValue()).isEqualTo(Tag.CRYPTOGRAPHIC_ALGORITHM);
        assertThat(xml.write(ref)).isEqualTo("<AttributeReference type=\"Enumeration\" value=\"CryptographicAlgorithm\"/>\n");
    }

    @Test
    void read_enumerationInVectorSpelling_matchesSpecName() throws CodecException {
        assertThat(xml.read("<CryptographicAlgorithm type=\"Enumeration\" value=\"HMAC_SHA256\"/>").enumValue())
                .isEqualTo(xml.read("<CryptographicAlgorithm type=\"Enumeration\" value=\"HMAC-SHA256\"/>").enumValue())
                .isEqualTo(9);
    }

    @Test
    void read_dateTimeWithOffsetOrZ_isSameInstant() throws CodecException {
        TtlvItem z = xml.read("<TimeStamp type=\"DateTime\" value=\"2014-06-10T08:04:52Z\"/>");
        TtlvItem plus = xml.read("<TimeStamp type=\"DateTime\" value=\"2014-06-10T10:04:52+02:00\"/>");

        assertThat(z).isEqualTo(plus).isEqualTo(TtlvItem.dateTime(Tag.TIME_STAMP, 0x5396BC24L));
    }

    @Test
    void read_textStartingWithDollar_isKeptAsText() throws CodecException {
        assertThat(xml.read("<UniqueIdentifier type=\"TextString\" value=\"$UNIQUE_IDENTIFIER_0\"/>"))
                .isEqualTo(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "$UNIQUE_IDENTIFIER_0"));
    }

    @Test
    void read_placeholderWithResolver_usesResolvedItem() throws CodecException {
        TtlvItem item = xml.read("<ActivationDate type=\"DateTime\" value=\"$NOW-3600\"/>",
                (tag, type, placeholder) -> Optional.of(TtlvItem.dateTime(tag, 1000)));

        assertThat(item).isEqualTo(TtlvItem.dateTime(Tag.ACTIVATION_DATE, 1000));
    }

    @Test
    void read_placeholderWithoutResolver_namesElementAndPlaceholder() {
        assertThatThrownBy(() -> xml.read("<ResponseMessage>\n<ResponseHeader>\n<TimeStamp type=\"DateTime\" value=\"$NOW\"/>\n</ResponseHeader>\n</ResponseMessage>"))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith("ResponseMessage/ResponseHeader/TimeStamp (line 3")
                .hasMessageEndingWith(": placeholder '$NOW' has no value");
    }

    @Test
    void read_placeholderResolvedToWrongType_isRejected() {
        assertThatThrownBy(() -> xml.read("<KeyMaterial type=\"ByteString\" value=\"$KEY\"/>",
                (tag, type, placeholder) -> Optional.of(TtlvItem.text(tag, "x"))))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("placeholder '$KEY' resolved to 0x420043 TextString (expected: 0x420043 ByteString)");
    }

    @Test
    void readAll_kmipRoot_returnsMessagesInOrderSkippingComments() throws CodecException {
        List<TtlvItem> items = xml.readAll("""
                <?xml version="1.0"?>
                <KMIP>
                <!-- a comment -->
                <RequestMessage/>
                <ResponseMessage/>
                </KMIP>""");

        assertThat(items).extracting(TtlvItem::tag).containsExactly(Tag.REQUEST_MESSAGE, Tag.RESPONSE_MESSAGE);
    }

    @Test
    void read_kmipRootWithTwoMessages_isRejected() {
        assertThatThrownBy(() -> xml.read("<KmipTestCase><RequestMessage/><ResponseMessage/></KmipTestCase>"))
                .isInstanceOf(CodecException.class)
                .hasMessage("XML: the document holds 2 messages (expected: 1)");
    }

    // --- malformed input ---------------------------------------------------------------------------

    @Test
    void read_unknownElement_namesPathAndTag() {
        assertThatThrownBy(() -> xml.read(request("    <Frobnicator type=\"Integer\" value=\"1\"/>")))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith("RequestMessage/BatchItem/Frobnicator (line 3, column ")
                .hasMessageEndingWith(": unknown tag 'Frobnicator'");
    }

    @Test
    void read_unknownType_namesType() {
        assertThatThrownBy(() -> xml.read(request("    <UniqueIdentifier type=\"Identifier\" value=\"x\"/>")))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith("RequestMessage/BatchItem/UniqueIdentifier (line 3")
                .hasMessageEndingWith("unknown item type 'Identifier'");
    }

    @Test
    void read_badInteger_namesValue() {
        assertThatThrownBy(() -> xml.read("<BatchCount type=\"Integer\" value=\"1e3\"/>"))
                .isInstanceOf(CodecException.class)
                .hasMessage("BatchCount (line 1, column 41): Integer value '1e3' is not a 32-bit decimal or 0x hex number");
        assertThatThrownBy(() -> xml.read("<BatchCount type=\"Integer\" value=\"2147483648\"/>"))
                .isInstanceOf(CodecException.class)
                .hasMessageEndingWith("Integer value '2147483648' is not a 32-bit decimal or 0x hex number");
    }

    @Test
    void read_badEnumerationName_namesEnumerationAndValue() {
        assertThatThrownBy(() -> xml.read(request("    <Operation type=\"Enumeration\" value=\"Frobnicate\"/>")))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith("RequestMessage/BatchItem/Operation (line 3, column ")
                .hasMessageEndingWith(": unknown Operation value 'Frobnicate'");
    }

    @Test
    void read_badMaskName_namesMaskAndToken() {
        assertThatThrownBy(() -> xml.read("<CryptographicUsageMask type=\"Integer\" value=\"Encrypt Frob\"/>"))
                .isInstanceOf(CodecException.class)
                .hasMessageEndingWith(": unknown Cryptographic Usage Mask value 'Frob'");
    }

    @Test
    void read_badHex_givesIndexButNotValue() {
        assertThatThrownBy(() -> xml.read("<KeyMaterial type=\"ByteString\" value=\"00112g\"/>"))
                .isInstanceOf(CodecException.class)
                .hasMessageEndingWith(": ByteString value is not hex: bad digit at index 5")
                .hasMessageNotContaining("00112g");
        assertThatThrownBy(() -> xml.read("<KeyMaterial type=\"ByteString\" value=\"001\"/>"))
                .isInstanceOf(CodecException.class)
                .hasMessageEndingWith(": ByteString value has an odd number of hex digits (3)");
    }

    @Test
    void read_badDate_namesValue() {
        assertThatThrownBy(() -> xml.read("<TimeStamp type=\"DateTime\" value=\"2014-13-10T08:04:52+00:00\"/>"))
                .isInstanceOf(CodecException.class)
                .hasMessageEndingWith(": DateTime value '2014-13-10T08:04:52+00:00' is not an ISO 8601 date and time");
        assertThatThrownBy(() -> xml.read("<TimeStamp type=\"DateTime\" value=\"2014-06-10T08:04:52.5Z\"/>"))
                .isInstanceOf(CodecException.class)
                .hasMessageEndingWith("has fractional seconds");
    }

    @Test
    void read_externalEntity_isRejectedBeforeAnyEntityIsResolved() {
        String xxe = """
                <?xml version="1.0"?>
                <!DOCTYPE RequestMessage [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
                <RequestMessage><ResultMessage type="TextString" value="&xxe;"/></RequestMessage>""";

        assertThatThrownBy(() -> xml.read(xxe))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("DOCTYPE is not allowed")
                .hasMessageNotContaining("root:");
    }

    @Test
    void read_entityExpansionBomb_isRejected() {
        String bomb = "<!DOCTYPE a [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
                + "<ResultMessage type=\"TextString\" value=\"&b;\"/>";

        assertThatThrownBy(() -> xml.read(bomb)).isInstanceOf(CodecException.class).hasMessageContaining("DOCTYPE is not allowed");
    }

    @Test
    void read_tooDeep_isRejectedWithDepthAndLimit() {
        KmipXml shallow = new KmipXml(SpecTable.get(), 1000, 3);
        String doc = "<RequestMessage><BatchItem><RequestPayload><Attributes/></RequestPayload></BatchItem></RequestMessage>";

        assertThatThrownBy(() -> shallow.read(doc))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith("RequestMessage/BatchItem/RequestPayload/Attributes (line 1")
                .hasMessageEndingWith("nesting depth 4 (expected: <= 3)");
    }

    @Test
    void read_primitiveInStructureAtTheLimit_isAccepted() throws Exception {
        // depth counts Structures, as in binary TTLV: what TtlvDecoder(…, 2) accepts, XML with limit 2 reads back
        KmipXml shallow = new KmipXml(SpecTable.get(), 1000, 2);
        TtlvItem atLimit = TtlvItem.structure(Tag.REQUEST_MESSAGE, TtlvItem.structure(Tag.BATCH_ITEM,
                TtlvItem.integer(Tag.BATCH_COUNT, 1)));

        assertThat(shallow.read(shallow.write(atLimit))).isEqualTo(atLimit);
        assertThatThrownBy(() -> shallow.read("<RequestMessage><BatchItem><RequestPayload><BatchCount type=\"Integer\" value=\"1\"/>"
                + "</RequestPayload></BatchItem></RequestMessage>"))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith("RequestMessage/BatchItem/RequestPayload (line 1")
                .hasMessageEndingWith("nesting depth 3 (expected: <= 2)");
    }

    @Test
    void read_deeplyNestedDefaultLimit_isRejectedWithoutStackOverflow() {
        String doc = "<Attributes>".repeat(100_000) + "</Attributes>".repeat(100_000);

        assertThatThrownBy(() -> xml.read(doc)).isInstanceOf(CodecException.class).hasMessageEndingWith("nesting depth 33 (expected: <= 32)");
    }

    @Test
    void read_tooLong_isRejectedWithLength() {
        KmipXml small = new KmipXml(SpecTable.get(), 10, 32);

        assertThatThrownBy(() -> small.read("<RequestMessage/>"))
                .isInstanceOf(CodecException.class)
                .hasMessage("XML length: 17 characters (expected: <= 10)");
    }

    @Test
    void read_notWellFormed_givesLine() {
        assertThatThrownBy(() -> xml.read("<RequestMessage>\n  <BatchItem>\n</RequestMessage>"))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith("XML: not well-formed at line 3");
    }

    @Test
    void read_textContentOrUnknownAttribute_isRejected() {
        assertThatThrownBy(() -> xml.read("<BatchItem>hello</BatchItem>"))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith("BatchItem (line 1")
                .hasMessageEndingWith("unexpected text content (values go in the value attribute)");
        assertThatThrownBy(() -> xml.read("<BatchCount type=\"Integer\" val=\"1\"/>"))
                .isInstanceOf(CodecException.class)
                .hasMessageEndingWith("unexpected attribute 'val'");
    }

    @Test
    void read_primitiveWithoutValueOrStructureWithValue_isRejected() {
        assertThatThrownBy(() -> xml.read("<BatchCount type=\"Integer\"/>"))
                .isInstanceOf(CodecException.class).hasMessageEndingWith(": Integer value is missing");
        assertThatThrownBy(() -> xml.read("<BatchItem value=\"1\"/>"))
                .isInstanceOf(CodecException.class).hasMessageEndingWith(": item type is missing");
        assertThatThrownBy(() -> xml.read("<BatchCount type=\"Integer\" value=\"1\"><Operation type=\"Enumeration\" value=\"Get\"/></BatchCount>"))
                .isInstanceOf(CodecException.class).hasMessageEndingWith(": a Integer cannot have children");
    }

    @Test
    void read_ttlvElementWithoutTag_isRejected() {
        assertThatThrownBy(() -> xml.read("<TTLV type=\"Integer\" value=\"1\"/>"))
                .isInstanceOf(CodecException.class).hasMessageEndingWith("<TTLV> needs a tag attribute");
    }

    @Test
    void read_emptyOrNull_isRejected() {
        assertThatThrownBy(() -> xml.read("")).isInstanceOf(CodecException.class);
        assertThatThrownBy(() -> xml.read("<!-- nothing -->")).isInstanceOf(CodecException.class)
                .hasMessageStartingWith("XML: not well-formed at line 1, column 17");
        assertThatThrownBy(() -> xml.read(null)).isInstanceOf(CodecException.class).hasMessage("XML: no input");
    }

    @Test
    void read_resolverTypeArgument_isTheElementType() throws CodecException {
        ItemType[] seen = new ItemType[1];
        xml.read("<Nonce type=\"ByteString\" value=\"$NONCE\"/>".replace("Nonce", "IVCounterNonce"), (tag, type, p) -> {
            seen[0] = type;
            return Optional.of(TtlvItem.bytes(tag, new byte[] {1}));
        });
        assertThat(seen[0]).isEqualTo(ItemType.BYTE_STRING);
    }
}
