package io.keyhold.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import org.junit.jupiter.api.Test;

class AttributeRulesTest {
    private static final int KEY = ObjectType.SYMMETRIC_KEY.value();

    private static ResultReason supplied(KmipAttribute a, int type, KmipVersion v) {
        KmipException e = catchThrowableOfType(() -> AttributeRules.checkClientSupplied(a, type, v), KmipException.class);
        return e == null ? null : e.reason();
    }

    @Test
    void serverOnly_coversTheServerMaintainedAttributes() {
        assertThat(AttributeRules.isServerOnly("State")).isTrue();
        assertThat(AttributeRules.isServerOnly("Unique Identifier")).isTrue();
        assertThat(AttributeRules.isServerOnly("Last Change Date")).isTrue();
        assertThat(AttributeRules.isServerOnly("y-server-note")).isTrue();
        assertThat(AttributeRules.isServerOnly("Name")).isFalse();
        assertThat(AttributeRules.isServerOnly("Cryptographic Algorithm")).isFalse();
        assertThat(AttributeRules.isServerOnly("x-anything")).isFalse();
    }

    @Test
    void checkClientSupplied_creationAttributes_areAccepted() {
        assertThatCode(() -> AttributeRules.checkClientSupplied(KmipAttribute.of(
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.AES.value())), KEY, KmipVersion.V1_0))
                .doesNotThrowAnyException();
        assertThatCode(() -> AttributeRules.checkClientSupplied(KmipAttribute.of(
                TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK, 12)), ObjectType.SECRET_DATA.value(), KmipVersion.V1_2))
                .doesNotThrowAnyException();
        assertThatCode(() -> AttributeRules.checkClientSupplied(
                new KmipAttribute("x-vmware", 0, TtlvItem.text(Tag.ATTRIBUTE_VALUE, "v")), KEY, KmipVersion.V1_1))
                .doesNotThrowAnyException();
    }

    @Test
    void checkClientSupplied_serverAttribute_isReadOnlyPerVersion() {
        KmipAttribute state = KmipAttribute.of(TtlvItem.enumeration(Tag.STATE, 1));
        assertThat(supplied(state, KEY, KmipVersion.V1_4)).isEqualTo(ResultReason.PERMISSION_DENIED);
        assertThat(supplied(state, KEY, KmipVersion.V2_0)).isEqualTo(ResultReason.ATTRIBUTE_READ_ONLY);
        KmipAttribute y = new KmipAttribute("y-mine", 0, TtlvItem.text(Tag.ATTRIBUTE_VALUE, "v"));
        assertThat(supplied(y, KEY, KmipVersion.V1_2)).isEqualTo(ResultReason.PERMISSION_DENIED);
    }

    @Test
    void checkClientSupplied_wrongType_isInvalid() {
        KmipAttribute length = KmipAttribute.of(TtlvItem.text(Tag.CRYPTOGRAPHIC_LENGTH, "256"));
        assertThat(supplied(length, KEY, KmipVersion.V1_2)).isEqualTo(ResultReason.INVALID_FIELD);
        assertThat(supplied(length, KEY, KmipVersion.V2_1)).isEqualTo(ResultReason.INVALID_ATTRIBUTE_VALUE);
    }

    @Test
    void checkClientSupplied_notApplicable_isRefused() {
        KmipAttribute domain = KmipAttribute.of(TtlvItem.structure(Tag.CRYPTOGRAPHIC_DOMAIN_PARAMETERS));
        assertThat(supplied(domain, KEY, KmipVersion.V1_4)).isEqualTo(ResultReason.PERMISSION_DENIED);
        assertThat(supplied(domain, KEY, KmipVersion.V2_1)).isEqualTo(ResultReason.INVALID_ATTRIBUTE);
        assertThat(supplied(domain, ObjectType.PRIVATE_KEY.value(), KmipVersion.V2_1)).isNull();
    }

    @Test
    void rules_multiValuedAndDeletable() {
        assertThat(AttributeRules.isMultiValued("Name")).isTrue();
        assertThat(AttributeRules.isMultiValued("Link")).isTrue();
        assertThat(AttributeRules.isMultiValued("x-custom")).isTrue();
        assertThat(AttributeRules.isMultiValued("Contact Information")).isFalse();
        assertThat(AttributeRules.rule("Cryptographic Usage Mask").clientModifiable()).isFalse();
        assertThat(AttributeRules.rule("Activation Date").clientModifiable()).isTrue();
        assertThat(AttributeRules.rule("Activation Date").clientDeletes()).isFalse();
        assertThatCode(() -> AttributeRules.checkDeletable("Name", KmipVersion.V1_0)).doesNotThrowAnyException();
        KmipException e = catchThrowableOfType(() -> AttributeRules.checkDeletable("Deactivation Date", KmipVersion.V2_1),
                KmipException.class);
        assertThat(e.reason()).isEqualTo(ResultReason.ATTRIBUTE_READ_ONLY);
    }
}
