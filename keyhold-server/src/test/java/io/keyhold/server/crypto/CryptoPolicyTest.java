package io.keyhold.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.RecommendedCurve;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.server.crypto.cipher.CipherSpec;
import io.keyhold.server.crypto.split.SplitKeyMethodKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each rule of docs/fips.md with its reference: allowed under FIPS_140, or refused with the right reason. */
class CryptoPolicyTest {
    private static final CryptoPolicy FIPS = CryptoPolicy.FIPS_140;

    private static CryptographicAlgorithm alg(String name) {
        return CryptographicAlgorithm.valueOf(name);
    }

    private static RecommendedCurve curve(String name) {
        return name == null || name.isEmpty() ? null : RecommendedCurve.valueOf(name);
    }

    @ParameterizedTest(name = "new {0} {1} {2}: allowed={3} ({4})")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            AES              | 128  | -          | true  | FIPS 197, SP 800-131A Rev. 2 section 2
            AES              | 192  | -          | true  | FIPS 197
            AES              | 256  | -          | true  | FIPS 197
            DES3             | 168  | -          | false | SP 800-131A Rev. 2 section 2: TDEA encryption disallowed after 2023
            DES              | 64   | -          | false | SP 800-131A Rev. 2 section 2: DES withdrawn
            CHACHA20         | 256  | -          | false | not in SP 800-140C
            CHACHA20POLY1305 | 256  | -          | false | not in SP 800-140C
            CAMELLIA         | 256  | -          | false | not in SP 800-140C
            ARIA             | 128  | -          | false | not in SP 800-140C
            BLOWFISH         | 128  | -          | false | not in SP 800-140C
            SM4              | 128  | -          | false | not in SP 800-140C
            RSA              | 1024 | -          | false | SP 800-131A Rev. 2 section 3: < 2048 disallowed
            RSA              | 2048 | -          | true  | SP 800-131A Rev. 2 section 3
            RSA              | 4096 | -          | true  | SP 800-131A Rev. 2 section 3
            EC               | -    | P_256      | true  | FIPS 186-5, SP 800-186
            ECDSA            | -    | P_384      | true  | FIPS 186-5, SP 800-186
            ECDH             | -    | P_521      | true  | SP 800-56A Rev. 3, SP 800-186
            EC               | -    | P_224      | true  | SP 800-186 section 3.2.1 (112-bit security)
            EC               | 256  | -          | true  | P-256 by length
            EC               | 192  | -          | false | P-192 is below 112 bits (SP 800-131A Rev. 2 section 3)
            ECDSA            | -    | SECP256K1  | false | not an SP 800-186 curve
            EC               | -    | CURVE25519 | false | X25519 is not in SP 800-56A Rev. 3
            ECDH             | -    | CURVE448   | false | X448 is not in SP 800-56A Rev. 3
            ED25519          | -    | -          | true  | FIPS 186-5 section 7
            ED448            | -    | -          | true  | FIPS 186-5 section 7
            HMAC_SHA1        | 160  | -          | true  | FIPS 198-1, SP 800-131A Rev. 2 section 10
            HMAC_SHA256      | 256  | -          | true  | FIPS 198-1
            HMAC_SHA3_512    | 512  | -          | true  | FIPS 198-1, FIPS 202
            HMAC_SHA256      | 80   | -          | false | SP 800-131A Rev. 2 section 10: key < 112 bits disallowed
            HMAC_MD5         | 128  | -          | false | MD5 is not approved
            """)
    void requireNewKey_followsTheTable(String algorithm, Integer bits, String curveName, boolean allowed, String reference) {
        KmipException e = catchThrowableOfType(KmipException.class,
                () -> FIPS.requireNewKey(alg(algorithm).value(), bits, curve(curveName)));
        if (allowed) {
            assertThat(e).as(reference).isNull();
        } else {
            assertThat(e).as(reference).isNotNull();
            assertThat(e.reason()).isEqualTo(ResultReason.INVALID_FIELD);
            assertThat(e.getMessage()).contains("not FIPS 140-approved", "crypto.fips_only");
        }
        assertThatCode(() -> CryptoPolicy.DEFAULT.requireNewKey(alg(algorithm).value(), bits, curve(curveName)))
                .doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "existing {0} {1} for {2}: allowed={3} ({4})")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            DES3             | 168  | DECRYPT | true  | SP 800-131A Rev. 2 section 2: TDEA decryption is legacy use
            DES3             | 168  | UNWRAP  | true  | SP 800-131A Rev. 2 section 2: legacy use
            DES3             | 168  | ENCRYPT | false | SP 800-131A Rev. 2 section 2: disallowed after 2023
            CHACHA20POLY1305 | 256  | ENCRYPT | false | not in SP 800-140C
            CHACHA20POLY1305 | 256  | DECRYPT | false | not in SP 800-140C
            RSA              | 1024 | VERIFY  | true  | SP 800-131A Rev. 2 section 3: verification with 1024 <= n < 2048 is legacy use
            RSA              | 1024 | SIGN    | false | SP 800-131A Rev. 2 section 3
            RSA              | 1024 | DECRYPT | false | SP 800-131A Rev. 2 section 6 (key transport)
            RSA              | 512  | VERIFY  | false | SP 800-131A Rev. 2 section 3
            RSA              | 2048 | ENCRYPT | true  | SP 800-56B Rev. 2
            AES              | 256  | MAC     | true  | SP 800-38B (CMAC)
            AES              | 128  | DERIVE  | true  | SP 800-108 Rev. 1
            HMAC_SHA256      | 256  | DERIVE  | true  | SP 800-108 Rev. 1 / SP 800-56C Rev. 2
            """)
    void requireKey_followsTheTable(String algorithm, int bits, String use, boolean allowed, String reference) {
        KmipException e = catchThrowableOfType(KmipException.class,
                () -> FIPS.requireKey(alg(algorithm).value(), bits, null, CryptoPolicy.Use.valueOf(use)));
        if (allowed) {
            assertThat(e).as(reference).isNull();
        } else {
            assertThat(e).as(reference).isNotNull();
            assertThat(e.reason()).isEqualTo(ResultReason.CRYPTOGRAPHIC_FAILURE);
            assertThat(e.getMessage()).contains("crypto.fips_only");
        }
    }

    @ParameterizedTest(name = "hash {0}: allowed={1} ({2})")
    @CsvSource(delimiter = '|', textBlock = """
            MD5         | false | not approved (SP 800-131A Rev. 2 section 9)
            MD2         | false | not approved
            RIPEMD_160  | false | not in FIPS 180-4 / FIPS 202
            SHA_1       | true  | SP 800-131A Rev. 2 section 9: non-signature uses acceptable
            SHA_256     | true  | FIPS 180-4
            SHA_512_256 | true  | FIPS 180-4
            SHA3_384    | true  | FIPS 202
            """)
    void requireHash_followsTheTable(String hash, boolean allowed, String reference) {
        KmipException e = catchThrowableOfType(KmipException.class,
                () -> FIPS.requireHash(HashingAlgorithm.valueOf(hash).value()));
        if (allowed) {
            assertThat(e).as(reference).isNull();
        } else {
            assertThat(e).as(reference).isNotNull();
            assertThat(e.reason()).isEqualTo(ResultReason.INVALID_FIELD);
        }
    }

    @Test
    void requireCipher_refusesPkcs1v15EncryptionAndTripleDesEncryption_allowsOaepAndAesGcm() throws Exception {
        CipherSpec pkcs1 = CipherSpec.of(CipherSpec.Algorithm.RSA, CipherSpec.Mode.NONE, CipherSpec.Padding.PKCS1_V1_5,
                0, null, null, false, 0);
        // SP 800-131A Rev. 2 section 6: PKCS#1 v1.5 key transport disallowed after 2023
        assertThat(catchThrowableOfType(KmipException.class, () -> FIPS.requireCipher(pkcs1, true)).reason())
                .isEqualTo(ResultReason.INVALID_FIELD);
        CipherSpec tdes = CipherSpec.of(CipherSpec.Algorithm.TRIPLE_DES, CipherSpec.Mode.CBC, CipherSpec.Padding.PKCS5,
                0, null, null, false, 0);
        assertThat(catchThrowableOfType(KmipException.class, () -> FIPS.requireCipher(tdes, true)).reason())
                .isEqualTo(ResultReason.INVALID_FIELD);
        FIPS.requireCipher(tdes, false);
        FIPS.requireCipher(CipherSpec.of(CipherSpec.Algorithm.AES, CipherSpec.Mode.GCM, CipherSpec.Padding.NONE,
                16, null, null, false, 0), true);
        FIPS.requireCipher(CipherSpec.of(CipherSpec.Algorithm.RSA, CipherSpec.Mode.NONE, CipherSpec.Padding.OAEP,
                0, CipherSpec.Hash.SHA_256, CipherSpec.Hash.SHA_256, false, 0), true);
        CryptoPolicy.DEFAULT.requireCipher(pkcs1, true);
    }

    @Test
    void requireSplit_allowsXorOnly() throws Exception {
        FIPS.requireSplit(SplitKeyMethodKind.XOR);
        assertThat(catchThrowableOfType(KmipException.class, () -> FIPS.requireSplit(SplitKeyMethodKind.POLYNOMIAL_GF_2_8))
                .reason()).isEqualTo(ResultReason.INVALID_FIELD);
        CryptoPolicy.DEFAULT.requireSplit(SplitKeyMethodKind.POLYNOMIAL_GF_2_8);
    }

    @Test
    void of_choosesByTheSetting() {
        assertThat(CryptoPolicy.of(true)).isSameAs(CryptoPolicy.FIPS_140);
        assertThat(CryptoPolicy.of(false)).isSameAs(CryptoPolicy.DEFAULT);
        assertThat(CryptoPolicy.FIPS_140.fipsOnly()).isTrue();
        assertThat(CryptoPolicy.DEFAULT.fipsOnly()).isFalse();
    }
}
