package io.keyhold.protocol.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.spec.VersionRules.Finding;
import io.keyhold.protocol.spec.VersionRules.Kind;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.List;
import org.junit.jupiter.api.Test;

class VersionRulesTest {
    private final VersionRules rules = VersionRules.standard();

    @Test
    void hasTag_followsTheTable() {
        assertThat(rules.hasTag(Tag.TEMPLATE_ATTRIBUTE, KmipVersion.V1_4)).isTrue();
        assertThat(rules.hasTag(Tag.TEMPLATE_ATTRIBUTE, KmipVersion.V2_0)).isFalse();
        assertThat(rules.hasTag(Tag.ATTRIBUTES, KmipVersion.V1_4)).isFalse();
        assertThat(rules.hasTag(Tag.CLIENT_CORRELATION_VALUE, KmipVersion.V1_3)).isFalse();
        assertThat(rules.hasTag(Tag.CLIENT_CORRELATION_VALUE, KmipVersion.V1_4)).isTrue();
        assertThat(rules.hasTag(0x540001, KmipVersion.V2_1)).isFalse();
    }

    @Test
    void hasOperation_followsTheTable() {
        assertThat(rules.hasOperation(Operation.GET.value(), KmipVersion.V1_0)).isTrue();
        assertThat(rules.hasOperation(Operation.RE_KEY_KEY_PAIR.value(), KmipVersion.V1_0)).isFalse();
        assertThat(rules.hasOperation(Operation.RE_KEY_KEY_PAIR.value(), KmipVersion.V1_1)).isTrue();
        assertThat(rules.hasOperation(Operation.LOG.value(), KmipVersion.V1_4)).isFalse();
        assertThat(rules.hasOperation(Operation.LOG.value(), KmipVersion.V2_0)).isTrue();
    }

    @Test
    void check_vendorTagAndExtensionValue_areReportedNotRefused() throws Exception {
        TtlvItem tree = TtlvItem.structure(Tag.REQUEST_PAYLOAD,
                TtlvItem.text(0x540001, "vendor"),
                TtlvItem.enumeration(Tag.OBJECT_TYPE, 0x80000001),
                TtlvItem.enumeration(Tag.OBJECT_TYPE, 0x00007777),
                TtlvItem.integer(0x42FFFF, 1));

        List<Finding> findings = rules.check(tree, KmipVersion.V1_4);

        assertThat(findings).extracting(Finding::kind)
                .containsExactly(Kind.VENDOR_TAG, Kind.EXTENSION_VALUE, Kind.UNKNOWN_VALUE, Kind.UNKNOWN_TAG);
        assertThat(findings.get(0).path()).isEqualTo("Request Payload/0x540001");
        rules.requireWithin(tree, KmipVersion.V1_4);
    }

    @Test
    void check_dateTimeExtendedBefore20_isOutsideVersion() {
        TtlvItem tree = TtlvItem.dateTimeExtended(Tag.TIME_STAMP, 1L);

        assertThat(rules.check(tree, KmipVersion.V1_4)).extracting(Finding::kind)
                .containsExactly(Kind.ITEM_TYPE_NOT_IN_VERSION);
        assertThat(rules.check(tree, KmipVersion.V2_0)).isEmpty();
    }

    @Test
    void check_maskBitNewerThanVersion_isOutsideVersion() {
        int mask = CryptographicUsageMask.maskOf(CryptographicUsageMask.ENCRYPT, CryptographicUsageMask.AUTHENTICATE);
        TtlvItem tree = TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK, mask);

        assertThat(rules.check(tree, KmipVersion.V1_4)).singleElement()
                .satisfies(f -> assertThat(f.message()).isEqualTo("Cryptographic Usage Mask bit Authenticate exists in KMIP 2.0-2.1 only"));
        assertThat(rules.check(tree, KmipVersion.V2_1)).isEmpty();
    }

    @Test
    void check_1xAttributeValue_isTypedByItsAttributeName() {
        TtlvItem attribute = TtlvItem.structure(Tag.ATTRIBUTE,
                TtlvItem.text(Tag.ATTRIBUTE_NAME, "Cryptographic Algorithm"),
                TtlvItem.enumeration(Tag.ATTRIBUTE_VALUE, CryptographicAlgorithm.ED25519.value()));

        assertThat(rules.check(attribute, KmipVersion.V1_4)).singleElement()
                .satisfies(f -> assertThat(f.toString()).isEqualTo(
                        "Attribute/Attribute Value: Cryptographic Algorithm Ed25519 exists in KMIP 2.0-2.1 only"));
    }

    @Test
    void check_attributeReferenceToNewerTag_isOutsideVersion() {
        TtlvItem ref = TtlvItem.enumeration(Tag.ATTRIBUTE_REFERENCE, Tag.ROTATE_INTERVAL);

        assertThat(rules.check(ref, KmipVersion.V2_0)).extracting(Finding::kind)
                .containsExactly(Kind.VALUE_NOT_IN_VERSION);
        assertThat(rules.check(ref, KmipVersion.V2_1)).isEmpty();
    }

    @Test
    void requireWithin_templateIn20_namesTheItem() {
        TtlvItem tree = TtlvItem.structure(Tag.REQUEST_PAYLOAD, TtlvItem.structure(Tag.TEMPLATE_ATTRIBUTE));

        assertThatThrownBy(() -> rules.requireWithin(tree, KmipVersion.V2_0))
                .isInstanceOf(CodecException.class)
                .hasMessage("cannot encode for KMIP 2.0: Request Payload/Template-Attribute: tag exists in KMIP 1.0-1.4 only");
    }
}
