package io.keyhold.server.ops.object;

import static io.keyhold.server.ops.object.Fixture.algorithm;
import static io.keyhold.server.ops.object.Fixture.length;
import static io.keyhold.server.ops.object.Fixture.mask;
import static io.keyhold.server.ops.object.Fixture.name;
import static io.keyhold.server.ops.object.Fixture.objectType;
import static io.keyhold.server.ops.object.Fixture.payload;
import static io.keyhold.server.ops.object.Fixture.uid;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.StoredObject;
import java.security.MessageDigest;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CreateHandlerTest {

    static Stream<KmipVersion> versions() {
        return Stream.of(KmipVersion.V1_0, KmipVersion.V1_2, KmipVersion.V1_4, KmipVersion.V2_0, KmipVersion.V2_1);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void create_aes256_answersObjectTypeThenUidAndStoresPreActiveRawKey(KmipVersion version) throws Exception {
        Fixture f = new Fixture(version);
        TtlvItem response = f.run(Operation.CREATE, payload(objectType(ObjectType.SYMMETRIC_KEY),
                f.attributes(algorithm(CryptographicAlgorithm.AES), length(256), mask(12))));

        assertThat(response.tag()).isEqualTo(Tag.RESPONSE_PAYLOAD);
        assertThat(response.children()).extracting(TtlvItem::tag).containsExactly(Tag.OBJECT_TYPE, Tag.UNIQUE_IDENTIFIER);
        assertThat(response.children().get(0).enumValue()).isEqualTo(ObjectType.SYMMETRIC_KEY.value());
        String id = response.children().get(1).textValue();
        assertThat(id).matches("[0-9a-f-]{36}");
        assertThat(f.context().idPlaceholder()).contains(id);

        StoredObject stored = f.stored(id);
        assertThat(stored.owner()).isEqualTo("client1");
        assertThat(stored.state()).isEqualTo(State.PRE_ACTIVE.value());
        assertThat(stored.attribute("Cryptographic Algorithm").orElseThrow().value().enumValue())
                .isEqualTo(CryptographicAlgorithm.AES.value());
        assertThat(stored.attribute("Cryptographic Length").orElseThrow().value().intValue()).isEqualTo(256);
        assertThat(stored.attribute("Cryptographic Usage Mask").orElseThrow().value().intValue()).isEqualTo(12);
        assertThat(stored.attribute("Unique Identifier").orElseThrow().value().textValue()).isEqualTo(id);
        assertThat(stored.attribute("Initial Date").orElseThrow().value().dateTimeValue()).isEqualTo(Fixture.T0);
        assertThat(stored.attribute("Last Change Date").orElseThrow().value().dateTimeValue()).isEqualTo(Fixture.T0);
        assertThat(stored.attribute("Original Creation Date").isPresent())
                .isEqualTo(io.keyhold.protocol.spec.VersionRules.standard().hasTag(Tag.ORIGINAL_CREATION_DATE, version));
        assertThat(stored.attribute("Original Creation Date").isPresent()).isEqualTo(version.compareTo(KmipVersion.V1_2) >= 0);
        assertThat(stored.attribute("Fresh").isPresent()).isEqualTo(version.compareTo(KmipVersion.V1_1) >= 0);

        byte[] material = stored.object().child(Tag.KEY_BLOCK).orElseThrow().child(Tag.KEY_VALUE).orElseThrow()
                .child(Tag.KEY_MATERIAL).orElseThrow().bytesValue();
        assertThat(material).hasSize(32);
        TtlvItem digest = stored.attribute("Digest").orElseThrow().value();
        assertThat(digest.child(Tag.HASHING_ALGORITHM).orElseThrow().enumValue()).isEqualTo(6);
        assertThat(digest.child(Tag.DIGEST_VALUE).orElseThrow().bytesValue())
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(material));
        assertThat(digest.child(Tag.KEY_FORMAT_TYPE).isPresent()).isEqualTo(version.compareTo(KmipVersion.V1_1) >= 0);
    }

    @Test
    void create_twoKeys_haveDifferentMaterial() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_2);
        String a = f.createAes();
        String b = f.createAes();
        assertThat(a).isNotEqualTo(b);
        assertThat(f.stored(a).object()).isNotEqualTo(f.stored(b).object());
    }

    @ParameterizedTest
    @MethodSource("versions")
    void create_hmacWithoutLength_usesTheHashLength(KmipVersion version) throws Exception {
        Fixture f = new Fixture(version);
        TtlvItem response = f.run(Operation.CREATE, payload(objectType(ObjectType.SYMMETRIC_KEY),
                f.attributes(algorithm(CryptographicAlgorithm.HMAC_SHA384))));
        StoredObject stored = f.stored(response.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue());
        assertThat(stored.attribute("Cryptographic Length").orElseThrow().value().intValue()).isEqualTo(384);
        assertThat(material(stored)).hasSize(48);
    }

    @Test
    void create_tripleDes168_has24BytesWithOddParity() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_4);
        TtlvItem response = f.run(Operation.CREATE, payload(objectType(ObjectType.SYMMETRIC_KEY),
                f.attributes(algorithm(CryptographicAlgorithm.DES3), length(168))));
        byte[] key = material(f.stored(response.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue()));
        assertThat(key).hasSize(24);
        for (byte b : key) {
            assertThat(Integer.bitCount(b & 0xFF) % 2).isEqualTo(1);
        }
    }

    @Test
    void create_chacha20AndCamellia_areSupported() throws Exception {
        Fixture f = new Fixture(KmipVersion.V2_1);
        TtlvItem chacha = f.run(Operation.CREATE, payload(objectType(ObjectType.SYMMETRIC_KEY),
                f.attributes(algorithm(CryptographicAlgorithm.CHACHA20))));
        assertThat(material(f.stored(chacha.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue()))).hasSize(32);
        TtlvItem camellia = f.run(Operation.CREATE, payload(objectType(ObjectType.SYMMETRIC_KEY),
                f.attributes(algorithm(CryptographicAlgorithm.CAMELLIA), length(192))));
        assertThat(material(f.stored(camellia.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue()))).hasSize(24);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void create_withoutAlgorithm_isMissingData(KmipVersion version) throws Exception {
        Fixture f = new Fixture(version);
        f.fails(ResultReason.MISSING_DATA, Operation.CREATE, payload(objectType(ObjectType.SYMMETRIC_KEY),
                f.attributes(length(128))));
        long stored = f.store.read(tx -> tx.count(allQuery()));
        assertThat(stored).isZero();
    }

    @Test
    void create_aesWithoutLength_isMissingData() {
        Fixture f = new Fixture(KmipVersion.V1_2);
        f.fails(ResultReason.MISSING_DATA, Operation.CREATE, payload(objectType(ObjectType.SYMMETRIC_KEY),
                f.attributes(algorithm(CryptographicAlgorithm.AES))));
    }

    @Test
    void create_aesWithOddLength_isInvalidField() {
        Fixture f = new Fixture(KmipVersion.V2_1);
        KmipExceptionMessage.assertNames(f.fails(ResultReason.INVALID_FIELD, Operation.CREATE,
                payload(objectType(ObjectType.SYMMETRIC_KEY), f.attributes(algorithm(CryptographicAlgorithm.AES), length(100)))),
                "100");
    }

    @Test
    void create_rsa_isInvalidField_andMars_isFeatureNotSupported() {
        Fixture f = new Fixture(KmipVersion.V1_4);
        f.fails(ResultReason.INVALID_FIELD, Operation.CREATE, payload(objectType(ObjectType.SYMMETRIC_KEY),
                f.attributes(algorithm(CryptographicAlgorithm.RSA), length(2048))));
        f.fails(ResultReason.FEATURE_NOT_SUPPORTED, Operation.CREATE, payload(objectType(ObjectType.SYMMETRIC_KEY),
                f.attributes(algorithm(CryptographicAlgorithm.MARS), length(128))));
    }

    @Test
    void create_secretData_isInvalidObjectTypeIn2xAndInvalidFieldIn1x() {
        Fixture two = new Fixture(KmipVersion.V2_1);
        two.fails(ResultReason.INVALID_OBJECT_TYPE, Operation.CREATE, payload(objectType(ObjectType.SECRET_DATA),
                two.attributes(algorithm(CryptographicAlgorithm.AES), length(128))));
        Fixture one = new Fixture(KmipVersion.V1_2);
        one.fails(ResultReason.INVALID_FIELD, Operation.CREATE, payload(objectType(ObjectType.SECRET_DATA),
                one.attributes(algorithm(CryptographicAlgorithm.AES), length(128))));
    }

    @Test
    void create_withReadOnlyState_isRefusedPerVersion() {
        Fixture two = new Fixture(KmipVersion.V2_1);
        two.fails(ResultReason.ATTRIBUTE_READ_ONLY, Operation.CREATE, payload(objectType(ObjectType.SYMMETRIC_KEY),
                two.attributes(algorithm(CryptographicAlgorithm.AES), length(128), TtlvItem.enumeration(Tag.STATE, 2))));
        Fixture one = new Fixture(KmipVersion.V1_0);
        one.fails(ResultReason.PERMISSION_DENIED, Operation.CREATE, payload(objectType(ObjectType.SYMMETRIC_KEY),
                one.attributes(algorithm(CryptographicAlgorithm.AES), length(128), TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "mine"))));
    }

    @Test
    void create_withLengthOfWrongType_isInvalidField() {
        Fixture f = new Fixture(KmipVersion.V1_2);
        f.fails(ResultReason.INVALID_FIELD, Operation.CREATE, payload(objectType(ObjectType.SYMMETRIC_KEY),
                f.attributes(algorithm(CryptographicAlgorithm.AES), TtlvItem.text(Tag.CRYPTOGRAPHIC_LENGTH, "256"))));
    }

    @Test
    void create_withTwoAlgorithms_isInvalidField() {
        Fixture f = new Fixture(KmipVersion.V2_1);
        f.fails(ResultReason.INVALID_FIELD, Operation.CREATE, payload(objectType(ObjectType.SYMMETRIC_KEY),
                f.attributes(algorithm(CryptographicAlgorithm.AES), algorithm(CryptographicAlgorithm.AES), length(128))));
    }

    @ParameterizedTest
    @MethodSource("versions")
    void create_withPastActivationDate_isActiveAtOnce_futureStaysPreActiveUntilItComes(KmipVersion version) throws Exception {
        Fixture f = new Fixture(version);
        String now = f.createAes(TtlvItem.dateTime(Tag.ACTIVATION_DATE, Fixture.T0));
        assertThat(f.stored(now).state()).isEqualTo(State.ACTIVE.value());
        String later = f.createAes(TtlvItem.dateTime(Tag.ACTIVATION_DATE, Fixture.T0 + 100));
        assertThat(f.stored(later).state()).isEqualTo(State.PRE_ACTIVE.value());
        f.clock.advance(100);
        f.run(Operation.GET, payload(uid(later)));
        assertThat(f.stored(later).state()).isEqualTo(State.ACTIVE.value());
    }

    @Test
    void create_withNamesAndGroups_keepsEveryInstanceWithIndices() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_2);
        String id = f.createAes(name("a"), name("b"), TtlvItem.text(Tag.OBJECT_GROUP, "g"));
        List<KmipAttribute> names = f.stored(id).attributes("Name");
        assertThat(names).extracting(KmipAttribute::index).containsExactly(0, 1);
        assertThat(f.stored(id).attribute("Object Group").orElseThrow().value().textValue()).isEqualTo("g");
    }

    @Test
    void create_1xWithTemplateName_mergesTheTemplateAttributes() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_2);
        TtlvItem template = AttributeMapping.toTemplateAttribute(Tag.TEMPLATE, List.of(
                KmipAttribute.of(algorithm(CryptographicAlgorithm.AES)), KmipAttribute.of(length(128)),
                KmipAttribute.of(mask(4))));
        f.register(ObjectType.TEMPLATE, template, name("tmpl"));
        TtlvItem request = payload(objectType(ObjectType.SYMMETRIC_KEY), TtlvItem.structure(Tag.TEMPLATE_ATTRIBUTE,
                name("tmpl"), AttributeMapping.toAttribute(KmipAttribute.of(mask(12)))));
        TtlvItem response = f.run(Operation.CREATE, request);
        StoredObject key = f.stored(response.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue());
        assertThat(material(key)).hasSize(16);
        assertThat(key.attribute("Cryptographic Usage Mask").orElseThrow().value().intValue()).isEqualTo(12);
        assertThat(key.attributes("Cryptographic Usage Mask")).hasSize(1);
    }

    @Test
    void create_10TemplateNamedInsideItself_isFoundByThatName_andItsNameIsNotCopied() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_0);
        TtlvItem template = AttributeMapping.toTemplateAttribute(Tag.TEMPLATE, List.of(
                KmipAttribute.of(algorithm(CryptographicAlgorithm.AES)), KmipAttribute.of(length(192)),
                KmipAttribute.of(TtlvItem.text(Tag.OBJECT_GROUP, "grp")), KmipAttribute.of(name("inner"))));
        String templateId = f.register(ObjectType.TEMPLATE, template);
        assertThat(f.stored(templateId).attribute("Name").orElseThrow().value()).isEqualTo(name("inner"));
        TtlvItem response = f.run(Operation.CREATE, payload(objectType(ObjectType.SYMMETRIC_KEY),
                TtlvItem.structure(Tag.TEMPLATE_ATTRIBUTE, name("inner"))));
        StoredObject key = f.stored(response.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue());
        assertThat(material(key)).hasSize(24);
        assertThat(key.attribute("Object Group").orElseThrow().value().textValue()).isEqualTo("grp");
        assertThat(key.attribute("Name")).isEmpty();
    }

    @Test
    void create_1xWithUnknownTemplateName_isItemNotFound() {
        Fixture f = new Fixture(KmipVersion.V1_2);
        f.fails(ResultReason.ITEM_NOT_FOUND, Operation.CREATE, payload(objectType(ObjectType.SYMMETRIC_KEY),
                TtlvItem.structure(Tag.TEMPLATE_ATTRIBUTE, name("nope"))));
    }

    @Test
    void create_customAttribute_isKept() throws Exception {
        for (KmipVersion v : List.of(KmipVersion.V1_1, KmipVersion.V2_1)) {
            Fixture f = new Fixture(v);
            TtlvItem response = f.run(Operation.CREATE, payload(objectType(ObjectType.SYMMETRIC_KEY), f.attributes(List.of(
                    KmipAttribute.of(algorithm(CryptographicAlgorithm.AES)), KmipAttribute.of(length(128)),
                    Fixture.custom("x-Department", "ops")))));
            StoredObject key = f.stored(response.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue());
            assertThat(key.attribute("x-Department").orElseThrow().value().textValue()).isEqualTo("ops");
        }
    }

    static byte[] material(StoredObject stored) {
        return stored.object().child(Tag.KEY_BLOCK).orElseThrow().child(Tag.KEY_VALUE).orElseThrow()
                .child(Tag.KEY_MATERIAL).orElseThrow().bytesValue();
    }

    static io.keyhold.server.store.LocateQuery allQuery() {
        return new io.keyhold.server.store.LocateQuery(null, List.of(),
                java.util.EnumSet.allOf(io.keyhold.server.store.StorageStatus.class), 0, -1);
    }
}
