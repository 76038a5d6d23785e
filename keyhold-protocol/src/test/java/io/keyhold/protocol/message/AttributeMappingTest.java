package io.keyhold.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.NameType;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttributeMappingTest {

    static TtlvItem attribute1x(String name, TtlvItem value) {
        return TtlvItem.structure(Tag.ATTRIBUTE, TtlvItem.text(Tag.ATTRIBUTE_NAME, name), value);
    }

    @Test
    void fromTemplateAttribute_1xAttributes_becomeThe2xForm() throws Exception {
        TtlvItem template = TtlvItem.structure(Tag.TEMPLATE_ATTRIBUTE,
                attribute1x("Cryptographic Algorithm", TtlvItem.enumeration(Tag.ATTRIBUTE_VALUE, CryptographicAlgorithm.AES.value())),
                attribute1x("Name", TtlvItem.structure(Tag.ATTRIBUTE_VALUE,
                        TtlvItem.text(Tag.NAME_VALUE, "key-1"),
                        TtlvItem.enumeration(Tag.NAME_TYPE, NameType.UNINTERPRETED_TEXT_STRING.value()))),
                attribute1x("x-Department", TtlvItem.text(Tag.ATTRIBUTE_VALUE, "finance")));

        List<KmipAttribute> attributes = AttributeMapping.fromTemplateAttribute(template);
        TtlvItem v2 = AttributeMapping.toAttributes(Tag.ATTRIBUTES, attributes);

        assertThat(v2).isEqualTo(TtlvItem.structure(Tag.ATTRIBUTES,
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.AES.value()),
                TtlvItem.structure(Tag.NAME,
                        TtlvItem.text(Tag.NAME_VALUE, "key-1"),
                        TtlvItem.enumeration(Tag.NAME_TYPE, NameType.UNINTERPRETED_TEXT_STRING.value())),
                TtlvItem.structure(Tag.ATTRIBUTE,
                        TtlvItem.text(Tag.VENDOR_IDENTIFICATION, "x"),
                        TtlvItem.text(Tag.ATTRIBUTE_NAME, "Department"),
                        TtlvItem.text(Tag.ATTRIBUTE_VALUE, "finance"))));
        assertThat(AttributeMapping.toTemplateAttribute(Tag.TEMPLATE_ATTRIBUTE, AttributeMapping.fromAttributes(v2)))
                .isEqualTo(template);
    }

    @Test
    void fromAttribute_indexIsKept() throws Exception {
        TtlvItem a = TtlvItem.structure(Tag.ATTRIBUTE, TtlvItem.text(Tag.ATTRIBUTE_NAME, "Object Group"),
                TtlvItem.integer(Tag.ATTRIBUTE_INDEX, 2), TtlvItem.text(Tag.ATTRIBUTE_VALUE, "g"));

        KmipAttribute attribute = AttributeMapping.fromAttribute(a);

        assertThat(attribute.index()).isEqualTo(2);
        assertThat(attribute.value()).isEqualTo(TtlvItem.text(Tag.OBJECT_GROUP, "g"));
        assertThat(AttributeMapping.toAttribute(attribute)).isEqualTo(a);
    }

    @Test
    void fromAttribute_unknownName_isInvalidField() {
        TtlvItem a = attribute1x("Colour", TtlvItem.text(Tag.ATTRIBUTE_VALUE, "blue"));

        assertThatThrownBy(() -> AttributeMapping.fromAttribute(a))
                .isInstanceOf(KmipException.class)
                .hasMessage("Attribute Name 'Colour' is not a KMIP attribute")
                .extracting(e -> ((KmipException) e).reason()).isEqualTo(ResultReason.INVALID_FIELD);
    }

    @Test
    void fromAttribute_missingValue_isInvalidMessage() {
        TtlvItem a = TtlvItem.structure(Tag.ATTRIBUTE, TtlvItem.text(Tag.ATTRIBUTE_NAME, "State"));

        assertThatThrownBy(() -> AttributeMapping.fromAttribute(a))
                .isInstanceOf(KmipException.class)
                .hasMessage("Attribute State: Attribute Value is missing");
    }
}
