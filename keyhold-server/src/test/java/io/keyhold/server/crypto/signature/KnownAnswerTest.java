package io.keyhold.server.crypto.signature;

import static io.keyhold.server.crypto.signature.TestKeys.hex;
import static io.keyhold.server.crypto.signature.TestKeys.parameters;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.PaddingMethod;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.ValidityIndicator;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.StoredObject;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.spec.RSAPublicKeySpec;
import java.util.Optional;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Published known-answer vectors through the signature, MAC and digest services. Sources are cited per set. */
class KnownAnswerTest {
    private static final int SIGN = CryptographicUsageMask.SIGN.value();
    private static final int VERIFY = CryptographicUsageMask.VERIFY.value();
    private final Signatures signatures = new Signatures(new SecureRandom());
    private final Macs macs = new Macs();
    private final Digests digests = new Digests();

    private byte[] digest(HashFunction f, byte[] data) throws KmipException {
        Digests.DigestStream s = digests.start(f);
        s.update(data);
        return s.finish();
    }

    // FIPS 180-2 appendix examples and FIPS 202 / NIST CSRC SHA-3 examples, message "abc"
    @ParameterizedTest
    @CsvSource({
            "SHA_1, a9993e364706816aba3e25717850c26c9cd0d89d",
            "SHA_256, ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "SHA_512, ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            "SHA3_224, e642824c3f8cf24ad09234ee7d3c766fc9a3a5168d0c94ad73b46fdf",
            "SHA3_256, 3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532",
            "SHA3_384, ec01498288516fc926459f58e2c6ad8df9b473cb0fc08c2596da7cf0e49be4b298d88cea927ac7f539f1edf228376d25",
            "SHA3_512, b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0"})
    void hash_abc_matchesPublishedDigest(HashFunction f, String expected) throws Exception {
        assertThat(digest(f, "abc".getBytes(StandardCharsets.US_ASCII))).isEqualTo(hex(expected));
    }

    // OASIS KMIP test case CS-AC-M-7 (Hash of 0x0102...16)
    @ParameterizedTest
    @CsvSource({
            "6, ad41233d22cf9322e3a7ff49a13da434797abed3bab80950a1a0d4e582b7ea72",
            "8, 406a806f76c06b90c8aca278995d4271037f91124ebfaba5475f1f59ee21ebe3a0cc7f5ca6f2183d360bcc762cef68713de7c6498eb08dc591075ca62f7a0717"})
    void hash_oasisVector_matches(int hashingAlgorithm, String expected) throws Exception {
        HashFunction f = Digests.parameters(Optional.of(parameters(TtlvItem.enumeration(Tag.HASHING_ALGORITHM, hashingAlgorithm))));
        assertThat(digest(f, hex("01020304050607080910111213141516"))).isEqualTo(hex(expected));
    }

    private byte[] mac(byte[] key, CryptographicAlgorithm alg, byte[] data) throws KmipException {
        StoredObject k = TestKeys.symmetricKey("k", key, alg, CryptographicUsageMask.MAC_GENERATE.value(), State.ACTIVE);
        Macs.MacStream s = macs.start(k, MacParameters.resolve(Optional.empty(), k));
        s.update(data);
        return s.finish();
    }

    // RFC 4231 test cases 1 (key 0x0b x 20, "Hi There") and 2 (key "Jefe", "what do ya want for nothing?")
    @ParameterizedTest
    @CsvSource({
            "1, HMAC_SHA224, 896fb1128abbdf196832107cd49df33f47b4b1169912ba4f53684b22",
            "1, HMAC_SHA256, b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            "1, HMAC_SHA384, afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
            "1, HMAC_SHA512, 87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
            "2, HMAC_SHA224, a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44",
            "2, HMAC_SHA256, 5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            "2, HMAC_SHA384, af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649",
            "2, HMAC_SHA512, 164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"})
    void hmac_rfc4231_matches(int testCase, CryptographicAlgorithm alg, String expected) throws Exception {
        byte[] key = testCase == 1 ? hex("0b".repeat(20)) : "Jefe".getBytes(StandardCharsets.US_ASCII);
        byte[] data = (testCase == 1 ? "Hi There" : "what do ya want for nothing?").getBytes(StandardCharsets.US_ASCII);
        assertThat(mac(key, alg, data)).isEqualTo(hex(expected));
    }

    // OASIS KMIP test case CS-AC-M-6: an AES-labelled key whose Cryptographic Parameters attribute says HMAC-SHA256
    @ParameterizedTest
    @CsvSource("c911e78196d64c30f631bb079ea37b97a95936d4da764d6a171df030c895ecf9")
    void hmac_oasisVector_usesKeysCryptographicParameters(String expectedPrefix) throws Exception {
        StoredObject k = TestKeys.symmetricKey("k", hex("0123456789abcdef0123456789abcdef"), CryptographicAlgorithm.AES,
                CryptographicUsageMask.MAC_GENERATE.value(), State.ACTIVE, io.keyhold.protocol.message.KmipAttribute.of(
                        parameters(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.HMAC_SHA256.value()))));
        Macs.MacStream s = macs.start(k, MacParameters.resolve(Optional.empty(), k));
        s.update(hex("01020304050607080910111213141516"));
        assertThat(s.finish()).isEqualTo(hex(expectedPrefix));
    }

    // RFC 4493 section 4 / NIST SP 800-38B appendix D.1 AES-128 examples 1-4
    @ParameterizedTest
    @CsvSource({
            "'', bb1d6929e95937287fa37d129b756746",
            "6bc1bee22e409f96e93d7e117393172a, 070a16b46b4d4144f79bdd9dd04a287c",
            "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411, dfa66747de9ae63030ca32611497c827",
            "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710, 51f0bebf7e3b9d92fc49741779363cfe"})
    void cmac_rfc4493_matches(String message, String expected) throws Exception {
        assertThat(mac(hex("2b7e151628aed2a6abf7158809cf4f3c"), CryptographicAlgorithm.AES, hex(message))).isEqualTo(hex(expected));
    }

    // RFC 8032 section 7.1 TEST 1-3 (Ed25519) and section 7.4 "Blank" (Ed448)
    @ParameterizedTest
    @CsvSource({
            "ED25519, 302e020100300506032b657004220420, 302a300506032b6570032100, 9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60, d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a, '', e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
            "ED25519, 302e020100300506032b657004220420, 302a300506032b6570032100, 4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb, 3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c, 72, 92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
            "ED25519, 302e020100300506032b657004220420, 302a300506032b6570032100, c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7, fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025, af82, 6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
            "ED448, 3047020100300506032b6571043b0439, 3043300506032b6571033a00, 6c82a562cb808d10d632be89c8513ebf6c929f34ddfa8c9f63c9960ef6e348a3528c8a3fcc2f044e39a3fc5b94492f8f032e7549a20098f95b, 5fd7449b59b461fd2ce787ec616ad46a1da1342485a70e1f8a0ea75d80e96778edf124769b46c7061bd6783df1e50f6cd1fa1abeafe8256180, '', 533a37f6bbe457251f023c0d88f976ae2dfb504a843e34d2074fd823d41a591f2b233f034f628281f2fd7a22ddd47d7828c59bd0a21bfd3980ff0d2028d4b18a9df63e006c5d1c2d345b925d8dc00b4104852db99ac5c7cdda8530a113a0f4dbb61149f05a7363268c71d95808ff2e652600"})
    void eddsa_rfc8032_signsExactlyAndVerifies(CryptographicAlgorithm alg, String pkcs8Prefix, String spkiPrefix, String secret,
                                               String publicKey, String message, String expected) throws Exception {
        StoredObject priv = TestKeys.privateKey("priv", hex(pkcs8Prefix + secret), alg, SIGN, State.ACTIVE);
        StoredObject pub = TestKeys.publicKey("pub", hex(spkiPrefix + publicKey), alg, VERIFY, State.ACTIVE);
        SignatureParameters p = SignatureParameters.resolve(Optional.empty(), priv);
        Signatures.Signer signer = signatures.signer(priv, p);
        signer.update(hex(message));
        assertThat(signer.sign()).isEqualTo(hex(expected));
        Signatures.Verifier verifier = signatures.verifier(pub, p);
        verifier.update(hex(message));
        assertThat(verifier.verify(hex(expected))).isEqualTo(ValidityIndicator.VALID);
        byte[] tampered = hex(expected);
        tampered[5] ^= 1;
        Signatures.Verifier again = signatures.verifier(pub, p);
        again.update(hex(message));
        assertThat(again.verify(tampered)).isEqualTo(ValidityIndicator.INVALID);
    }

    // OASIS KMIP test case CS-AC-M-2 (1.4/2.1): an RSA-2048 public key (PKCS#1, wrapped here into SubjectPublicKeyInfo)
    // and an RSASSA-PSS SHA-256 signature over 0x0102...16; the same signature over a changed message is Invalid.
    @ParameterizedTest
    @CsvSource({"01020304050607080910111213141516, VALID", "FF020304050607080910111213141516, INVALID"})
    void rsaPss_oasisVector_verifies(String data, ValidityIndicator expected) throws Exception {
        String pkcs1 = "3082010a0282010100ab7f161c0042496ccd6c6d4dadb919973435357776003acf54b7af1e440afb80b64a8755f8002cfeba6b184540a2d66086d74648346d75b8d71812b205387c0f6583bc4d7dc7ec114f3b176b7957c422e7d03fc6267fa2a6f89b9bee9e60a1d7c2d833e5a5f4bb0b1434f4e795a41100f8aa214900df8b65089f98135b1c67b701675abdbc7d5721aac9d14a7f081fcec80b64e8a0ecc8295353c795328abf70e1b42e7bb8b7f4e8ac8c810cdb66e3d21126eba8da7d0ca34142cb76f91f013da809e9c1b7ae64c54130fbc21d80e9c2cb06c5c8d7cce8946a9ac99b1c2815c3612a29a82d73a1f99374fe30e54951662a6eda29c6fc411335d5dc7426b0f6050203010001";
        RSAPublicKey rsa = RSAPublicKey.getInstance(hex(pkcs1));
        byte[] spki = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent())).getEncoded();
        StoredObject pub = TestKeys.publicKey("pub", spki, CryptographicAlgorithm.RSA, VERIFY, State.ACTIVE,
                io.keyhold.protocol.message.KmipAttribute.of(parameters(
                        TtlvItem.enumeration(Tag.PADDING_METHOD, PaddingMethod.PSS.value()),
                        TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA_256.value()),
                        TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.RSA.value()))));
        String signature = SIGNATURE_CS_AC_M_2;
        Signatures.Verifier v = signatures.verifier(pub, SignatureParameters.resolve(Optional.empty(), pub));
        v.update(hex(data));
        assertThat(v.verify(hex(signature))).isEqualTo(expected);
    }

    private static final String SIGNATURE_CS_AC_M_2 = "2925ebf8c6c9d0585c36a44491dd28f8ffd1098d2275a505a0eba7af452e9496472fd5c4a515d1c0db16c7c59ef76863b571cbf498fb8178ffeb75667e6e51b9b9bbf09d55bba54b42acb947aa5a81dc62751727d7cad4616c0c0bf1dd666f8266f24262c5fa9cbbdc424ef5f5e345e633d111e66eb4afc4001bb02e158b2d5d4573c614655f21a688bee0e9dbde6a58324c08f42ae69697e0c51803f9de6b3df242d2915d9b1a8110ad28143ab7855ef92ede48971b484172de3b0b8957f493a74b3372ee2200f2233607735f90d0b180968ab20d74841fd3dba4fb1f225ea5c6c87f99c2a238db72a536e68be202a092cd032337d451477e568f9a48b638cb";
}
