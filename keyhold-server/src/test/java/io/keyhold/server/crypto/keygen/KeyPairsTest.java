package io.keyhold.server.crypto.keygen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.RecommendedCurve;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KeyPairsTest {
    private static final KmipVersion V21 = KmipVersion.V2_1;
    private static final KeyPairs KEY_PAIRS = new KeyPairs(new SecureRandom());
    private static final int SIGN = CryptographicUsageMask.SIGN.value();
    private static final int VERIFY = CryptographicUsageMask.VERIFY.value();

    static Stream<Arguments> supported() {
        return Stream.of(
                Arguments.of(CryptographicAlgorithm.RSA, 2048, null, "RSA", 2048),
                Arguments.of(CryptographicAlgorithm.RSA, 3072, null, "RSA", 3072),
                Arguments.of(CryptographicAlgorithm.ECDSA, 256, null, "EC", 256),
                Arguments.of(CryptographicAlgorithm.EC, null, RecommendedCurve.P_384, "EC", 384),
                Arguments.of(CryptographicAlgorithm.ECDSA, null, RecommendedCurve.P_521, "EC", 521),
                Arguments.of(CryptographicAlgorithm.ED25519, null, null, "Ed25519", 255),
                Arguments.of(CryptographicAlgorithm.ED448, 448, null, "Ed448", 448),
                Arguments.of(CryptographicAlgorithm.ECDH, null, RecommendedCurve.CURVE25519, "X25519", 255),
                Arguments.of(CryptographicAlgorithm.EC, null, RecommendedCurve.CURVE448, "X448", 448));
    }

    @ParameterizedTest
    @MethodSource("supported")
    void generate_everyFamily_storesRsaInPkcs1AndOthersInPkcs8AndSpki_thatBelongTogether(CryptographicAlgorithm alg, Integer bits,
            RecommendedCurve curve, String jca, int expectedBits) throws Exception {
        boolean agreement = jca.startsWith("X");
        KeyPairSpec spec = KeyPairSpec.of(V21, alg.value(), bits, curve == null ? null : curve.value(),
                agreement ? CryptographicUsageMask.KEY_AGREEMENT.value() : SIGN | VERIFY);
        assertThat(spec.lengthBits()).isEqualTo(expectedBits);
        KeyPairs.Generated g = KEY_PAIRS.generate(spec);

        TtlvItem privateBlock = g.privateKey().child(Tag.KEY_BLOCK).orElseThrow();
        TtlvItem publicBlock = g.publicKey().child(Tag.KEY_BLOCK).orElseThrow();
        assertThat(g.privateKey().tag()).isEqualTo(Tag.PRIVATE_KEY);
        assertThat(g.publicKey().tag()).isEqualTo(Tag.PUBLIC_KEY);
        boolean isRsa = jca.equals("RSA");
        assertThat(privateBlock.child(Tag.KEY_FORMAT_TYPE).orElseThrow().enumValue())
                .isEqualTo(isRsa ? KeyFormatType.PKCS_1.value() : KeyFormatType.PKCS_8.value());
        assertThat(publicBlock.child(Tag.KEY_FORMAT_TYPE).orElseThrow().enumValue())
                .isEqualTo(isRsa ? KeyFormatType.PKCS_1.value() : KeyFormatType.X_509.value());
        privateBlock = io.keyhold.server.crypto.format.KeyFormats.convert(g.privateKey(), KeyFormatType.PKCS_8.value())
                .child(Tag.KEY_BLOCK).orElseThrow();
        publicBlock = io.keyhold.server.crypto.format.KeyFormats.convert(g.publicKey(), KeyFormatType.X_509.value())
                .child(Tag.KEY_BLOCK).orElseThrow();
        assertThat(privateBlock.child(Tag.CRYPTOGRAPHIC_ALGORITHM).orElseThrow().enumValue()).isEqualTo(alg.value());
        assertThat(publicBlock.child(Tag.CRYPTOGRAPHIC_LENGTH).orElseThrow().intValue()).isEqualTo(expectedBits);

        KeyFactory kf = KeyFactory.getInstance(jca);
        PrivateKey priv = kf.generatePrivate(new PKCS8EncodedKeySpec(material(privateBlock)));
        PublicKey pub = kf.generatePublic(new X509EncodedKeySpec(material(publicBlock)));
        assertMatch(jca, priv, pub);
        if (pub instanceof RSAPublicKey rsa) {
            assertThat(rsa.getModulus().bitLength()).isEqualTo(expectedBits);
        }
        if (pub instanceof ECPublicKey ec) {
            assertThat(ec.getParams().getCurve().getField().getFieldSize()).isEqualTo(expectedBits);
        }
        assertThat(g.toString()).doesNotContain("Key Material");
    }

    static void assertMatch(String jca, PrivateKey priv, PublicKey pub) throws Exception {
        byte[] message = "the quick brown fox".getBytes();
        if (jca.startsWith("X")) {
            // key agreement with a second party gives both sides the same secret only if the halves belong together
            java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance(jca);
            java.security.KeyPair other = g.generateKeyPair();
            KeyAgreement a = KeyAgreement.getInstance(jca);
            a.init(priv);
            a.doPhase(other.getPublic(), true);
            KeyAgreement b = KeyAgreement.getInstance(jca);
            b.init(other.getPrivate());
            b.doPhase(pub, true);
            assertThat(a.generateSecret()).isEqualTo(b.generateSecret());
            return;
        }
        String alg = switch (jca) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> jca;
        };
        Signature s = Signature.getInstance(alg);
        s.initSign(priv);
        s.update(message);
        byte[] signature = s.sign();
        Signature v = Signature.getInstance(alg);
        v.initVerify(pub);
        v.update(message);
        assertThat(v.verify(signature)).isTrue();
        if (jca.equals("RSA")) {
            Cipher c = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding");
            c.init(Cipher.ENCRYPT_MODE, pub);
            byte[] ct = c.doFinal(message);
            c.init(Cipher.DECRYPT_MODE, priv);
            assertThat(c.doFinal(ct)).isEqualTo(message);
        }
    }

    static byte[] material(TtlvItem block) {
        return block.child(Tag.KEY_VALUE).orElseThrow().child(Tag.KEY_MATERIAL).orElseThrow().bytesValue();
    }

    @Test
    void generate_twice_givesDifferentKeys() throws Exception {
        KeyPairSpec spec = KeyPairSpec.of(V21, CryptographicAlgorithm.ED25519.value(), null, null, 0);
        assertThat(KEY_PAIRS.generate(spec).privateKey()).isNotEqualTo(KEY_PAIRS.generate(spec).privateKey());
    }

    static KmipException fails(ResultReason reason, KmipVersion v, CryptographicAlgorithm alg, Integer bits, Integer curve, int mask) {
        KmipException e = catchThrowableOfType(KmipException.class, () -> KeyPairSpec.of(v, alg.value(), bits, curve, mask));
        assertThat(e).isNotNull();
        assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
        return e;
    }

    @Test
    void of_invalidRequests_failWithExactReasons() {
        KmipException rsa = fails(ResultReason.INVALID_FIELD, V21, CryptographicAlgorithm.RSA, 1000, null, 0);
        assertThat(rsa.getMessage()).contains("1000").contains("2048");
        fails(ResultReason.MISSING_DATA, V21, CryptographicAlgorithm.RSA, null, null, 0);
        fails(ResultReason.INVALID_FIELD, V21, CryptographicAlgorithm.RSA, 2048, RecommendedCurve.P_256.value(), 0);
        fails(ResultReason.INVALID_FIELD, V21, CryptographicAlgorithm.ECDSA, 255, null, 0);
        fails(ResultReason.MISSING_DATA, V21, CryptographicAlgorithm.ECDSA, null, null, 0);
        fails(ResultReason.INVALID_FIELD, V21, CryptographicAlgorithm.ECDSA, null, 0x7777, 0);
        fails(ResultReason.FEATURE_NOT_SUPPORTED, V21, CryptographicAlgorithm.ECDSA, null, RecommendedCurve.K_163.value(), 0);
        fails(ResultReason.INVALID_FIELD, V21, CryptographicAlgorithm.ECDSA, 384, RecommendedCurve.P_256.value(), 0);
        fails(ResultReason.INVALID_FIELD, V21, CryptographicAlgorithm.ECDSA, null, RecommendedCurve.CURVE25519.value(), 0);
        fails(ResultReason.INVALID_FIELD, V21, CryptographicAlgorithm.ED25519, null, RecommendedCurve.CURVE448.value(), 0);
        fails(ResultReason.INVALID_FIELD, KmipVersion.V1_4, CryptographicAlgorithm.ED25519, null, null, 0);
        fails(ResultReason.INVALID_FIELD, KmipVersion.V1_4, CryptographicAlgorithm.EC, null, RecommendedCurve.CURVE25519.value(), 0);
        fails(ResultReason.INVALID_FIELD, V21, CryptographicAlgorithm.AES, 256, null, 0);
        fails(ResultReason.FEATURE_NOT_SUPPORTED, V21, CryptographicAlgorithm.DSA, 2048, null, 0);
        KmipException x = fails(ResultReason.INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK, V21, CryptographicAlgorithm.ECDH, null,
                RecommendedCurve.CURVE25519.value(), SIGN);
        assertThat(x.getMessage()).contains("X25519").contains("Sign");
        fails(ResultReason.INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK, V21, CryptographicAlgorithm.ED448, null, null,
                CryptographicUsageMask.ENCRYPT.value());
        fails(ResultReason.INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK, V21, CryptographicAlgorithm.ECDSA, 256, null,
                CryptographicUsageMask.DECRYPT.value());
    }

    @Test
    void of_curve25519With256Bits_isTaken() throws Exception {
        assertThat(KeyPairSpec.of(V21, CryptographicAlgorithm.ED25519.value(), 256, null, SIGN).lengthBits()).isEqualTo(255);
        assertThat(KeyPairSpec.of(KmipVersion.V1_4, CryptographicAlgorithm.EC.value(), 256, null, 0).describe()).isEqualTo("EC P-256");
    }
}
