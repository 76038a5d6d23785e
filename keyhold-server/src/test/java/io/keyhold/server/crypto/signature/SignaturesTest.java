package io.keyhold.server.crypto.signature;

import static io.keyhold.server.crypto.signature.TestKeys.parameters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.DigitalSignatureAlgorithm;
import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.PaddingMethod;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.ValidityIndicator;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.StoredObject;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The signature service against the JDK's own Signature used directly (both directions), digest signing against
 * message signing, and the cases that answer Invalid rather than an error.
 */
class SignaturesTest {
    private static final byte[] MESSAGE = "the quick brown fox".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private final Signatures signatures = new Signatures(new SecureRandom());

    private static StoredObject priv(KeyPair kp, CryptographicAlgorithm alg) {
        return TestKeys.privateKey("priv", kp.getPrivate().getEncoded(), alg, CryptographicUsageMask.SIGN.value(), State.ACTIVE);
    }

    private static StoredObject pub(KeyPair kp, CryptographicAlgorithm alg) {
        return TestKeys.publicKey("pub", kp.getPublic().getEncoded(), alg, CryptographicUsageMask.VERIFY.value(), State.ACTIVE);
    }

    private static Optional<TtlvItem> dsa(DigitalSignatureAlgorithm d) {
        return Optional.of(parameters(TtlvItem.enumeration(Tag.DIGITAL_SIGNATURE_ALGORITHM, d.value())));
    }

    private byte[] sign(StoredObject key, SignatureParameters p, byte[] data) throws KmipException {
        Signatures.Signer s = signatures.signer(key, p);
        s.update(data);
        return s.sign();
    }

    private ValidityIndicator verify(StoredObject key, SignatureParameters p, byte[] data, byte[] sig) throws KmipException {
        Signatures.Verifier v = signatures.verifier(key, p);
        v.update(data);
        return v.verify(sig);
    }

    @ParameterizedTest
    @CsvSource({
            "RSA, 2048, SHA_256_WITH_RSA_ENCRYPTION, SHA256withRSA",
            "RSA, 2048, SHA_1_WITH_RSA_ENCRYPTION, SHA1withRSA",
            "RSA, 2048, SHA_512_WITH_RSA_ENCRYPTION, SHA512withRSA",
            "RSA, 2048, SHA3_256_WITH_RSA_ENCRYPTION, SHA3-256withRSA",
            "EC, secp256r1, ECDSA_WITH_SHA256, SHA256withECDSA",
            "EC, secp384r1, ECDSA_WITH_SHA384, SHA384withECDSA",
            "EC, secp521r1, ECDSA_WITH_SHA512, SHA512withECDSA"})
    void digitalSignatureAlgorithm_interoperatesWithJdkSignature(String keyType, String size, DigitalSignatureAlgorithm d,
                                                                 String jca) throws Exception {
        KeyPair kp = keyType.equals("RSA") ? TestKeys.rsa(Integer.parseInt(size)) : TestKeys.ec(size);
        CryptographicAlgorithm alg = keyType.equals("RSA") ? CryptographicAlgorithm.RSA : CryptographicAlgorithm.ECDSA;
        SignatureParameters p = SignatureParameters.resolve(dsa(d), priv(kp, alg));
        byte[] ours = sign(priv(kp, alg), p, MESSAGE);
        Signature jdk = Signature.getInstance(jca);
        jdk.initVerify(kp.getPublic());
        jdk.update(MESSAGE);
        assertThat(jdk.verify(ours)).as("the JDK verifies our signature").isTrue();
        jdk.initSign(kp.getPrivate());
        jdk.update(MESSAGE);
        byte[] theirs = jdk.sign();
        assertThat(verify(pub(kp, alg), p, MESSAGE, theirs)).isEqualTo(ValidityIndicator.VALID);
        byte[] other = MESSAGE.clone();
        other[0] ^= 1;
        assertThat(verify(pub(kp, alg), p, other, theirs)).isEqualTo(ValidityIndicator.INVALID);
    }

    @Test
    void rsaPss_explicitSaltAndSha3_interoperatesWithJdk() throws Exception {
        KeyPair kp = TestKeys.rsa(2048);
        Optional<TtlvItem> params = Optional.of(parameters(
                TtlvItem.enumeration(Tag.PADDING_METHOD, PaddingMethod.PSS.value()),
                TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA3_256.value()),
                TtlvItem.integer(Tag.SALT_LENGTH, 32)));
        SignatureParameters p = SignatureParameters.resolve(params, priv(kp, CryptographicAlgorithm.RSA));
        Signature jdk = Signature.getInstance("RSASSA-PSS");
        jdk.setParameter(new PSSParameterSpec("SHA3-256", "MGF1", new MGF1ParameterSpec("SHA3-256"), 32, 1));
        jdk.initVerify(kp.getPublic());
        jdk.update(MESSAGE);
        assertThat(jdk.verify(sign(priv(kp, CryptographicAlgorithm.RSA), p, MESSAGE))).isTrue();
        // the same signature under the default (maximum) salt length does not verify: Invalid, not an error
        jdk.initSign(kp.getPrivate());
        jdk.update(MESSAGE);
        byte[] theirs = jdk.sign();
        SignatureParameters maxSalt = SignatureParameters.resolve(Optional.of(parameters(
                TtlvItem.enumeration(Tag.PADDING_METHOD, PaddingMethod.PSS.value()),
                TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA3_256.value()))), pub(kp, CryptographicAlgorithm.RSA));
        assertThat(verify(pub(kp, CryptographicAlgorithm.RSA), p, MESSAGE, theirs)).isEqualTo(ValidityIndicator.VALID);
        assertThat(verify(pub(kp, CryptographicAlgorithm.RSA), maxSalt, MESSAGE, theirs)).isEqualTo(ValidityIndicator.INVALID);
    }

    @Test
    void rsaPkcs1_signDigest_equalsMessageSignatureExactly() throws Exception {
        KeyPair kp = TestKeys.rsa(2048);
        SignatureParameters p = SignatureParameters.resolve(dsa(DigitalSignatureAlgorithm.SHA_256_WITH_RSA_ENCRYPTION),
                priv(kp, CryptographicAlgorithm.RSA));
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(MESSAGE);
        // RSASSA-PKCS1-v1_5 is deterministic: signing the digest must give the very signature of the message
        assertThat(signatures.signDigest(priv(kp, CryptographicAlgorithm.RSA), p, digest))
                .isEqualTo(sign(priv(kp, CryptographicAlgorithm.RSA), p, MESSAGE));
        assertThat(signatures.verifyDigest(pub(kp, CryptographicAlgorithm.RSA), p, digest, sign(priv(kp, CryptographicAlgorithm.RSA), p, MESSAGE)))
                .isEqualTo(ValidityIndicator.VALID);
    }

    @Test
    void ecdsaAndPss_signDigest_verifyAsMessageSignatures() throws Exception {
        KeyPair ec = TestKeys.ec("secp256r1");
        SignatureParameters pe = SignatureParameters.resolve(dsa(DigitalSignatureAlgorithm.ECDSA_WITH_SHA256), priv(ec, CryptographicAlgorithm.EC));
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(MESSAGE);
        assertThat(verify(pub(ec, CryptographicAlgorithm.EC), pe, MESSAGE,
                signatures.signDigest(priv(ec, CryptographicAlgorithm.EC), pe, digest))).isEqualTo(ValidityIndicator.VALID);
        KeyPair rsa = TestKeys.rsa(2048);
        SignatureParameters pp = SignatureParameters.resolve(Optional.of(parameters(
                TtlvItem.enumeration(Tag.DIGITAL_SIGNATURE_ALGORITHM, DigitalSignatureAlgorithm.RSASSA_PSS.value()),
                TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA_256.value()))), priv(rsa, CryptographicAlgorithm.RSA));
        byte[] pssOverDigest = signatures.signDigest(priv(rsa, CryptographicAlgorithm.RSA), pp, digest);
        assertThat(verify(pub(rsa, CryptographicAlgorithm.RSA), pp, MESSAGE, pssOverDigest)).isEqualTo(ValidityIndicator.VALID);
        assertThat(signatures.verifyDigest(pub(rsa, CryptographicAlgorithm.RSA), pp, digest, sign(priv(rsa, CryptographicAlgorithm.RSA), pp, MESSAGE)))
                .isEqualTo(ValidityIndicator.VALID);
    }

    @Test
    void signDigest_wrongLengthOrEdDsa_isAnError() throws Exception {
        KeyPair ec = TestKeys.ec("secp256r1");
        SignatureParameters pe = SignatureParameters.resolve(dsa(DigitalSignatureAlgorithm.ECDSA_WITH_SHA256), priv(ec, CryptographicAlgorithm.EC));
        assertThat(catchThrowableOfType(KmipException.class, () -> signatures.signDigest(priv(ec, CryptographicAlgorithm.EC), pe,
                new byte[20])).reason()).isEqualTo(ResultReason.INVALID_FIELD);
        KeyPair ed = TestKeys.edwards("Ed25519");
        SignatureParameters pd = SignatureParameters.resolve(Optional.empty(), priv(ed, CryptographicAlgorithm.ED25519));
        assertThat(catchThrowableOfType(KmipException.class, () -> signatures.signDigest(priv(ed, CryptographicAlgorithm.ED25519), pd,
                new byte[32])).reason()).isEqualTo(ResultReason.UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS);
    }

    @Test
    void verify_malformedTruncatedEmptyOrOtherKeysSignature_isInvalid() throws Exception {
        for (String curveOrRsa : new String[]{"RSA", "secp256r1", "Ed25519"}) {
            KeyPair kp = curveOrRsa.equals("RSA") ? TestKeys.rsa(2048) : curveOrRsa.equals("Ed25519") ? TestKeys.edwards("Ed25519")
                    : TestKeys.ec(curveOrRsa);
            KeyPair other = curveOrRsa.equals("RSA") ? TestKeys.rsa(2048) : curveOrRsa.equals("Ed25519") ? TestKeys.edwards("Ed25519")
                    : TestKeys.ec(curveOrRsa);
            CryptographicAlgorithm alg = curveOrRsa.equals("RSA") ? CryptographicAlgorithm.RSA
                    : curveOrRsa.equals("Ed25519") ? CryptographicAlgorithm.ED25519 : CryptographicAlgorithm.ECDSA;
            Optional<TtlvItem> params = alg == CryptographicAlgorithm.ED25519 ? Optional.empty()
                    : Optional.of(parameters(TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA_256.value())));
            SignatureParameters p = SignatureParameters.resolve(params, priv(kp, alg));
            byte[] good = sign(priv(kp, alg), p, MESSAGE);
            assertThat(verify(pub(kp, alg), p, MESSAGE, good)).as(curveOrRsa).isEqualTo(ValidityIndicator.VALID);
            byte[] flipped = good.clone();
            flipped[good.length / 2] ^= 0x40;
            assertThat(verify(pub(kp, alg), p, MESSAGE, flipped)).as(curveOrRsa + " tampered").isEqualTo(ValidityIndicator.INVALID);
            assertThat(verify(pub(kp, alg), p, MESSAGE, Arrays.copyOf(good, good.length - 1))).as(curveOrRsa + " truncated")
                    .isEqualTo(ValidityIndicator.INVALID);
            assertThat(verify(pub(kp, alg), p, MESSAGE, new byte[0])).as(curveOrRsa + " empty").isEqualTo(ValidityIndicator.INVALID);
            assertThat(verify(pub(kp, alg), p, MESSAGE, new byte[]{0x30, 0x7f, 0x02})).as(curveOrRsa + " garbage")
                    .isEqualTo(ValidityIndicator.INVALID);
            assertThat(verify(pub(other, alg), p, MESSAGE, good)).as(curveOrRsa + " other key").isEqualTo(ValidityIndicator.INVALID);
        }
    }

    @Test
    void verify_withAnotherHashOrPadding_isInvalid() throws Exception {
        KeyPair kp = TestKeys.rsa(2048);
        SignatureParameters sha256 = SignatureParameters.resolve(dsa(DigitalSignatureAlgorithm.SHA_256_WITH_RSA_ENCRYPTION), priv(kp, CryptographicAlgorithm.RSA));
        byte[] sig = sign(priv(kp, CryptographicAlgorithm.RSA), sha256, MESSAGE);
        SignatureParameters sha384 = SignatureParameters.resolve(dsa(DigitalSignatureAlgorithm.SHA_384_WITH_RSA_ENCRYPTION), pub(kp, CryptographicAlgorithm.RSA));
        SignatureParameters pss = SignatureParameters.resolve(Optional.of(parameters(
                TtlvItem.enumeration(Tag.DIGITAL_SIGNATURE_ALGORITHM, DigitalSignatureAlgorithm.RSASSA_PSS.value()),
                TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA_256.value()))), pub(kp, CryptographicAlgorithm.RSA));
        assertThat(verify(pub(kp, CryptographicAlgorithm.RSA), sha384, MESSAGE, sig)).isEqualTo(ValidityIndicator.INVALID);
        assertThat(verify(pub(kp, CryptographicAlgorithm.RSA), pss, MESSAGE, sig)).isEqualTo(ValidityIndicator.INVALID);
    }

    @Test
    void resolve_contradictoryOrUnsupportedParameters_areErrors() throws Exception {
        KeyPair kp = TestKeys.rsa(2048);
        StoredObject rsa = priv(kp, CryptographicAlgorithm.RSA);
        assertThat(reason(dsa(DigitalSignatureAlgorithm.ECDSA_WITH_SHA256), rsa)).isEqualTo(ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS);
        assertThat(reason(Optional.of(parameters(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.ECDSA.value()),
                TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA_256.value()))), rsa))
                .isEqualTo(ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS);
        assertThat(reason(Optional.of(parameters(TtlvItem.enumeration(Tag.PADDING_METHOD, PaddingMethod.OAEP.value()),
                TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA_256.value()))), rsa))
                .isEqualTo(ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS);
        assertThat(reason(Optional.of(parameters(TtlvItem.enumeration(Tag.DIGITAL_SIGNATURE_ALGORITHM,
                DigitalSignatureAlgorithm.SHA_256_WITH_RSA_ENCRYPTION.value()), TtlvItem.enumeration(Tag.HASHING_ALGORITHM,
                HashingAlgorithm.SHA_512.value()))), rsa)).isEqualTo(ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS);
        assertThat(reason(dsa(DigitalSignatureAlgorithm.MD5_WITH_RSA_ENCRYPTION), rsa)).isEqualTo(ResultReason.UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS);
        assertThat(reason(Optional.of(parameters(TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.MD5.value()))), rsa))
                .isEqualTo(ResultReason.UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS);
        assertThat(reason(Optional.empty(), rsa)).isEqualTo(ResultReason.MISSING_DATA);
        StoredObject ed = priv(TestKeys.edwards("Ed25519"), CryptographicAlgorithm.ED25519);
        assertThat(reason(Optional.of(parameters(TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA_512.value()))), ed))
                .isEqualTo(ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS);
    }

    @ParameterizedTest
    @CsvSource({"secp256r1, 256, SHA_256, SHA256withECDSA", "secp384r1, 384, SHA_384, SHA384withECDSA",
            "secp521r1, 521, SHA_512, SHA512withECDSA"})
    void resolve_ecdsaWithoutHash_takesTheHashMatchingTheCurve(String curve, int bits, HashFunction expected, String jca)
            throws Exception {
        KeyPair kp = TestKeys.ec(curve);
        io.keyhold.protocol.message.KmipAttribute length = io.keyhold.protocol.message.KmipAttribute.of(
                TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, bits));
        StoredObject key = TestKeys.privateKey("priv", kp.getPrivate().getEncoded(), CryptographicAlgorithm.EC,
                CryptographicUsageMask.SIGN.value(), State.ACTIVE, length);
        SignatureParameters p = SignatureParameters.resolve(Optional.of(parameters(TtlvItem.enumeration(
                Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.ECDSA.value()))), key);
        assertThat(p.scheme()).isEqualTo(SignatureParameters.Scheme.ECDSA);
        assertThat(p.hash()).isEqualTo(expected);
        byte[] sig = sign(key, p, MESSAGE);
        Signature v = Signature.getInstance(jca);
        v.initVerify(kp.getPublic());
        v.update(MESSAGE);
        assertThat(v.verify(sig)).as("an independent " + jca + " accepts the signature").isTrue();
        StoredObject unknownLength = priv(kp, CryptographicAlgorithm.EC);
        assertThat(reason(Optional.empty(), unknownLength)).as("no length: no default").isEqualTo(ResultReason.MISSING_DATA);
    }

    private static ResultReason reason(Optional<TtlvItem> params, StoredObject key) {
        KmipException e = catchThrowableOfType(KmipException.class, () -> SignatureParameters.resolve(params, key));
        assertThat(e).as("resolve must fail").isNotNull();
        return e.reason();
    }

    @Test
    void eddsaStream_beyondTheBound_isRefused() throws Exception {
        KeyPair kp = TestKeys.edwards("Ed25519");
        Signatures.Signer s = signatures.signer(priv(kp, CryptographicAlgorithm.ED25519),
                SignatureParameters.resolve(Optional.empty(), priv(kp, CryptographicAlgorithm.ED25519)));
        s.update(new byte[io.keyhold.server.crypto.Streams.MAX_BUFFERED_BYTES]);
        assertThat(s.bufferedBytes()).isEqualTo(io.keyhold.server.crypto.Streams.MAX_BUFFERED_BYTES);
        assertThat(catchThrowableOfType(KmipException.class, () -> s.update(new byte[1])).reason())
                .isEqualTo(ResultReason.SERVER_LIMIT_EXCEEDED);
    }
}
