package io.keyhold.server.crypto.derive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.stream.Stream;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.generators.KDFCounterBytesGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KDFCounterParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KdfsTest {
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] hex(String s) {
        return HEX.parseHex(s.replace(" ", ""));
    }

    private static byte[] range(int from, int toInclusive) {
        byte[] b = new byte[toInclusive - from + 1];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    /** RFC 6070 section 2 (PBKDF2-HMAC-SHA1); the 16,777,216-iteration case is left out for time. */
    static Stream<Arguments> rfc6070() {
        return Stream.of(
                Arguments.of("password", "salt", 1, 20, "0c60c80f961f0e71f3a9b524af6012062fe037a6"),
                Arguments.of("password", "salt", 2, 20, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"),
                Arguments.of("password", "salt", 4096, 20, "4b007901b765489abead49d926f721d065a429c1"),
                Arguments.of("passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096, 25,
                        "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038"),
                Arguments.of("pass\0word", "sa\0lt", 4096, 16, "56fa6aa75548099dcc37d7f03425e0c3"));
    }

    @ParameterizedTest
    @MethodSource("rfc6070")
    void pbkdf2_rfc6070Vectors_match(String password, String salt, int iterations, int length, String expected) throws Exception {
        assertThat(HEX.formatHex(Kdfs.pbkdf2("HmacSHA1", ascii(password), ascii(salt), iterations, length))).isEqualTo(expected);
    }

    /** RFC 7914 section 11 (PBKDF2-HMAC-SHA256). */
    static Stream<Arguments> rfc7914() {
        return Stream.of(
                Arguments.of("passwd", "salt", 1, "55 ac 04 6e 56 e3 08 9f ec 16 91 c2 25 44 b6 05 f9 41 85 21 6d de 04 65 e6 8b 9d 57 c2 0d ac bc"
                        + " 49 ca 9c cc f1 79 b6 45 99 16 64 b3 9d 77 ef 31 7c 71 b8 45 b1 e3 0b d5 09 11 20 41 d3 a1 97 83"),
                Arguments.of("Password", "NaCl", 80000, "4d dc d8 f6 0b 98 be 21 83 0c ee 5e f2 27 01 f9 64 1a 44 18 d0 4c 04 14 ae ff 08 87 6b 34 ab 56"
                        + " a1 d4 25 a1 22 58 33 54 9a db 84 1b 51 c9 b3 17 6a 27 2b de bb a1 d0 78 47 8f 62 b3 97 f3 3c 8d"));
    }

    @ParameterizedTest
    @MethodSource("rfc7914")
    void pbkdf2_rfc7914Sha256Vectors_match(String password, String salt, int iterations, String expected) throws Exception {
        assertThat(Kdfs.pbkdf2("HmacSHA256", ascii(password), ascii(salt), iterations, 64)).isEqualTo(hex(expected));
    }

    @Test
    void pbkdf2_asciiPassword_agreesWithTheJdkSecretKeyFactory() throws Exception {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        byte[] jdk = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
                .generateSecret(new PBEKeySpec("correct horse".toCharArray(), salt, 1000, 600)).getEncoded();
        assertThat(Kdfs.pbkdf2("HmacSHA512", ascii("correct horse"), salt, 1000, 75)).isEqualTo(jdk);
    }

    /** RFC 5869 appendix A, test cases 1-3 (HKDF-SHA256). */
    static Stream<Arguments> rfc5869() {
        byte[] ikm = hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        return Stream.of(
                Arguments.of(ikm, hex("000102030405060708090a0b0c"), hex("f0f1f2f3f4f5f6f7f8f9"), 42,
                        "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
                        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"),
                Arguments.of(range(0x00, 0x4f), range(0x60, 0xaf), range(0xb0, 0xff), 82,
                        "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
                        "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09"
                                + "da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87"),
                Arguments.of(ikm, new byte[0], new byte[0], 42,
                        "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
                        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"));
    }

    @ParameterizedTest
    @MethodSource("rfc5869")
    void hkdf_rfc5869Vectors_match(byte[] ikm, byte[] salt, byte[] info, int length, String prk, String okm) throws Exception {
        assertThat(HEX.formatHex(Kdfs.hkdfExtract("HmacSHA256", salt, ikm))).isEqualTo(prk);
        assertThat(HEX.formatHex(Kdfs.hkdf("HmacSHA256", ikm, salt, info, length))).isEqualTo(okm);
    }

    @Test
    void hkdf_moreThan255Blocks_isRefused() {
        assertThatThrownBy(() -> Kdfs.hkdfExpand("HmacSHA256", new byte[32], new byte[0], 255 * 32 + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hkdf_sha384_agreesWithBouncyCastle() throws Exception {
        byte[] ikm = range(1, 40);
        byte[] salt = range(50, 70);
        byte[] info = ascii("context");
        byte[] expected = new byte[100];
        HKDFBytesGenerator bc = new HKDFBytesGenerator(new SHA384Digest());
        bc.init(new HKDFParameters(ikm, salt, info));
        bc.generateBytes(expected, 0, expected.length);
        assertThat(Kdfs.hkdf("HmacSHA384", ikm, salt, info, 100)).isEqualTo(expected);
    }

    /**
     * No NIST KBKDF CAVP vector is typed in here: the counter-mode KDF is checked against BouncyCastle's
     * independent implementation (counter before the fixed data, r = 32) and for its block structure.
     */
    @ParameterizedTest
    @MethodSource("counterLengths")
    void counterMode_agreesWithBouncyCastle(int lengthBytes) throws Exception {
        byte[] key = range(7, 38);
        byte[] fixed = ascii("label\0context-of-the-derivation");
        KDFCounterBytesGenerator bc = new KDFCounterBytesGenerator(new HMac(new SHA256Digest()));
        bc.init(new KDFCounterParameters(key, fixed, 32));
        byte[] expected = new byte[lengthBytes];
        bc.generateBytes(expected, 0, lengthBytes);
        assertThat(Kdfs.counterMode("HmacSHA256", key, fixed, lengthBytes)).isEqualTo(expected);
    }

    static Stream<Integer> counterLengths() {
        return Stream.of(16, 32, 33, 64, 100);
    }

    @Test
    void counterMode_firstBlockIsHmacOfCounterOneAndFixedInput() throws Exception {
        byte[] key = range(1, 32);
        byte[] fixed = ascii("fixed");
        byte[] expected = Kdfs.hmac("HmacSHA256", key).doFinal(concat(new byte[] {0, 0, 0, 1}, fixed));
        assertThat(Kdfs.counterMode("HmacSHA256", key, fixed, 32)).isEqualTo(expected);
        byte[] second = Kdfs.hmac("HmacSHA256", key).doFinal(concat(new byte[] {0, 0, 0, 2}, fixed));
        byte[] both = Kdfs.counterMode("HmacSHA256", key, fixed, 40);
        assertThat(java.util.Arrays.copyOfRange(both, 32, 40)).isEqualTo(java.util.Arrays.copyOf(second, 8));
    }

    @Test
    void hmac_emptyKey_isTheRfc2104ZeroPaddedKey() throws Exception {
        // RFC 4231 has no empty-key case; HMAC pads any key shorter than the block with zeros, so the empty
        // key and a single zero byte are the same key
        byte[] a = Kdfs.hmac("HmacSHA256", new byte[0]).doFinal(ascii("x"));
        byte[] b = Kdfs.hmac("HmacSHA256", new byte[] {0}).doFinal(ascii("x"));
        assertThat(a).isEqualTo(b);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
