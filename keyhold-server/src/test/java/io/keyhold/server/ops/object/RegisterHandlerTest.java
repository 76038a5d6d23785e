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
import io.keyhold.protocol.spec.DigitalSignatureAlgorithm;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.StoredObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Date;
import java.util.List;
import java.util.stream.Stream;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RegisterHandlerTest {
    private static byte[] certificate;

    @BeforeAll
    static void makeCertificate() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        KeyPair pair = generator.generateKeyPair();
        X500Principal dn = new X500Principal("CN=keyhold test,O=Keyhold");
        certificate = new JcaX509v3CertificateBuilder(dn, BigInteger.valueOf(4242), new Date(1_600_000_000_000L),
                new Date(1_900_000_000_000L), dn, pair.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())).getEncoded();
    }

    static TtlvItem keyBlock(int format, TtlvItem keyValue, TtlvItem... tail) {
        List<TtlvItem> c = new java.util.ArrayList<>(List.of(TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, format), keyValue));
        c.addAll(List.of(tail));
        return TtlvItem.structure(Tag.KEY_BLOCK, c);
    }

    static TtlvItem opaqueValue(byte[] bytes) {
        return TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, bytes));
    }

    static Stream<Arguments> objects() {
        byte[] bytes = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        TtlvItem rsaPublic = TtlvItem.structure(Tag.PUBLIC_KEY, keyBlock(11,
                TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.structure(Tag.KEY_MATERIAL,
                        TtlvItem.bigInteger(Tag.MODULUS, new BigInteger("c0ffee0123456789abcdef", 16)),
                        TtlvItem.bigInteger(Tag.PUBLIC_EXPONENT, BigInteger.valueOf(65537)))),
                algorithm(CryptographicAlgorithm.RSA), length(88)));
        return Stream.of(
                Arguments.of(ObjectType.SYMMETRIC_KEY, Fixture.rawKey(bytes, CryptographicAlgorithm.AES, 256)),
                Arguments.of(ObjectType.SECRET_DATA, TtlvItem.structure(Tag.SECRET_DATA,
                        TtlvItem.enumeration(Tag.SECRET_DATA_TYPE, 1), keyBlock(2, opaqueValue(bytes)))),
                Arguments.of(ObjectType.OPAQUE_OBJECT, TtlvItem.structure(Tag.OPAQUE_OBJECT,
                        TtlvItem.enumeration(Tag.OPAQUE_DATA_TYPE, 0x80000001), TtlvItem.bytes(Tag.OPAQUE_DATA_VALUE, bytes))),
                Arguments.of(ObjectType.PUBLIC_KEY, rsaPublic),
                Arguments.of(ObjectType.PRIVATE_KEY, TtlvItem.structure(Tag.PRIVATE_KEY, keyBlock(4, opaqueValue(bytes),
                        algorithm(CryptographicAlgorithm.RSA), length(1024)))),
                Arguments.of(ObjectType.SPLIT_KEY, TtlvItem.structure(Tag.SPLIT_KEY,
                        TtlvItem.integer(Tag.SPLIT_KEY_PARTS, 3), TtlvItem.integer(Tag.KEY_PART_IDENTIFIER, 1),
                        TtlvItem.integer(Tag.SPLIT_KEY_THRESHOLD, 2), TtlvItem.enumeration(Tag.SPLIT_KEY_METHOD, 1),
                        keyBlock(1, opaqueValue(bytes), algorithm(CryptographicAlgorithm.AES), length(256)))),
                Arguments.of(ObjectType.PGP_KEY, TtlvItem.structure(Tag.PGP_KEY, TtlvItem.integer(Tag.PGP_KEY_VERSION, 4),
                        keyBlock(2, opaqueValue(bytes)))),
                Arguments.of(ObjectType.CERTIFICATE, TtlvItem.structure(Tag.CERTIFICATE,
                        TtlvItem.enumeration(Tag.CERTIFICATE_TYPE, 1), TtlvItem.bytes(Tag.CERTIFICATE_VALUE, certificate))));
    }

    @ParameterizedTest
    @MethodSource("objects")
    void register_eachObjectType_roundTripsByteForByteThroughGet(ObjectType type, TtlvItem object) throws Exception {
        for (KmipVersion version : List.of(KmipVersion.V1_2, KmipVersion.V1_4, KmipVersion.V2_1)) {
            Fixture f = new Fixture(version);
            TtlvItem response = f.run(Operation.REGISTER, payload(objectType(type), f.attributes(name("n-" + type)), object));
            assertThat(response.children()).extracting(TtlvItem::tag).containsExactly(Tag.UNIQUE_IDENTIFIER);
            String id = response.children().get(0).textValue();
            assertThat(f.context().idPlaceholder()).contains(id);

            TtlvItem got = f.run(Operation.GET, payload(uid(id)));
            assertThat(got.children()).extracting(TtlvItem::tag).containsExactly(Tag.OBJECT_TYPE, Tag.UNIQUE_IDENTIFIER, object.tag());
            assertThat(got.children().get(2)).isEqualTo(object);
            StoredObject stored = f.stored(id);
            assertThat(stored.objectType()).isEqualTo(type.value());
            assertThat(stored.attribute("Digest")).isPresent();
            boolean hasState = type != ObjectType.OPAQUE_OBJECT || version.compareTo(KmipVersion.V2_0) >= 0;
            assertThat(stored.state()).isEqualTo(hasState ? State.PRE_ACTIVE.value() : -1);
        }
    }

    @Test
    void register_symmetricKeyWithoutAttributes_takesAlgorithmAndLengthFromTheKeyBlock() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_0);
        TtlvItem key = TtlvItem.structure(Tag.SYMMETRIC_KEY, keyBlock(1, opaqueValue(new byte[32])));
        String id = f.register(ObjectType.SYMMETRIC_KEY, key);
        assertThat(f.stored(id).attribute("Cryptographic Length").orElseThrow().value().intValue()).isEqualTo(256);
        String aes = f.register(ObjectType.SYMMETRIC_KEY, Fixture.rawKey(new byte[16], CryptographicAlgorithm.AES, 128), mask(12));
        assertThat(f.stored(aes).attribute("Cryptographic Algorithm").orElseThrow().value().enumValue())
                .isEqualTo(CryptographicAlgorithm.AES.value());
        assertThat(f.stored(aes).attribute("Cryptographic Length").orElseThrow().value().intValue()).isEqualTo(128);
    }

    @Test
    void register_perconaBase64KeyWithEmptyNameAndGroup_isReturnedByteForByte() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_4);
        byte[] text = "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=".getBytes(StandardCharsets.US_ASCII);
        TtlvItem key = Fixture.rawKey(text, CryptographicAlgorithm.AES, 256);
        String id = f.register(ObjectType.SYMMETRIC_KEY, key, TtlvItem.structure(Tag.NAME, TtlvItem.text(Tag.NAME_VALUE, ""),
                TtlvItem.enumeration(Tag.NAME_TYPE, 1)), TtlvItem.text(Tag.OBJECT_GROUP, ""));
        f.version = KmipVersion.V1_0;
        TtlvItem got = f.run(Operation.GET, payload(uid(id)));
        assertThat(CreateHandlerTest.material(f.stored(id))).isEqualTo(text);
        assertThat(got.children().get(2)).isEqualTo(key);
    }

    @Test
    void register_certificate_setsTheCertificateAttributes() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_2);
        String id = f.register(ObjectType.CERTIFICATE, TtlvItem.structure(Tag.CERTIFICATE,
                TtlvItem.enumeration(Tag.CERTIFICATE_TYPE, 1), TtlvItem.bytes(Tag.CERTIFICATE_VALUE, certificate)));
        StoredObject stored = f.stored(id);
        assertThat(stored.attribute("Certificate Type").orElseThrow().value().enumValue()).isEqualTo(1);
        assertThat(stored.attribute("Certificate Length").orElseThrow().value().intValue()).isEqualTo(certificate.length);
        assertThat(stored.attribute("Digital Signature Algorithm").orElseThrow().value().enumValue())
                .isEqualTo(DigitalSignatureAlgorithm.SHA_256_WITH_RSA_ENCRYPTION.value());
        TtlvItem identifier = stored.attribute("X.509 Certificate Identifier").orElseThrow().value();
        assertThat(new BigInteger(identifier.child(Tag.CERTIFICATE_SERIAL_NUMBER).orElseThrow().bytesValue())).isEqualTo(4242);
        assertThat(stored.attribute("X.509 Certificate Subject").orElseThrow().value().child(Tag.SUBJECT_DISTINGUISHED_NAME)
                .orElseThrow().bytesValue()).isEqualTo(new X500Principal("CN=keyhold test,O=Keyhold").getEncoded());
        assertThat(stored.attribute("Certificate Subject").orElseThrow().value()
                .child(Tag.CERTIFICATE_SUBJECT_DISTINGUISHED_NAME).orElseThrow().textValue()).contains("CN=keyhold test");
        assertThat(stored.attribute("Cryptographic Algorithm").orElseThrow().value().enumValue())
                .isEqualTo(CryptographicAlgorithm.RSA.value());
        assertThat(stored.attribute("Cryptographic Length").orElseThrow().value().intValue()).isEqualTo(1024);

        Fixture two = new Fixture(KmipVersion.V2_1);
        StoredObject stored2 = two.stored(two.register(ObjectType.CERTIFICATE, TtlvItem.structure(Tag.CERTIFICATE,
                TtlvItem.enumeration(Tag.CERTIFICATE_TYPE, 1), TtlvItem.bytes(Tag.CERTIFICATE_VALUE, certificate))));
        assertThat(stored2.attribute("X.509 Certificate Issuer")).isPresent();
        assertThat(stored2.attribute("Certificate Subject")).isEmpty();
    }

    @Test
    void register_malformedCertificate_isInvalidField() {
        Fixture f = new Fixture(KmipVersion.V1_4);
        f.fails(ResultReason.INVALID_FIELD, Operation.REGISTER, payload(objectType(ObjectType.CERTIFICATE), f.attributes(),
                TtlvItem.structure(Tag.CERTIFICATE, TtlvItem.enumeration(Tag.CERTIFICATE_TYPE, 1),
                        TtlvItem.bytes(Tag.CERTIFICATE_VALUE, new byte[] {0x30, 0x03, 1, 2, 3}))));
    }

    @Test
    void register_withoutTheObject_isMissingData_andMismatchedObject_too() {
        Fixture f = new Fixture(KmipVersion.V2_1);
        f.fails(ResultReason.MISSING_DATA, Operation.REGISTER, payload(objectType(ObjectType.SYMMETRIC_KEY), f.attributes()));
        f.fails(ResultReason.MISSING_DATA, Operation.REGISTER, payload(objectType(ObjectType.SECRET_DATA), f.attributes(),
                Fixture.rawKey(new byte[16], CryptographicAlgorithm.AES, 128)));
    }

    @Test
    void register_keyBlockWithoutKeyValue_isInvalidField() {
        Fixture f = new Fixture(KmipVersion.V1_2);
        f.fails(ResultReason.INVALID_FIELD, Operation.REGISTER, payload(objectType(ObjectType.SYMMETRIC_KEY), f.attributes(),
                TtlvItem.structure(Tag.SYMMETRIC_KEY, TtlvItem.structure(Tag.KEY_BLOCK,
                        TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, 1)))));
    }

    @Test
    void register_attributeAlgorithmDifferentFromKeyBlock_isInvalidField() {
        Fixture f = new Fixture(KmipVersion.V2_1);
        f.fails(ResultReason.INVALID_FIELD, Operation.REGISTER, payload(objectType(ObjectType.SYMMETRIC_KEY),
                f.attributes(algorithm(CryptographicAlgorithm.CAMELLIA)), Fixture.rawKey(new byte[16], CryptographicAlgorithm.AES, 128)));
    }

    @Test
    void register_templateIn2x_isInvalidObjectType_andIn1xWorks() throws Exception {
        TtlvItem template = AttributeMapping.toTemplateAttribute(Tag.TEMPLATE, List.of(KmipAttribute.of(length(128))));
        Fixture two = new Fixture(KmipVersion.V2_1);
        two.fails(ResultReason.INVALID_OBJECT_TYPE, Operation.REGISTER, payload(objectType(ObjectType.TEMPLATE),
                two.attributes(), template));
        Fixture one = new Fixture(KmipVersion.V1_1);
        String id = one.register(ObjectType.TEMPLATE, template, name("t"));
        assertThat(one.stored(id).state()).isEqualTo(-1);
        assertThat(one.stored(id).object()).isEqualTo(template);
    }

    @Test
    void register_pgpKeyBefore12_isInvalidField() {
        Fixture f = new Fixture(KmipVersion.V1_1);
        f.fails(ResultReason.INVALID_FIELD, Operation.REGISTER, payload(objectType(ObjectType.PGP_KEY), f.attributes(),
                TtlvItem.structure(Tag.PGP_KEY, TtlvItem.integer(Tag.PGP_KEY_VERSION, 4),
                        keyBlock(2, opaqueValue(new byte[] {1, 2})))));
    }

    @Test
    void register_withServerOnlyAttribute_isRefused() {
        Fixture f = new Fixture(KmipVersion.V1_4);
        f.fails(ResultReason.PERMISSION_DENIED, Operation.REGISTER, payload(objectType(ObjectType.SYMMETRIC_KEY),
                f.attributes(TtlvItem.dateTime(Tag.INITIAL_DATE, 5)), Fixture.rawKey(new byte[16], CryptographicAlgorithm.AES, 128)));
    }

    @Test
    void register_certificateTypeStatedByTheClient_mustMatchTheCertificate() throws Exception {
        Fixture f = new Fixture(KmipVersion.V2_1);
        TtlvItem x509 = TtlvItem.structure(Tag.CERTIFICATE, TtlvItem.enumeration(Tag.CERTIFICATE_TYPE, 1),
                TtlvItem.bytes(Tag.CERTIFICATE_VALUE, certificate));
        String id = f.register(ObjectType.CERTIFICATE, x509, TtlvItem.enumeration(Tag.CERTIFICATE_TYPE, 1));
        assertThat(f.stored(id).attributes("Certificate Type")).hasSize(1);
        f.fails(ResultReason.INVALID_FIELD, Operation.REGISTER, payload(objectType(ObjectType.CERTIFICATE),
                f.attributes(TtlvItem.enumeration(Tag.CERTIFICATE_TYPE, 2)), x509));
    }

    @Test
    void register_freshStatedByTheClient_isKept_andNotDuplicated() throws Exception {
        Fixture f = new Fixture(KmipVersion.V2_1);
        String id = f.register(ObjectType.SYMMETRIC_KEY, Fixture.rawKey(new byte[16], CryptographicAlgorithm.AES, 128),
                TtlvItem.bool(Tag.FRESH, false));
        assertThat(f.stored(id).attributes("Fresh")).hasSize(1);
        assertThat(f.stored(id).attribute("Fresh").orElseThrow().value().booleanValue()).isFalse();
        assertThat(io.keyhold.server.ops.AttributeRules.rule("Fresh").clientModifiable()).isFalse();
    }

    @Test
    void register_secretDataWithProtectStopDate_isAccepted() throws Exception {
        Fixture f = new Fixture(KmipVersion.V2_1);
        String id = f.register(ObjectType.SECRET_DATA, TtlvItem.structure(Tag.SECRET_DATA,
                TtlvItem.enumeration(Tag.SECRET_DATA_TYPE, 1), keyBlock(1, TtlvItem.structure(Tag.KEY_VALUE,
                        TtlvItem.bytes(Tag.KEY_MATERIAL, "password".getBytes(java.nio.charset.StandardCharsets.US_ASCII))))),
                TtlvItem.dateTime(Tag.PROTECT_STOP_DATE, 949327200L));
        assertThat(f.stored(id).attribute("Protect Stop Date").orElseThrow().value().dateTimeValue()).isEqualTo(949327200L);
    }

    @Test
    void register_certificate_from14_carriesTheNameComponentsAsCertificateAttributes() throws Exception {
        TtlvItem x509 = TtlvItem.structure(Tag.CERTIFICATE, TtlvItem.enumeration(Tag.CERTIFICATE_TYPE, 1),
                TtlvItem.bytes(Tag.CERTIFICATE_VALUE, certificate));
        for (KmipVersion v : new KmipVersion[] {KmipVersion.V1_4, KmipVersion.V2_1}) {
            Fixture f = new Fixture(v);
            StoredObject stored = f.stored(f.register(ObjectType.CERTIFICATE, x509));
            assertThat(stored.attribute("Certificate Subject CN").orElseThrow().value().textValue()).isEqualTo("keyhold test");
            assertThat(stored.attribute("Certificate Subject O").orElseThrow().value().textValue()).isEqualTo("Keyhold");
            assertThat(stored.attribute("Certificate Issuer CN").orElseThrow().value().textValue()).isEqualTo("keyhold test");
            assertThat(stored.attribute("Certificate Subject OU")).isEmpty();
        }
        Fixture old = new Fixture(KmipVersion.V1_3);
        assertThat(old.stored(old.register(ObjectType.CERTIFICATE, x509)).attribute("Certificate Subject CN")).isEmpty();
    }
}
