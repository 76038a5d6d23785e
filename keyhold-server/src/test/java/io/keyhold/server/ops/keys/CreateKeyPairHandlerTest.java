package io.keyhold.server.ops.keys;

import static io.keyhold.server.ops.keys.KeysFixture.algorithm;
import static io.keyhold.server.ops.keys.KeysFixture.curve;
import static io.keyhold.server.ops.keys.KeysFixture.length;
import static io.keyhold.server.ops.keys.KeysFixture.links;
import static io.keyhold.server.ops.keys.KeysFixture.mask;
import static io.keyhold.server.ops.keys.KeysFixture.name;
import static io.keyhold.server.ops.keys.KeysFixture.pairIds;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.LinkType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.RecommendedCurve;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.KeyMaterial;
import io.keyhold.server.store.StoredObject;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.stream.Stream;
import javax.crypto.KeyAgreement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CreateKeyPairHandlerTest {
    private static final int SIGN = CryptographicUsageMask.SIGN.value();
    private static final int VERIFY = CryptographicUsageMask.VERIFY.value();
    private static final int AGREE = CryptographicUsageMask.KEY_AGREEMENT.value();

    static Stream<KmipVersion> versions() {
        return Stream.of(KmipVersion.V1_0, KmipVersion.V1_2, KmipVersion.V1_4, KmipVersion.V2_0, KmipVersion.V2_1);
    }

    private static KmipAttribute[] of(KmipAttribute... a) {
        return a;
    }

    @ParameterizedTest
    @MethodSource("versions")
    void createKeyPair_rsa2048_storesLinkedPkcs8AndX509WithTheirOwnAttributes(KmipVersion version) throws Exception {
        KeysFixture f = new KeysFixture(version);
        TtlvItem response = f.run(Operation.CREATE_KEY_PAIR, f.createKeyPair(
                of(algorithm(CryptographicAlgorithm.RSA), length(2048)),
                of(name("pair-private"), mask(SIGN)),
                of(name("pair-public"), mask(VERIFY))));
        String[] ids = pairIds(response);
        assertThat(f.context().idPlaceholder()).contains(ids[0]);

        StoredObject priv = f.stored(ids[0]);
        StoredObject pub = f.stored(ids[1]);
        assertThat(priv.objectType()).isEqualTo(ObjectType.PRIVATE_KEY.value());
        assertThat(pub.objectType()).isEqualTo(ObjectType.PUBLIC_KEY.value());
        for (StoredObject o : new StoredObject[] {priv, pub}) {
            assertThat(o.owner()).isEqualTo("client1");
            assertThat(o.state()).isEqualTo(State.PRE_ACTIVE.value());
            assertThat(o.attribute("Cryptographic Algorithm").orElseThrow().value().enumValue()).isEqualTo(CryptographicAlgorithm.RSA.value());
            assertThat(o.attribute("Cryptographic Length").orElseThrow().value().intValue()).isEqualTo(2048);
            assertThat(o.attribute("Initial Date").orElseThrow().value().dateTimeValue()).isEqualTo(KeysFixture.T0);
            assertThat(o.attribute("Last Change Date").orElseThrow().value().dateTimeValue()).isEqualTo(KeysFixture.T0);
            assertThat(o.attribute("Unique Identifier").orElseThrow().value().textValue()).isEqualTo(o.uniqueIdentifier());
        }
        // RSA keys are kept in PKCS#1, the default Key Format Type of RSA keys, which the Digest is over
        byte[] privatePkcs1 = KeysFixture.material(priv);
        byte[] publicPkcs1 = KeysFixture.material(pub);
        org.bouncycastle.asn1.pkcs.RSAPrivateKey.getInstance(privatePkcs1);
        org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(publicPkcs1);
        for (Object[] each : new Object[][] {{priv, privatePkcs1}, {pub, publicPkcs1}}) {
            TtlvItem digest = ((StoredObject) each[0]).attribute("Digest").orElseThrow().value();
            assertThat(digest.child(Tag.DIGEST_VALUE).orElseThrow().bytesValue())
                    .isEqualTo(MessageDigest.getInstance("SHA-256").digest((byte[]) each[1]));
            if (version.compareTo(KmipVersion.V1_1) >= 0) {
                assertThat(digest.child(Tag.KEY_FORMAT_TYPE).orElseThrow().enumValue()).isEqualTo(KeyFormatType.PKCS_1.value());
            }
        }
        assertThat(priv.attribute("Name").orElseThrow().value().child(Tag.NAME_VALUE).orElseThrow().textValue()).isEqualTo("pair-private");
        assertThat(pub.attribute("Name").orElseThrow().value().child(Tag.NAME_VALUE).orElseThrow().textValue()).isEqualTo("pair-public");
        assertThat(priv.attribute("Cryptographic Usage Mask").orElseThrow().value().intValue()).isEqualTo(SIGN);
        assertThat(pub.attribute("Cryptographic Usage Mask").orElseThrow().value().intValue()).isEqualTo(VERIFY);
        assertThat(links(priv, LinkType.PUBLIC_KEY_LINK)).containsExactly(ids[1]);
        assertThat(links(pub, LinkType.PRIVATE_KEY_LINK)).containsExactly(ids[0]);
        assertThat(priv.object().child(Tag.KEY_BLOCK).orElseThrow().child(Tag.KEY_FORMAT_TYPE).orElseThrow().enumValue())
                .isEqualTo(KeyFormatType.PKCS_1.value());
        assertThat(pub.object().child(Tag.KEY_BLOCK).orElseThrow().child(Tag.KEY_FORMAT_TYPE).orElseThrow().enumValue())
                .isEqualTo(KeyFormatType.PKCS_1.value());
        assertBelongTogether("RSA", KeyMaterial.privateKey(priv, "RSA"), KeyMaterial.publicKey(pub, "RSA"));
    }

    static Stream<Arguments> algorithms() {
        return Stream.of(
                Arguments.of("RSA", of(algorithm(CryptographicAlgorithm.RSA), length(3072)), SIGN, VERIFY, 3072),
                Arguments.of("RSA", of(algorithm(CryptographicAlgorithm.RSA), length(4096)), SIGN, VERIFY, 4096),
                Arguments.of("EC", of(algorithm(CryptographicAlgorithm.ECDSA), curve(RecommendedCurve.P_256.value())), SIGN, VERIFY, 256),
                Arguments.of("EC", of(algorithm(CryptographicAlgorithm.EC), length(384)), SIGN, VERIFY, 384),
                Arguments.of("EC", of(algorithm(CryptographicAlgorithm.ECDSA), length(521)), SIGN, VERIFY, 521),
                Arguments.of("Ed25519", of(algorithm(CryptographicAlgorithm.ED25519)), SIGN, VERIFY, 255),
                Arguments.of("Ed448", of(algorithm(CryptographicAlgorithm.ED448)), SIGN, VERIFY, 448),
                Arguments.of("X25519", of(algorithm(CryptographicAlgorithm.ECDH), curve(RecommendedCurve.CURVE25519.value())), AGREE, AGREE, 255),
                Arguments.of("X448", of(algorithm(CryptographicAlgorithm.EC), curve(RecommendedCurve.CURVE448.value())), AGREE, AGREE, 448));
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void createKeyPair_everyAlgorithm_keysLoadAndBelongTogether(String jca, KmipAttribute[] common, int privateMask,
                                                                int publicMask, int bits) throws Exception {
        KeysFixture f = new KeysFixture(KmipVersion.V2_1);
        String[] ids = pairIds(f.run(Operation.CREATE_KEY_PAIR, f.createKeyPair(common, of(mask(privateMask)), of(mask(publicMask)))));
        StoredObject priv = f.stored(ids[0]);
        StoredObject pub = f.stored(ids[1]);
        assertThat(priv.attribute("Cryptographic Length").orElseThrow().value().intValue()).isEqualTo(bits);
        assertThat(pub.attribute("Cryptographic Length").orElseThrow().value().intValue()).isEqualTo(bits);
        if (!jca.equals("RSA")) {
            assertThat(priv.attribute("Cryptographic Domain Parameters").orElseThrow().value().child(Tag.RECOMMENDED_CURVE)).isPresent();
        }
        assertBelongTogether(jca, KeyMaterial.privateKey(priv, jca), KeyMaterial.publicKey(pub, jca));
    }

    static void assertBelongTogether(String jca, PrivateKey priv, PublicKey pub) throws Exception {
        if (jca.startsWith("X")) {
            java.security.KeyPair other = java.security.KeyPairGenerator.getInstance(jca).generateKeyPair();
            KeyAgreement a = KeyAgreement.getInstance(jca);
            a.init(priv);
            a.doPhase(other.getPublic(), true);
            KeyAgreement b = KeyAgreement.getInstance(jca);
            b.init(other.getPrivate());
            b.doPhase(pub, true);
            assertThat(a.generateSecret()).isEqualTo(b.generateSecret());
            return;
        }
        String alg = jca.equals("RSA") ? "SHA256withRSA" : jca.equals("EC") ? "SHA256withECDSA" : jca;
        Signature s = Signature.getInstance(alg);
        s.initSign(priv);
        s.update(new byte[] {1, 2, 3});
        byte[] sig = s.sign();
        Signature v = Signature.getInstance(alg);
        v.initVerify(pub);
        v.update(new byte[] {1, 2, 3});
        assertThat(v.verify(sig)).isTrue();
    }

    @Test
    void createKeyPair_activationDateInThePast_makesBothActive() throws Exception {
        KeysFixture f = new KeysFixture(KmipVersion.V1_4);
        String[] ids = pairIds(f.run(Operation.CREATE_KEY_PAIR, f.createKeyPair(
                of(algorithm(CryptographicAlgorithm.EC), length(256), KeysFixture.date(Tag.ACTIVATION_DATE, KeysFixture.T0 - 10)),
                of(), of())));
        assertThat(f.stored(ids[0]).state()).isEqualTo(State.ACTIVE.value());
        assertThat(f.stored(ids[1]).state()).isEqualTo(State.ACTIVE.value());
    }

    @ParameterizedTest
    @MethodSource("versions")
    void createKeyPair_invalidRequests_failWithExactReasonsAndStoreNothing(KmipVersion version) throws Exception {
        KeysFixture f = new KeysFixture(version);
        f.fails(ResultReason.INVALID_FIELD, Operation.CREATE_KEY_PAIR,
                f.createKeyPair(of(algorithm(CryptographicAlgorithm.RSA), length(1000)), of(), of()));
        f.fails(ResultReason.MISSING_DATA, Operation.CREATE_KEY_PAIR, f.createKeyPair(of(length(2048)), of(), of()));
        f.fails(ResultReason.INVALID_FIELD, Operation.CREATE_KEY_PAIR, f.createKeyPair(of(),
                of(algorithm(CryptographicAlgorithm.RSA), length(2048)), of(algorithm(CryptographicAlgorithm.ECDSA), length(2048))));
        f.fails(ResultReason.INVALID_FIELD, Operation.CREATE_KEY_PAIR,
                f.createKeyPair(of(algorithm(CryptographicAlgorithm.AES), length(256)), of(), of()));
        f.fails(ResultReason.FEATURE_NOT_SUPPORTED, Operation.CREATE_KEY_PAIR,
                f.createKeyPair(of(algorithm(CryptographicAlgorithm.ECDSA), curve(RecommendedCurve.B_283.value())), of(), of()));
        f.fails(ResultReason.INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK, Operation.CREATE_KEY_PAIR,
                f.createKeyPair(of(algorithm(CryptographicAlgorithm.ECDSA), length(256)),
                        of(mask(CryptographicUsageMask.DECRYPT.value())), of()));
        f.fails(version.isTwoOrLater() ? ResultReason.ATTRIBUTE_READ_ONLY : ResultReason.PERMISSION_DENIED,
                Operation.CREATE_KEY_PAIR, f.createKeyPair(of(algorithm(CryptographicAlgorithm.RSA), length(2048)),
                        of(KeysFixture.a(TtlvItem.enumeration(Tag.STATE, State.ACTIVE.value()))), of()));
        assertThat(f.all()).isEmpty();
    }

    @Test
    void createKeyPair_x25519WithSign_isIncompatibleUsageMask() throws Exception {
        KeysFixture f = new KeysFixture(KmipVersion.V2_1);
        f.fails(ResultReason.INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK, Operation.CREATE_KEY_PAIR,
                f.createKeyPair(of(algorithm(CryptographicAlgorithm.ECDH), curve(RecommendedCurve.CURVE25519.value())),
                        of(mask(SIGN)), of(mask(VERIFY))));
        assertThat(f.all()).isEmpty();
    }

    @Test
    void createKeyPair_ed25519Given256Bits_recordsTheCurvesLength() throws Exception {
        KeysFixture f = new KeysFixture(KmipVersion.V2_0);
        String[] ids = pairIds(f.run(Operation.CREATE_KEY_PAIR, f.createKeyPair(
                of(algorithm(CryptographicAlgorithm.ED25519), length(256)), of(), of())));
        assertThat(f.stored(ids[0]).attributes("Cryptographic Length")).singleElement()
                .satisfies(l -> assertThat(l.value().intValue()).isEqualTo(255));
        assertThat(f.stored(ids[1]).attribute("Cryptographic Length").orElseThrow().value().intValue()).isEqualTo(255);
    }

    @Test
    void createKeyPair_ed25519In14_isInvalidField() throws Exception {
        KeysFixture f = new KeysFixture(KmipVersion.V1_4);
        f.fails(ResultReason.INVALID_FIELD, Operation.CREATE_KEY_PAIR,
                f.createKeyPair(of(algorithm(CryptographicAlgorithm.ED25519)), of(), of()));
    }

    @Test
    void createKeyPair_commonNameAndOwnNames_keepBoth() throws Exception {
        KeysFixture f = new KeysFixture(KmipVersion.V2_1);
        String[] ids = pairIds(f.run(Operation.CREATE_KEY_PAIR, f.createKeyPair(
                of(algorithm(CryptographicAlgorithm.ED25519), name("both"), mask(SIGN)),
                of(name("mine")), of(mask(VERIFY)))));
        assertThat(f.stored(ids[0]).attributes("Name")).hasSize(2);
        assertThat(f.stored(ids[1]).attributes("Name")).hasSize(1);
        assertThat(f.stored(ids[1]).attribute("Cryptographic Usage Mask").orElseThrow().value().intValue()).isEqualTo(VERIFY);
        assertThat(f.stored(ids[0]).attribute("Cryptographic Usage Mask").orElseThrow().value().intValue()).isEqualTo(SIGN);
    }
}
