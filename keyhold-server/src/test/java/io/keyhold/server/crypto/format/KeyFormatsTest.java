package io.keyhold.server.crypto.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.RecommendedCurve;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.DSAPrivateKey;
import java.security.interfaces.DSAPublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.crypto.interfaces.DHPrivateKey;
import javax.crypto.interfaces.DHPublicKey;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every conversion round trip checked against the JDK's own key classes and BouncyCastle's ASN.1 parsers. */
class KeyFormatsTest {
    private static KeyPair rsa;
    private static KeyPair ec;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator r = KeyPairGenerator.getInstance("RSA");
        r.initialize(2048);
        rsa = r.generateKeyPair();
        KeyPairGenerator e = KeyPairGenerator.getInstance("EC");
        e.initialize(new ECGenParameterSpec("secp256r1"));
        ec = e.generateKeyPair();
    }

    static TtlvItem privateKey(byte[] pkcs8, CryptographicAlgorithm alg) {
        return key(Tag.PRIVATE_KEY, KeyFormatType.PKCS_8, TtlvItem.bytes(Tag.KEY_MATERIAL, pkcs8), alg);
    }

    static TtlvItem publicKey(byte[] spki, CryptographicAlgorithm alg) {
        return key(Tag.PUBLIC_KEY, KeyFormatType.X_509, TtlvItem.bytes(Tag.KEY_MATERIAL, spki), alg);
    }

    static TtlvItem key(int tag, KeyFormatType format, TtlvItem material, CryptographicAlgorithm alg) {
        return TtlvItem.structure(tag, TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, format.value()),
                TtlvItem.structure(Tag.KEY_VALUE, material),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, alg.value())));
    }

    static TtlvItem block(TtlvItem object) {
        return object.child(Tag.KEY_BLOCK).orElseThrow();
    }

    static TtlvItem material(TtlvItem object) {
        return block(object).child(Tag.KEY_VALUE).orElseThrow().child(Tag.KEY_MATERIAL).orElseThrow();
    }

    static BigInteger big(TtlvItem material, int tag) {
        return material.child(tag).orElseThrow().bigIntegerValue();
    }

    private static void refused(TtlvItem object, KeyFormatType wanted) {
        KmipException e = catchThrowableOfType(KmipException.class, () -> KeyFormats.convert(object, wanted.value()));
        assertThat(e).as(wanted.specName()).isNotNull();
        assertThat(e.reason()).as(e.getMessage()).isEqualTo(ResultReason.KEY_FORMAT_TYPE_NOT_SUPPORTED);
    }

    @Test
    void rsaPrivate_asPkcs1_parsesWithBouncyCastle() throws Exception {
        RSAPrivateCrtKey jdk = (RSAPrivateCrtKey) rsa.getPrivate();
        TtlvItem pkcs1 = KeyFormats.convert(privateKey(jdk.getEncoded(), CryptographicAlgorithm.RSA), KeyFormatType.PKCS_1.value());
        assertThat(block(pkcs1).child(Tag.KEY_FORMAT_TYPE).orElseThrow().enumValue()).isEqualTo(KeyFormatType.PKCS_1.value());
        assertThat(block(pkcs1).child(Tag.CRYPTOGRAPHIC_ALGORITHM).orElseThrow().enumValue()).isEqualTo(CryptographicAlgorithm.RSA.value());
        RSAPrivateKey parsed = RSAPrivateKey.getInstance(material(pkcs1).bytesValue());
        assertThat(parsed.getModulus()).isEqualTo(jdk.getModulus());
        assertThat(parsed.getPrivateExponent()).isEqualTo(jdk.getPrivateExponent());
        assertThat(parsed.getCoefficient()).isEqualTo(jdk.getCrtCoefficient());
        // and back: PKCS#1 -> PKCS#8 gives the JDK's key
        TtlvItem back = KeyFormats.convert(pkcs1, KeyFormatType.PKCS_8.value());
        assertThat(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(material(back).bytesValue()))).isEqualTo(jdk);
    }

    @Test
    void rsaPrivate_asTransparent_hasTheJdkCrtFields_andConvertsBack() throws Exception {
        RSAPrivateCrtKey jdk = (RSAPrivateCrtKey) rsa.getPrivate();
        TtlvItem t = KeyFormats.convert(privateKey(jdk.getEncoded(), CryptographicAlgorithm.RSA),
                KeyFormatType.TRANSPARENT_RSA_PRIVATE_KEY.value());
        TtlvItem m = material(t);
        assertThat(big(m, Tag.MODULUS)).isEqualTo(jdk.getModulus());
        assertThat(big(m, Tag.PRIVATE_EXPONENT)).isEqualTo(jdk.getPrivateExponent());
        assertThat(big(m, Tag.PUBLIC_EXPONENT)).isEqualTo(jdk.getPublicExponent());
        assertThat(big(m, Tag.P)).isEqualTo(jdk.getPrimeP());
        assertThat(big(m, Tag.Q)).isEqualTo(jdk.getPrimeQ());
        assertThat(big(m, Tag.PRIME_EXPONENT_P)).isEqualTo(jdk.getPrimeExponentP());
        assertThat(big(m, Tag.PRIME_EXPONENT_Q)).isEqualTo(jdk.getPrimeExponentQ());
        assertThat(big(m, Tag.CRT_COEFFICIENT)).isEqualTo(jdk.getCrtCoefficient());
        byte[] pkcs8 = KeyFormats.privateKeyInfo(block(t));
        assertThat(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8))).isEqualTo(jdk);
    }

    @Test
    void rsaPrivate_transparentWithModulusAndExponentOnly_isReadable() throws Exception {
        RSAPrivateCrtKey jdk = (RSAPrivateCrtKey) rsa.getPrivate();
        TtlvItem t = key(Tag.PRIVATE_KEY, KeyFormatType.TRANSPARENT_RSA_PRIVATE_KEY, TtlvItem.structure(Tag.KEY_MATERIAL,
                TtlvItem.bigInteger(Tag.MODULUS, jdk.getModulus()), TtlvItem.bigInteger(Tag.PRIVATE_EXPONENT, jdk.getPrivateExponent())),
                CryptographicAlgorithm.RSA);
        java.security.interfaces.RSAPrivateKey k = (java.security.interfaces.RSAPrivateKey) KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(KeyFormats.privateKeyInfo(block(t))));
        assertThat(k.getModulus()).isEqualTo(jdk.getModulus());
        assertThat(k.getPrivateExponent()).isEqualTo(jdk.getPrivateExponent());
    }

    @Test
    void rsaPublic_asPkcs1AndTransparent_andBackToTheSameX509() throws Exception {
        RSAPublicKey jdk = (RSAPublicKey) rsa.getPublic();
        TtlvItem x509 = publicKey(jdk.getEncoded(), CryptographicAlgorithm.RSA);
        TtlvItem pkcs1 = KeyFormats.convert(x509, KeyFormatType.PKCS_1.value());
        org.bouncycastle.asn1.pkcs.RSAPublicKey parsed = org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(material(pkcs1).bytesValue());
        assertThat(parsed.getModulus()).isEqualTo(jdk.getModulus());
        assertThat(parsed.getPublicExponent()).isEqualTo(jdk.getPublicExponent());
        TtlvItem t = KeyFormats.convert(x509, KeyFormatType.TRANSPARENT_RSA_PUBLIC_KEY.value());
        assertThat(big(material(t), Tag.MODULUS)).isEqualTo(jdk.getModulus());
        assertThat(big(material(t), Tag.PUBLIC_EXPONENT)).isEqualTo(jdk.getPublicExponent());
        assertThat(material(KeyFormats.convert(t, KeyFormatType.X_509.value())).bytesValue()).isEqualTo(jdk.getEncoded());
        assertThat(material(KeyFormats.convert(pkcs1, KeyFormatType.X_509.value())).bytesValue()).isEqualTo(jdk.getEncoded());
    }

    @Test
    void ecPrivate_asSec1_hasTheNamedCurveAndTheJdkScalar() throws Exception {
        ECPrivateKey jdk = (ECPrivateKey) ec.getPrivate();
        TtlvItem sec1 = KeyFormats.convert(privateKey(jdk.getEncoded(), CryptographicAlgorithm.EC),
                KeyFormatType.ECPRIVATEKEY.value());
        org.bouncycastle.asn1.sec.ECPrivateKey parsed = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(material(sec1).bytesValue());
        assertThat(parsed.getKey()).isEqualTo(jdk.getS());
        assertThat(parsed.getParametersObject()).isEqualTo(new ASN1ObjectIdentifier("1.2.840.10045.3.1.7"));
        TtlvItem back = KeyFormats.convert(sec1, KeyFormatType.PKCS_8.value());
        ECPrivateKey again = (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(material(back).bytesValue()));
        assertThat(again.getS()).isEqualTo(jdk.getS());
    }

    @Test
    void ecPrivate_asSec1_isReadByOpenssl() throws Exception {
        Path openssl = Path.of("/usr/bin/openssl");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(openssl), "openssl is not installed");
        ECPrivateKey jdk = (ECPrivateKey) ec.getPrivate();
        TtlvItem sec1 = KeyFormats.convert(privateKey(jdk.getEncoded(), CryptographicAlgorithm.EC),
                KeyFormatType.ECPRIVATEKEY.value());
        Path der = Files.createTempFile("sec1", ".der");
        try {
            Files.write(der, material(sec1).bytesValue());
            Process p = new ProcessBuilder(openssl.toString(), "ec", "-inform", "DER", "-in", der.toString(), "-noout", "-text")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).contains("prime256v1");
            String hex = out.substring(out.indexOf("priv:") + 5, out.indexOf("pub:")).replaceAll("[^0-9a-f]", "");
            assertThat(new BigInteger(hex, 16)).isEqualTo(jdk.getS());
        } finally {
            Files.deleteIfExists(der);
        }
    }

    @ParameterizedTest
    @EnumSource(value = KeyFormatType.class, names = {"TRANSPARENT_EC_PRIVATE_KEY", "TRANSPARENT_ECDSA_PRIVATE_KEY",
            "TRANSPARENT_ECDH_PRIVATE_KEY", "TRANSPARENT_ECMQV_PRIVATE_KEY"})
    void ecPrivate_asTransparent_hasCurveAndD_andConvertsBack(KeyFormatType format) throws Exception {
        ECPrivateKey jdk = (ECPrivateKey) ec.getPrivate();
        TtlvItem t = KeyFormats.convert(privateKey(jdk.getEncoded(), CryptographicAlgorithm.EC), format.value());
        assertThat(material(t).child(Tag.RECOMMENDED_CURVE).orElseThrow().enumValue()).isEqualTo(RecommendedCurve.P_256.value());
        assertThat(big(material(t), Tag.D)).isEqualTo(jdk.getS());
        ECPrivateKey again = (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(
                new PKCS8EncodedKeySpec(KeyFormats.privateKeyInfo(block(t))));
        assertThat(again.getS()).isEqualTo(jdk.getS());
        assertThat(again.getParams().getOrder()).isEqualTo(jdk.getParams().getOrder());
    }

    @ParameterizedTest
    @EnumSource(value = KeyFormatType.class, names = {"TRANSPARENT_EC_PUBLIC_KEY", "TRANSPARENT_ECDSA_PUBLIC_KEY"})
    void ecPublic_asTransparent_hasTheUncompressedPoint_andBackToTheSameX509(KeyFormatType format) throws Exception {
        ECPublicKey jdk = (ECPublicKey) ec.getPublic();
        TtlvItem t = KeyFormats.convert(publicKey(jdk.getEncoded(), CryptographicAlgorithm.EC), format.value());
        byte[] q = material(t).child(Tag.Q_STRING).orElseThrow().bytesValue();
        assertThat(q).hasSize(65);
        assertThat(q[0]).isEqualTo((byte) 4);
        assertThat(new BigInteger(1, Arrays.copyOfRange(q, 1, 33))).isEqualTo(jdk.getW().getAffineX());
        assertThat(new BigInteger(1, Arrays.copyOfRange(q, 33, 65))).isEqualTo(jdk.getW().getAffineY());
        assertThat(KeyFormats.subjectPublicKeyInfo(block(t))).isEqualTo(jdk.getEncoded());
    }

    @Test
    void dsaKeys_asTransparent_haveTheJdkFields_andConvertBack() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("DSA");
        g.initialize(2048);
        KeyPair pair = g.generateKeyPair();
        DSAPrivateKey priv = (DSAPrivateKey) pair.getPrivate();
        DSAPublicKey pub = (DSAPublicKey) pair.getPublic();
        TtlvItem tp = KeyFormats.convert(privateKey(priv.getEncoded(), CryptographicAlgorithm.DSA),
                KeyFormatType.TRANSPARENT_DSA_PRIVATE_KEY.value());
        assertThat(big(material(tp), Tag.P)).isEqualTo(priv.getParams().getP());
        assertThat(big(material(tp), Tag.Q)).isEqualTo(priv.getParams().getQ());
        assertThat(big(material(tp), Tag.G)).isEqualTo(priv.getParams().getG());
        assertThat(big(material(tp), Tag.X)).isEqualTo(priv.getX());
        assertThat(KeyFactory.getInstance("DSA").generatePrivate(new PKCS8EncodedKeySpec(KeyFormats.privateKeyInfo(block(tp)))))
                .isEqualTo(priv);
        TtlvItem tu = KeyFormats.convert(publicKey(pub.getEncoded(), CryptographicAlgorithm.DSA),
                KeyFormatType.TRANSPARENT_DSA_PUBLIC_KEY.value());
        assertThat(big(material(tu), Tag.Y)).isEqualTo(pub.getY());
        assertThat(KeyFactory.getInstance("DSA").generatePublic(new X509EncodedKeySpec(KeyFormats.subjectPublicKeyInfo(block(tu)))))
                .isEqualTo(pub);
    }

    @Test
    void dhKeys_asTransparent_haveTheJdkFields_andConvertBack() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("DH");
        g.initialize(2048);
        KeyPair pair = g.generateKeyPair();
        DHPrivateKey priv = (DHPrivateKey) pair.getPrivate();
        DHPublicKey pub = (DHPublicKey) pair.getPublic();
        TtlvItem tp = KeyFormats.convert(privateKey(priv.getEncoded(), CryptographicAlgorithm.DH),
                KeyFormatType.TRANSPARENT_DH_PRIVATE_KEY.value());
        assertThat(big(material(tp), Tag.P)).isEqualTo(priv.getParams().getP());
        assertThat(big(material(tp), Tag.G)).isEqualTo(priv.getParams().getG());
        assertThat(big(material(tp), Tag.X)).isEqualTo(priv.getX());
        DHPrivateKey back = (DHPrivateKey) KeyFactory.getInstance("DH").generatePrivate(
                new PKCS8EncodedKeySpec(KeyFormats.privateKeyInfo(block(tp))));
        assertThat(back.getX()).isEqualTo(priv.getX());
        TtlvItem tu = KeyFormats.convert(publicKey(pub.getEncoded(), CryptographicAlgorithm.DH),
                KeyFormatType.TRANSPARENT_DH_PUBLIC_KEY.value());
        assertThat(big(material(tu), Tag.Y)).isEqualTo(pub.getY());
        DHPublicKey backPub = (DHPublicKey) KeyFactory.getInstance("DH").generatePublic(
                new X509EncodedKeySpec(KeyFormats.subjectPublicKeyInfo(block(tu))));
        assertThat(backPub.getY()).isEqualTo(pub.getY());
    }

    @Test
    void impossibleConversions_areKeyFormatTypeNotSupported() {
        TtlvItem symmetric = key(Tag.SYMMETRIC_KEY, KeyFormatType.RAW, TtlvItem.bytes(Tag.KEY_MATERIAL, new byte[16]),
                CryptographicAlgorithm.AES);
        refused(symmetric, KeyFormatType.PKCS_8);
        refused(symmetric, KeyFormatType.X_509);
        refused(symmetric, KeyFormatType.TRANSPARENT_RSA_PRIVATE_KEY);
        TtlvItem rsaPublic = publicKey(rsa.getPublic().getEncoded(), CryptographicAlgorithm.RSA);
        refused(rsaPublic, KeyFormatType.RAW);
        refused(rsaPublic, KeyFormatType.PKCS_8);
        refused(rsaPublic, KeyFormatType.TRANSPARENT_EC_PUBLIC_KEY);
        TtlvItem rsaPrivate = privateKey(rsa.getPrivate().getEncoded(), CryptographicAlgorithm.RSA);
        refused(rsaPrivate, KeyFormatType.ECPRIVATEKEY);
        refused(rsaPrivate, KeyFormatType.X_509);
        refused(rsaPrivate, KeyFormatType.RAW);
        refused(rsaPrivate, KeyFormatType.TRANSPARENT_DSA_PRIVATE_KEY);
        TtlvItem ecPrivate = privateKey(ec.getPrivate().getEncoded(), CryptographicAlgorithm.EC);
        refused(ecPrivate, KeyFormatType.PKCS_1);
        refused(ecPrivate, KeyFormatType.TRANSPARENT_RSA_PRIVATE_KEY);
        TtlvItem certificate = TtlvItem.structure(Tag.CERTIFICATE, TtlvItem.enumeration(Tag.CERTIFICATE_TYPE, 1),
                TtlvItem.bytes(Tag.CERTIFICATE_VALUE, new byte[] {1}));
        refused(certificate, KeyFormatType.RAW);
    }

    @Test
    void malformedMaterial_isInvalidField() {
        TtlvItem bad = privateKey(new byte[] {1, 2, 3}, CryptographicAlgorithm.RSA);
        KmipException e = catchThrowableOfType(KmipException.class, () -> KeyFormats.convert(bad, KeyFormatType.PKCS_1.value()));
        assertThat(e.reason()).isEqualTo(ResultReason.INVALID_FIELD);
    }

    @Test
    void symmetricKey_rawAndTransparent_convertBothWays_andSameFormatIsTheObjectItself() throws Exception {
        byte[] secret = new byte[32];
        Arrays.fill(secret, (byte) 7);
        TtlvItem raw = key(Tag.SYMMETRIC_KEY, KeyFormatType.RAW, TtlvItem.bytes(Tag.KEY_MATERIAL, secret), CryptographicAlgorithm.AES);
        TtlvItem t = KeyFormats.convert(raw, KeyFormatType.TRANSPARENT_SYMMETRIC_KEY.value());
        assertThat(material(t).child(Tag.KEY).orElseThrow().bytesValue()).isEqualTo(secret);
        assertThat(KeyFormats.convert(t, KeyFormatType.RAW.value())).isEqualTo(raw);
        assertThat(KeyFormats.convert(raw, KeyFormatType.RAW.value())).isSameAs(raw);
    }
}
