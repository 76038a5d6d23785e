package io.keyhold.protocol.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.ttlv.ItemType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SpecTableTest {
    private final SpecTable table = SpecTable.get();

    /**
     * Enumeration tags whose values the specification leaves open: no enumeration to check them against.
     */
    private static final Map<String, String> OPEN_ENUMERATION_TAGS = Map.of(
            "Opaque Data Type", "the spec defines no value but the Extensions range 8XXXXXXX",
            "Extension Type", "its value is an item type code (Integer in 1.x, Enumeration in 2.x), not a KMIP enumeration");

    @Test
    void tagByName_specNameAndNormalizedName_findSameTag() {
        assertThat(table.tagByName("Template-Attribute")).get().extracting(TagDefinition::value).isEqualTo(0x420091);
        assertThat(table.tagByName("TemplateAttribute")).get().extracting(TagDefinition::value).isEqualTo(0x420091);
        assertThat(table.tagByName("Unique Identifier")).get().extracting(TagDefinition::normalizedName).isEqualTo("UniqueIdentifier");
        assertThat(table.tagByName("PKCS_11Function")).get().extracting(TagDefinition::name).isEqualTo("PKCS#11 Function");
    }

    @Test
    void tagByName_unknownName_isEmpty() {
        assertThat(table.tagByName("No Such Tag")).isEmpty();
        assertThat(table.tagByName("uniqueidentifier")).isEmpty();
    }

    @Test
    void tag_byValue_findsDefinitionWithTypeAndGeneratedConstant() {
        TagDefinition t = table.tag(Tag.OBJECT_TYPE).orElseThrow();
        assertThat(t.name()).isEqualTo("Object Type");
        assertThat(t.hex()).isEqualTo("0x420057");
        assertThat(t.itemTypes()).containsExactly(ItemType.ENUMERATION);
        assertThat(table.valuesOf(Tag.OBJECT_TYPE)).get().extracting(EnumerationDefinition::name).isEqualTo("Object Type");
    }

    @Test
    void tag_vendorOrReservedValue_isEmpty() {
        assertThat(table.tag(0x540001)).isEmpty();
        assertThat(table.tag(0x42FFFF)).isEmpty();
        assertThat(SpecTable.isExtensionTag(0x540001)).isTrue();
        assertThat(SpecTable.isExtensionTag(0x42FFFF)).isFalse();
    }

    @Test
    void versions_template_exists10To14Only() {
        TagDefinition template = table.tagByName("Template").orElseThrow();
        assertThat(template.versions().versions())
                .containsExactly(KmipVersion.V1_0, KmipVersion.V1_1, KmipVersion.V1_2, KmipVersion.V1_3, KmipVersion.V1_4);
        assertThat(template.versions().contains(KmipVersion.V2_0)).isFalse();
        assertThat(template.versions().toString()).isEqualTo("1.0-1.4");
    }

    @Test
    void versions_attributesTag_exists20AndLater() {
        TagDefinition attributes = table.tagByName("Attributes").orElseThrow();
        assertThat(attributes.versions().first()).isEqualTo(KmipVersion.V2_0);
        assertThat(attributes.versions().contains(KmipVersion.V1_4)).isFalse();
    }

    @Test
    void versionsOf_dateTimeExtended_only2x() {
        assertThat(table.versionsOf(ItemType.DATE_TIME_EXTENDED).versions()).containsExactly(KmipVersion.V2_0, KmipVersion.V2_1);
        assertThat(table.versionsOf(ItemType.DATE_TIME).versions()).hasSize(KmipVersion.KNOWN.size());
    }

    @Test
    void byValue_resultReason0x0D_spelledPerVersion() {
        EnumerationDefinition reasons = table.enumeration("Result Reason").orElseThrow();
        assertThat(reasons.byValue(0x0D, KmipVersion.V1_0)).get().extracting(EnumerationValue::name).isEqualTo("Object archived");
        assertThat(reasons.byValue(0x0D, KmipVersion.V1_4)).get().extracting(EnumerationValue::name).isEqualTo("Object archived");
        assertThat(reasons.byValue(0x0D, KmipVersion.V2_0)).get().extracting(EnumerationValue::name).isEqualTo("Object Archived");
        assertThat(reasons.byValue(0x0D)).get().extracting(EnumerationValue::name).isEqualTo("Object Archived");
        assertThat(reasons.byName("ObjectArchived")).get().extracting(EnumerationValue::value).isEqualTo(0x0D);
    }

    @Test
    void byValue_unknownValue_isEmpty() {
        EnumerationDefinition types = table.enumeration("Object Type").orElseThrow();
        assertThat(types.byValue(0x7777)).isEmpty();
        assertThat(types.byValue(0x8000_0001, KmipVersion.V1_4)).isEmpty();
        assertThat(EnumerationDefinition.isExtensionValue(0x8000_0001)).isTrue();
    }

    @Test
    void byName_specAndNormalizedNames_findValue() {
        EnumerationDefinition algorithms = table.enumeration("Cryptographic Algorithm").orElseThrow();
        assertThat(algorithms.byName("3DES")).get().extracting(EnumerationValue::value).isEqualTo(0x02);
        assertThat(algorithms.byName("DES3")).get().extracting(EnumerationValue::value).isEqualTo(0x02);
        assertThat(algorithms.byName("AES")).get().extracting(EnumerationValue::value).isEqualTo(0x03);
        assertThat(table.enumeration("Cryptographic Usage Mask")).get().extracting(EnumerationDefinition::isMask).isEqualTo(true);
    }

    @Test
    void generatedEnum_matchesTable() {
        EnumerationDefinition def = table.enumeration("Result Reason").orElseThrow();
        for (ResultReason r : ResultReason.values()) {
            assertThat(def.byValue(r.value())).as(r.name()).get().extracting(EnumerationValue::name).isEqualTo(r.specName());
        }
        assertThat(Operation.GET.value()).isEqualTo(0x0A);
        assertThat(Operation.GET.specName()).isEqualTo("Get");
    }

    @Test
    void enumerationTags_nameExistingEnumerationOrAreDocumentedOpen() {
        List<String> undocumented = new ArrayList<>();
        List<String> open = new ArrayList<>();
        for (TagDefinition t : table.tags()) {
            if (!t.itemTypes().contains(ItemType.ENUMERATION) || t.takesTagValues()) {
                continue;
            }
            if (t.valuesFrom().isEmpty()) {
                open.add(t.name());
                if (!OPEN_ENUMERATION_TAGS.containsKey(t.name())) {
                    undocumented.add(t.name());
                }
            } else {
                assertThat(table.enumeration(t.valuesFrom())).as(t.name() + " takes " + t.valuesFrom()).isPresent();
                assertThat(table.valuesOf(t.value())).as(t.name()).isPresent();
            }
        }
        assertThat(undocumented).as("Enumeration tags with no enumeration and no reason").isEmpty();
        assertThat(open).as("documented open tags that still are open").containsExactlyInAnyOrderElementsOf(OPEN_ENUMERATION_TAGS.keySet());
    }

    @Test
    void attributeReference_takesTagValues() {
        TagDefinition ref = table.tagByName("Attribute Reference").orElseThrow();
        assertThat(ref.takesTagValues()).isTrue();
        assertThat(table.valuesOf(ref.value())).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ItemType.class)
    void codeOf_everyItemType_equalsEnumCode(ItemType type) {
        assertThat(table.codeOf(type)).isEqualTo(type.code());
        assertThat(ItemType.fromCode(type.code())).isSameAs(type);
    }

    @Test
    void load_duplicateTag_isRejectedWithLine() {
        String csv = "kind,enumeration,name,value,item_type,values_from,versions,note\n"
                + "tag,,A,0x420001,Integer,,1.0,\n"
                + "tag,,B,0x420001,Integer,,1.0,\n";
        assertThatThrownBy(() -> SpecTable.load(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8))))
                .hasMessage("spec table line 3: tag 0x420001 appears twice");
    }

    @Test
    void load_unknownEnumerationReference_isRejected() {
        String csv = "kind,enumeration,name,value,item_type,values_from,versions,note\n"
                + "tag,,A,0x420001,Enumeration,Nowhere,1.0,\n";
        assertThatThrownBy(() -> SpecTable.load(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8))))
                .hasMessage("spec table: tag A takes values of unknown enumeration Nowhere");
    }
}
