package io.keyhold.server.crypto.cipher;

import static io.keyhold.server.crypto.cipher.TestKeys.hex;
import static io.keyhold.server.crypto.cipher.TestKeys.symmetric;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.server.crypto.cipher.CipherSpec.Algorithm;
import io.keyhold.server.crypto.cipher.CipherSpec.Hash;
import io.keyhold.server.crypto.cipher.CipherSpec.Mode;
import io.keyhold.server.crypto.cipher.CipherSpec.Padding;
import io.keyhold.server.store.StoredObject;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Known-answer vectors from the published documents, and the failures with their Result Reasons. */
class CiphersTest {
    private static final Ciphers CIPHERS = new Ciphers(new SecureRandom());

    // NIST SP 800-38A, appendix F: the four-block plaintext shared by all examples, and the AES-128 key
    private static final String SP800_38A_PLAIN = "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51"
            + "30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710";
    private static final String SP800_38A_KEY128 = "2b7e151628aed2a6abf7158809cf4f3c";
    private static final String SP800_38A_KEY256 = "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4";

    // GCM specification (McGrew and Viega), test cases 3 to 5: key, plaintext, additional data
    private static final String GCM_KEY = "feffe9928665731c6d6a8f9467308308";
    private static final String GCM_PLAIN = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
            + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
    private static final String GCM_AAD = "feedfacedeadbeeffeedfacedeadbeefabaddad2";

    private static KeyPair rsa;

    @BeforeAll
    static void rsaPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        rsa = g.generateKeyPair();
    }

    private static CipherSpec spec(Algorithm a, Mode m, Padding p) throws KmipException {
        return CipherSpec.of(a, m, p, 0, null, null, false, 0);
    }

    static Stream<Arguments> blockModes() {
        return Stream.of(
                // SP 800-38A F.1.1 ECB-AES128.Encrypt
                Arguments.of("F.1.1 ECB-AES128", SP800_38A_KEY128, Mode.ECB, null,
                        "3ad77bb40d7a3660a89ecaf32466ef97 f5d3d58503b9699de785895a96fdbaaf"
                                + "43b1cd7f598ece23881b00e3ed030688 7b0c785e27e8ad3f8223207104725dd4"),
                // SP 800-38A F.2.1 CBC-AES128.Encrypt
                Arguments.of("F.2.1 CBC-AES128", SP800_38A_KEY128, Mode.CBC, "000102030405060708090a0b0c0d0e0f",
                        "7649abac8119b246cee98e9b12e9197d 5086cb9b507219ee95db113a917678b2"
                                + "73bed6b8e3c1743b7116e69e22229516 3ff1caa1681fac09120eca307586e1a7"),
                // SP 800-38A F.2.5 CBC-AES256.Encrypt
                Arguments.of("F.2.5 CBC-AES256", SP800_38A_KEY256, Mode.CBC, "000102030405060708090a0b0c0d0e0f",
                        "f58c4c04d6e5f1ba779eabfb5f7bfbd6 9cfc4e967edb808d679f777bc6702c7d"
                                + "39f23369a9d9bacfa530e26304231461 b2eb05e2c39be9fcda6c19078c6a9d1b"),
                // SP 800-38A F.5.1 CTR-AES128.Encrypt
                Arguments.of("F.5.1 CTR-AES128", SP800_38A_KEY128, Mode.CTR, "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
                        "874d6191b620e3261bef6864990db6ce 9806f66b7970fdff8617187bb9fffdff"
                                + "5ae4df3edbd5d35e5b4f09020db03eab 1e031dda2fbe03d1792170a0f3009cee"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blockModes")
    void sp800_38a_encryptAndDecrypt_matchVectors(String name, String key, Mode mode, String iv, String expected) throws Exception {
        StoredObject k = symmetric(key, CryptographicAlgorithm.AES);
        CipherSpec s = spec(Algorithm.AES, mode, Padding.NONE);
        byte[] ivBytes = iv == null ? null : hex(iv);
        CipherResult enc = CIPHERS.encrypt(k, s, hex(SP800_38A_PLAIN), ivBytes, null);
        assertThat(enc.data()).isEqualTo(hex(expected));
        assertThat(enc.iv()).as("a client IV is not returned").isNull();
        assertThat(CIPHERS.decrypt(k, s, hex(expected), ivBytes, null, null).data()).isEqualTo(hex(SP800_38A_PLAIN));
    }

    @Test
    void sp800_38a_streamedInUnevenParts_sameAsOneShot() throws Exception {
        StoredObject k = symmetric(SP800_38A_KEY128, CryptographicAlgorithm.AES);
        CipherSpec s = spec(Algorithm.AES, Mode.CBC, Padding.NONE);
        byte[] plain = hex(SP800_38A_PLAIN);
        CipherStream stream = CIPHERS.startEncrypt(k, s, hex("000102030405060708090a0b0c0d0e0f"), null, "k1");
        byte[] a = stream.update(Arrays.copyOfRange(plain, 0, 20));
        byte[] b = stream.update(Arrays.copyOfRange(plain, 20, 40));
        CipherResult c = stream.finish(Arrays.copyOfRange(plain, 40, 64), null);
        assertThat(Ciphers.concat(Ciphers.concat(a, b), c.data())).isEqualTo(hex("7649abac8119b246cee98e9b12e9197d"
                + "5086cb9b507219ee95db113a917678b273bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7"));
        assertThat(a).hasSize(16);
    }

    static Stream<Arguments> gcm() {
        return Stream.of(
                // GCM spec test case 2: zero key, one zero block, 96-bit zero IV
                Arguments.of("TC2", "00000000000000000000000000000000", "00000000000000000000000000000000",
                        "000000000000000000000000", "", "0388dace60b6a392f328c2b971b2fe78", "ab6e47d42cec13bdf53a67b21257bddf"),
                // GCM spec test case 4: 96-bit IV with additional data
                Arguments.of("TC4", GCM_KEY, GCM_PLAIN, "cafebabefacedbaddecaf888", GCM_AAD,
                        "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
                                + "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091", "5bc94fbc3221a5db94fae95ae7121a47"),
                // GCM spec test case 5: 64-bit IV (also the OASIS test case CS-BC-M-GCM-3)
                Arguments.of("TC5", GCM_KEY, GCM_PLAIN, "cafebabefacedbad", GCM_AAD,
                        "61353b4c2806934a777ff51fa22a4755699b2a714fcdc6f83766e5f97b6c7423"
                                + "73806900e49f24b22b097544d4896b424989b5e1ebac0f07c23f4598", "3612d2e79e3b0785561be14aaca2fccb"));
    }

    @ParameterizedTest(name = "GCM {0}")
    @MethodSource("gcm")
    void gcmSpec_encryptAndDecrypt_matchVectors(String name, String key, String plain, String iv, String aad, String cipher,
                                               String tag) throws Exception {
        StoredObject k = symmetric(key, CryptographicAlgorithm.AES);
        CipherSpec s = spec(Algorithm.AES, Mode.GCM, Padding.NONE);
        byte[] a = aad.isEmpty() ? null : hex(aad);
        CipherResult enc = CIPHERS.encrypt(k, s, hex(plain), hex(iv), a);
        assertThat(enc.data()).isEqualTo(hex(cipher));
        assertThat(enc.tag()).isEqualTo(hex(tag));
        assertThat(CIPHERS.decrypt(k, s, hex(cipher), hex(iv), a, hex(tag)).data()).isEqualTo(hex(plain));
    }

    @Test
    void gcm_decryptStream_releasesNothingBeforeTheTag() throws Exception {
        StoredObject k = symmetric(GCM_KEY, CryptographicAlgorithm.AES);
        CipherSpec s = spec(Algorithm.AES, Mode.GCM, Padding.NONE);
        byte[] c = hex("61353b4c2806934a777ff51fa22a4755699b2a714fcdc6f83766e5f97b6c7423"
                + "73806900e49f24b22b097544d4896b424989b5e1ebac0f07c23f4598");
        CipherStream stream = CIPHERS.startDecrypt(k, s, hex("cafebabefacedbad"), hex(GCM_AAD), "k1");
        assertThat(stream.update(Arrays.copyOf(c, 32))).isEmpty();
        assertThat(stream.bufferedBytes()).isEqualTo(32);
        CipherResult last = stream.finish(Arrays.copyOfRange(c, 32, c.length), hex("3612d2e79e3b0785561be14aaca2fccb"));
        assertThat(last.data()).isEqualTo(hex(GCM_PLAIN));
    }

    @Test
    void gcm_encryptStream_matchesTestCase5() throws Exception {
        // the split of the OASIS test case CS-BC-M-GCM-3: 32 bytes, then the rest with Final Indicator
        StoredObject k = symmetric(GCM_KEY, CryptographicAlgorithm.AES);
        CipherStream stream = CIPHERS.startEncrypt(k, spec(Algorithm.AES, Mode.GCM, Padding.NONE), hex("cafebabefacedbad"),
                hex(GCM_AAD), "k1");
        byte[] p = hex(GCM_PLAIN);
        byte[] first = stream.update(Arrays.copyOf(p, 32));
        CipherResult last = stream.finish(Arrays.copyOfRange(p, 32, p.length), null);
        assertThat(Ciphers.concat(first, last.data())).isEqualTo(hex("61353b4c2806934a777ff51fa22a4755699b2a714fcdc6f83766e5f97b6c7423"
                + "73806900e49f24b22b097544d4896b424989b5e1ebac0f07c23f4598"));
        assertThat(last.tag()).isEqualTo(hex("3612d2e79e3b0785561be14aaca2fccb"));
    }

    static Stream<Arguments> keyWrap() {
        return Stream.of(
                // RFC 3394 section 4.1: 128 bits of key data with a 128-bit KEK
                Arguments.of("RFC 3394 4.1", Mode.KEY_WRAP, "000102030405060708090A0B0C0D0E0F", "00112233445566778899AABBCCDDEEFF",
                        "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5"),
                // RFC 3394 section 4.6: 256 bits of key data with a 256-bit KEK
                Arguments.of("RFC 3394 4.6", Mode.KEY_WRAP, "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
                        "00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F",
                        "28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21"),
                // RFC 5649 section 6: 20 octets of key data with a 192-bit KEK
                Arguments.of("RFC 5649 20 octets", Mode.KEY_WRAP_PADDED, "5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8",
                        "c37b7e6492584340bed12207808941155068f738", "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a"),
                // RFC 5649 section 6: 7 octets of key data
                Arguments.of("RFC 5649 7 octets", Mode.KEY_WRAP_PADDED, "5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8",
                        "466f7250617369", "afbeb0f07dfbf5419200f2ccb50bb24f"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keyWrap")
    void keyWrap_encryptAndDecrypt_matchRfcVectors(String name, Mode mode, String kek, String data, String wrapped) throws Exception {
        StoredObject k = symmetric(kek, CryptographicAlgorithm.AES);
        CipherSpec s = spec(Algorithm.AES, mode, Padding.NONE);
        assertThat(CIPHERS.encrypt(k, s, hex(data), null, null).data()).isEqualTo(hex(wrapped));
        assertThat(CIPHERS.decrypt(k, s, hex(wrapped), null, null, null).data()).isEqualTo(hex(data));
    }

    @Test
    void chacha20Poly1305_rfc8439Section2_8_2_matchesVector() throws Exception {
        // RFC 8439 section 2.8.2: AEAD_CHACHA20_POLY1305 example (also the OASIS test case CS-BC-M-CHACHA20POLY1305-1)
        StoredObject k = symmetric("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
                CryptographicAlgorithm.CHACHA20POLY1305);
        byte[] plain = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, "
                + "sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
        byte[] nonce = hex("070000004041424344454647");
        byte[] aad = hex("50515253c0c1c2c3c4c5c6c7");
        String cipher = "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b"
                + "1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def0"
                + "8e4b7a9de576d26586cec64b6116";
        CipherSpec s = spec(Algorithm.CHACHA20_POLY1305, Mode.AEAD, Padding.NONE);
        CipherResult enc = CIPHERS.encrypt(k, s, plain, nonce, aad);
        assertThat(enc.data()).isEqualTo(hex(cipher));
        assertThat(enc.tag()).isEqualTo(hex("1ae10b594f09e26a7e902ecbd0600691"));
        assertThat(CIPHERS.decrypt(k, s, hex(cipher), nonce, aad, hex("1ae10b594f09e26a7e902ecbd0600691")).data()).isEqualTo(plain);
    }

    @Test
    void chacha20Poly1305_truncatedTag_isTheStartOfTheWholeTag_andIsVerified() throws Exception {
        // OASIS test case CS-BC-M-CHACHA20POLY1305-1 step 6: the RFC 8439 example decrypted with a 12-byte tag
        StoredObject k = symmetric("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
                CryptographicAlgorithm.CHACHA20POLY1305);
        byte[] plain = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, "
                + "sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
        byte[] nonce = hex("070000004041424344454647");
        byte[] aad = hex("50515253c0c1c2c3c4c5c6c7");
        CipherSpec twelve = CipherSpec.of(Algorithm.CHACHA20_POLY1305, Mode.AEAD, Padding.NONE, 12, null, null, false, 0);
        CipherResult enc = CIPHERS.encrypt(k, twelve, plain, nonce, aad);
        assertThat(enc.tag()).isEqualTo(hex("1ae10b594f09e26a7e902ecb"));
        assertThat(CIPHERS.decrypt(k, twelve, enc.data(), nonce, aad, hex("1ae10b594f09e26a7e902ecb")).data()).isEqualTo(plain);
        byte[] flipped = hex("1ae10b594f09e26a7e902ecc");
        KmipException wrongTag = catchThrowableOfType(KmipException.class,
                () -> CIPHERS.decrypt(k, twelve, enc.data(), nonce, aad, flipped));
        assertThat(wrongTag.reason()).isEqualTo(ResultReason.CRYPTOGRAPHIC_FAILURE);
        byte[] otherAad = hex("50515253c0c1c2c3c4c5c6c8");
        assertThat(catchThrowableOfType(KmipException.class,
                () -> CIPHERS.decrypt(k, twelve, enc.data(), nonce, otherAad, hex("1ae10b594f09e26a7e902ecb"))).reason())
                .isEqualTo(ResultReason.CRYPTOGRAPHIC_FAILURE);
        for (int bad : new int[] {1, 11, 17, 32}) {
            assertThat(catchThrowableOfType(KmipException.class, () -> CipherSpec.of(Algorithm.CHACHA20_POLY1305, Mode.AEAD,
                    Padding.NONE, bad, null, null, false, 0)).reason()).as("Tag Length " + bad).isEqualTo(ResultReason.GENERAL_FAILURE);
            assertThat(catchThrowableOfType(KmipException.class, () -> CipherSpec.of(Algorithm.AES, Mode.GCM,
                    Padding.NONE, bad, null, null, false, 0)).reason()).as("GCM Tag Length " + bad).isEqualTo(ResultReason.GENERAL_FAILURE);
        }
    }

    @Test
    void chacha20_rfc8439Section2_4_2_counterAndNonceForm_matchesVector() throws Exception {
        // RFC 8439 section 2.4.2: key 00..1f, nonce 000000000000004a00000000, initial block counter 1;
        // sent as a 16-byte IV/Counter/Nonce: the counter in little-endian, then the nonce
        StoredObject k = symmetric("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", CryptographicAlgorithm.CHACHA20);
        byte[] plain = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, "
                + "sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
        byte[] iv = hex("01000000 000000000000004a00000000");
        String cipher = "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0bf91b65c5524733ab8f593dabcd62b357"
                + "1639d624e65152ab8f530c359f0861d807ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab77937365af90bbf"
                + "74a35be6b40b8eedf2785e42874d";
        CipherSpec s = spec(Algorithm.CHACHA20, Mode.STREAM, Padding.NONE);
        assertThat(CIPHERS.encrypt(k, s, plain, iv, null).data()).isEqualTo(hex(cipher));
        assertThat(CIPHERS.decrypt(k, s, hex(cipher), iv, null, null).data()).isEqualTo(plain);
    }

    @Test
    void chacha20_originalSixtyFourBitNonce_matchesKeystreamVector() throws Exception {
        // the all-zero key and nonce keystream of the original ChaCha20 (OASIS test case CS-BC-M-CHACHA20-1)
        StoredObject k = symmetric("00".repeat(32), CryptographicAlgorithm.CHACHA20);
        CipherSpec s = spec(Algorithm.CHACHA20, Mode.STREAM, Padding.NONE);
        assertThat(CIPHERS.encrypt(k, s, new byte[64], new byte[8], null).data()).isEqualTo(hex("76b8e0ada0f13d90405d6ae55386bd28"
                + "bdd219b8a08ded1aa836efcc8b770dc7da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586"));
        fails(ResultReason.INVALID_FIELD, () -> CIPHERS.encrypt(k, s, new byte[4], new byte[12], null));
        assertThat(CIPHERS.encrypt(k, s, new byte[4], null, null).iv()).hasSize(16);
    }

    @Test
    void tripleDesEcb_oasisTestCase_matchesVector() throws Exception {
        // OASIS test case CS-BC-M-4-12-3DES: 3DES ECB, key 01..01 (24 bytes), no padding
        StoredObject k = symmetric("010101010101010101010101010101010101010101010101", CryptographicAlgorithm.DES3);
        CipherSpec s = spec(Algorithm.TRIPLE_DES, Mode.ECB, Padding.NONE);
        byte[] plain = hex("010203040506070809101112131415161718192021222324");
        byte[] expected = hex("cead373db80eabf87477d921e6d5a5d116c10e3814ebe004");
        assertThat(CIPHERS.encrypt(k, s, plain, null, null).data()).isEqualTo(expected);
        assertThat(CIPHERS.decrypt(k, s, expected, null, null, null).data()).isEqualTo(plain);
    }

    @Test
    void aesCbcPkcs5_oasisTestCaseCsBcM11_matchesVector() throws Exception {
        // OASIS test case CS-BC-M-11: AES-128 CBC PKCS5 with a client IV; a zero IV changes only the first block
        StoredObject k = symmetric("0123456789abcdef0123456789abcdef", CryptographicAlgorithm.AES);
        CipherSpec s = spec(Algorithm.AES, Mode.CBC, Padding.PKCS5);
        byte[] plain = hex("010203040506070809101112131415160102030405060708091011121314151601");
        byte[] c = hex("e768203ba72b6e157daaad34b1e791d8e88457dc147942f01bfaff7b28a3cdde2203d4d5a4c7928ba9e9cc78b66a6546");
        assertThat(CIPHERS.encrypt(k, s, plain, hex("FF020304050607080910111213141516"), null).data()).isEqualTo(c);
        assertThat(CIPHERS.decrypt(k, s, c, new byte[16], null, null).data())
                .isEqualTo(hex("fe0000000000000000000000000000000102030405060708091011121314151601"));
    }

    @Test
    void cbc_withoutIv_drawsAndReturnsSixteenBytes() throws Exception {
        StoredObject k = symmetric(SP800_38A_KEY256, CryptographicAlgorithm.AES);
        CipherSpec s = spec(Algorithm.AES, Mode.CBC, Padding.PKCS5);
        byte[] plain = new byte[32];
        CipherResult enc = CIPHERS.encrypt(k, s, plain, null, null);
        assertThat(enc.iv()).hasSize(16);
        assertThat(enc.data()).hasSize(48);
        assertThat(CIPHERS.decrypt(k, s, enc.data(), enc.iv(), null, null).data()).isEqualTo(plain);
        assertThat(CIPHERS.encrypt(k, s, plain, null, null).iv()).as("a fresh IV each time").isNotEqualTo(enc.iv());
    }

    @Test
    void rsa_oaepSha256AndPkcs1_roundTrip() throws Exception {
        StoredObject pub = TestKeys.asymmetric(ObjectType.PUBLIC_KEY, KeyFormatType.X_509, rsa.getPublic().getEncoded());
        StoredObject priv = TestKeys.asymmetric(ObjectType.PRIVATE_KEY, KeyFormatType.PKCS_8, rsa.getPrivate().getEncoded());
        byte[] secret = hex("00112233445566778899aabbccddeeff");
        for (CipherSpec s : new CipherSpec[] {
                CipherSpec.of(Algorithm.RSA, Mode.NONE, Padding.OAEP, 0, Hash.SHA_256, Hash.SHA_256, false, 0),
                CipherSpec.of(Algorithm.RSA, Mode.NONE, Padding.OAEP, 0, null, null, false, 0),
                spec(Algorithm.RSA, Mode.NONE, Padding.PKCS1_V1_5)}) {
            CipherResult enc = CIPHERS.encrypt(pub, s, secret, null, null);
            assertThat(enc.data()).as(s.toString()).hasSize(256);
            assertThat(CIPHERS.decrypt(priv, s, enc.data(), null, null, null).data()).as(s.toString()).isEqualTo(secret);
        }
        // OAEP with SHA-256 is not OAEP with SHA-1: the label hash check fails
        CipherResult enc = CIPHERS.encrypt(pub, CipherSpec.of(Algorithm.RSA, Mode.NONE, Padding.OAEP, 0, Hash.SHA_256, Hash.SHA_256,
                false, 0), secret, null, null);
        fails(ResultReason.CRYPTOGRAPHIC_FAILURE, () -> CIPHERS.decrypt(priv, spec(Algorithm.RSA, Mode.NONE, Padding.OAEP), enc.data(),
                null, null, null));
    }

    @Test
    void rsa_oaepWithLabel_matchesTheJdkAndNeedsTheSameLabelToDecrypt() throws Exception {
        StoredObject priv = TestKeys.asymmetric(ObjectType.PRIVATE_KEY, KeyFormatType.PKCS_8, rsa.getPrivate().getEncoded());
        byte[] label = "Kilroy was here".getBytes(StandardCharsets.US_ASCII);
        byte[] secret = hex("00112233445566778899aabbccddeeff");
        CipherSpec labelled = CipherSpec.of(Algorithm.RSA, Mode.NONE, Padding.OAEP, 0, Hash.SHA_384, Hash.SHA_256, false, 0)
                .withOaepLabel(label);
        javax.crypto.Cipher jdk = javax.crypto.Cipher.getInstance("RSA/ECB/OAEPPadding");
        jdk.init(javax.crypto.Cipher.ENCRYPT_MODE, rsa.getPublic(), new javax.crypto.spec.OAEPParameterSpec("SHA-384", "MGF1",
                java.security.spec.MGF1ParameterSpec.SHA256, new javax.crypto.spec.PSource.PSpecified(label)));
        byte[] byJdk = jdk.doFinal(secret);
        assertThat(CIPHERS.decrypt(priv, labelled, byJdk, null, null, null).data()).isEqualTo(secret);
        CipherSpec unlabelled = CipherSpec.of(Algorithm.RSA, Mode.NONE, Padding.OAEP, 0, Hash.SHA_384, Hash.SHA_256, false, 0);
        fails(ResultReason.CRYPTOGRAPHIC_FAILURE, () -> CIPHERS.decrypt(priv, unlabelled, byJdk, null, null, null));
        fails(ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS, () -> spec(Algorithm.RSA, Mode.NONE, Padding.PKCS1_V1_5).withOaepLabel(label));
    }

    @Test
    void rsa_wrongObjectType_isInvalidObjectType() throws Exception {
        StoredObject priv = TestKeys.asymmetric(ObjectType.PRIVATE_KEY, KeyFormatType.PKCS_8, rsa.getPrivate().getEncoded());
        fails(ResultReason.INVALID_OBJECT_TYPE, () -> CIPHERS.encrypt(priv, spec(Algorithm.RSA, Mode.NONE, Padding.OAEP),
                new byte[4], null, null));
    }

    // --- failures

    interface Call {
        Object run() throws Exception;
    }

    static KmipException fails(ResultReason reason, Call call) {
        KmipException e = catchThrowableOfType(KmipException.class, call::run);
        assertThat(e).as("should fail with " + reason.specName()).isNotNull();
        assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
        return e;
    }

    @Test
    void gcm_wrongTag_isCryptographicFailure() throws Exception {
        StoredObject k = symmetric(GCM_KEY, CryptographicAlgorithm.AES);
        CipherSpec s = spec(Algorithm.AES, Mode.GCM, Padding.NONE);
        byte[] tag = hex("5bc94fbc3221a5db94fae95ae7121a47");
        tag[0] ^= 1;
        KmipException e = fails(ResultReason.CRYPTOGRAPHIC_FAILURE, () -> CIPHERS.decrypt(k, s, hex("42831ec2217774244b7221b784d0d49c"
                + "e3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"),
                hex("cafebabefacedbaddecaf888"), hex(GCM_AAD), tag));
        assertThat(e.getMessage()).contains("Authenticated Encryption Tag");
    }

    @Test
    void gcm_wrongKeyOrTruncatedCiphertext_isCryptographicFailure() throws Exception {
        StoredObject k = symmetric(GCM_KEY, CryptographicAlgorithm.AES);
        StoredObject other = symmetric("00000000000000000000000000000000", CryptographicAlgorithm.AES);
        CipherSpec s = spec(Algorithm.AES, Mode.GCM, Padding.NONE);
        CipherResult enc = CIPHERS.encrypt(k, s, hex(GCM_PLAIN), null, null);
        fails(ResultReason.CRYPTOGRAPHIC_FAILURE, () -> CIPHERS.decrypt(other, s, enc.data(), enc.iv(), null, enc.tag()));
        fails(ResultReason.CRYPTOGRAPHIC_FAILURE, () -> CIPHERS.decrypt(k, s, Arrays.copyOf(enc.data(), 40), enc.iv(), null, enc.tag()));
        fails(ResultReason.MISSING_DATA, () -> CIPHERS.decrypt(k, s, enc.data(), enc.iv(), null, null));
        fails(ResultReason.INVALID_FIELD, () -> CIPHERS.decrypt(k, s, enc.data(), enc.iv(), null, Arrays.copyOf(enc.tag(), 12)));
    }

    @Test
    void cbc_wrongKeyOrTruncated_isCryptographicFailure() throws Exception {
        StoredObject k = symmetric(SP800_38A_KEY128, CryptographicAlgorithm.AES);
        StoredObject other = symmetric(SP800_38A_KEY256, CryptographicAlgorithm.AES);
        CipherSpec s = spec(Algorithm.AES, Mode.CBC, Padding.PKCS5);
        byte[] plain = "a secret of no particular length".getBytes(StandardCharsets.US_ASCII);
        CipherResult enc = CIPHERS.encrypt(k, s, plain, null, null);
        // a wrong key makes bad padding with probability ~255/256; several distinct keys make it certain enough
        int failures = 0;
        for (int i = 0; i < 8; i++) {
            StoredObject wrong = symmetric(String.format("%032x", i + 1), CryptographicAlgorithm.AES);
            try {
                CIPHERS.decrypt(wrong, s, enc.data(), enc.iv(), null, null);
            } catch (KmipException e) {
                assertThat(e.reason()).isEqualTo(ResultReason.CRYPTOGRAPHIC_FAILURE);
                failures++;
            }
        }
        assertThat(failures).isGreaterThanOrEqualTo(6);
        fails(ResultReason.CRYPTOGRAPHIC_FAILURE, () -> CIPHERS.decrypt(k, s, Arrays.copyOf(enc.data(), enc.data().length - 3),
                enc.iv(), null, null));
        fails(ResultReason.CRYPTOGRAPHIC_FAILURE, () -> CIPHERS.decrypt(other, spec(Algorithm.AES, Mode.KEY_WRAP, Padding.NONE),
                hex("1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5"), null, null, null));
    }

    @Test
    void wrongIvLength_isInvalidField() throws Exception {
        StoredObject k = symmetric(SP800_38A_KEY128, CryptographicAlgorithm.AES);
        KmipException e = fails(ResultReason.INVALID_FIELD, () -> CIPHERS.encrypt(k, spec(Algorithm.AES, Mode.CBC, Padding.PKCS5),
                new byte[16], new byte[8], null));
        assertThat(e.getMessage()).isEqualTo("IV/Counter/Nonce is 8 bytes (expected: 16 for AES CBC)");
        fails(ResultReason.INVALID_FIELD, () -> CIPHERS.decrypt(k, spec(Algorithm.AES, Mode.CTR, Padding.NONE), new byte[16],
                new byte[12], null, null));
        fails(ResultReason.INVALID_FIELD, () -> CIPHERS.encrypt(k, spec(Algorithm.AES, Mode.ECB, Padding.NONE), new byte[16],
                new byte[16], null));
        fails(ResultReason.INVALID_MESSAGE, () -> CIPHERS.decrypt(k, spec(Algorithm.AES, Mode.CBC, Padding.PKCS5), new byte[16],
                null, null, null));
    }

    @Test
    void noPadding_unalignedData_isInvalidField() throws Exception {
        StoredObject k = symmetric(SP800_38A_KEY128, CryptographicAlgorithm.AES);
        KmipException e = fails(ResultReason.INVALID_FIELD, () -> CIPHERS.encrypt(k, spec(Algorithm.AES, Mode.CBC, Padding.NONE),
                new byte[33], null, null));
        assertThat(e.getMessage()).isEqualTo("Data is 33 bytes, not a multiple of the 16-byte block, and Padding Method is None");
        fails(ResultReason.INVALID_FIELD, () -> CIPHERS.encrypt(k, spec(Algorithm.AES, Mode.ECB, Padding.NONE), new byte[15], null, null));
        fails(ResultReason.CRYPTOGRAPHIC_FAILURE, () -> CIPHERS.decrypt(k, spec(Algorithm.AES, Mode.ECB, Padding.NONE), new byte[15],
                null, null, null));
    }

    @Test
    void additionalDataWithoutAead_andWrongKeyLength_areRefused() throws Exception {
        StoredObject k = symmetric(SP800_38A_KEY128, CryptographicAlgorithm.AES);
        fails(ResultReason.INVALID_FIELD, () -> CIPHERS.encrypt(k, spec(Algorithm.AES, Mode.CBC, Padding.PKCS5), new byte[3],
                null, new byte[4]));
        StoredObject odd = symmetric("00112233445566778899", CryptographicAlgorithm.AES);
        fails(ResultReason.CRYPTOGRAPHIC_FAILURE, () -> CIPHERS.encrypt(odd, spec(Algorithm.AES, Mode.CBC, Padding.PKCS5), new byte[3],
                null, null));
    }

    @Test
    void keyWrapAndRsa_cannotStream() throws Exception {
        StoredObject k = symmetric(SP800_38A_KEY128, CryptographicAlgorithm.AES);
        CipherStream s = CIPHERS.startEncrypt(k, spec(Algorithm.AES, Mode.KEY_WRAP, Padding.NONE), null, null, "k1");
        fails(ResultReason.FEATURE_NOT_SUPPORTED, () -> s.update(new byte[16]));
    }

    @Test
    void streamedGcmDecrypt_overTheBound_isRefused() throws Exception {
        StoredObject k = symmetric(GCM_KEY, CryptographicAlgorithm.AES);
        CipherStream s = CIPHERS.startDecrypt(k, spec(Algorithm.AES, Mode.GCM, Padding.NONE), new byte[12], null, "k1");
        byte[] part = new byte[8 * 1024 * 1024];
        s.update(part);
        s.update(part);
        fails(ResultReason.INVALID_FIELD, () -> s.update(new byte[1]));
        s.close();
        assertThat(s.bufferedBytes()).isZero();
    }

    @Test
    void result_toString_hidesContents() {
        CipherResult r = new CipherResult(hex("deadbeef"), null, hex("0102"));
        assertThat(r.toString()).isEqualTo("CipherResult[data 4 bytes, tag 2 bytes]");
    }
}
