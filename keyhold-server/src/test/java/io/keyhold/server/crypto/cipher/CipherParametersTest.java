package io.keyhold.server.crypto.cipher;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.BlockCipherMode;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.PaddingMethod;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.cipher.CipherSpec.Algorithm;
import io.keyhold.server.crypto.cipher.CipherSpec.Hash;
import io.keyhold.server.crypto.cipher.CipherSpec.Mode;
import io.keyhold.server.crypto.cipher.CipherSpec.Padding;
import org.junit.jupiter.api.Test;

class CipherParametersTest {
    private static final int AES = CryptographicAlgorithm.AES.value();

    private static TtlvItem params(TtlvItem... fields) {
        return TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS, fields);
    }

    private static TtlvItem mode(BlockCipherMode m) {
        return TtlvItem.enumeration(Tag.BLOCK_CIPHER_MODE, m.value());
    }

    private static TtlvItem padding(PaddingMethod p) {
        return TtlvItem.enumeration(Tag.PADDING_METHOD, p.value());
    }

    @Test
    void noParameters_aesIsCbcPkcs5() throws Exception {
        CipherSpec s = CipherParameters.resolve(null, null, AES);
        assertThat(s).isEqualTo(CipherSpec.of(Algorithm.AES, Mode.CBC, Padding.PKCS5, 0, null, null, false, 0));
        assertThat(s.ivLengthBytes()).isEqualTo(16);
    }

    @Test
    void noRequestParameters_objectAttributeApplies() throws Exception {
        CipherSpec s = CipherParameters.resolve(null, params(mode(BlockCipherMode.GCM), TtlvItem.integer(Tag.TAG_LENGTH, 12)), AES);
        assertThat(s.mode()).isEqualTo(Mode.GCM);
        assertThat(s.tagLengthBytes()).isEqualTo(12);
        assertThat(s.ivLengthBytes()).isEqualTo(12);
    }

    @Test
    void requestParameters_overrideObjectAttribute_andAbsentPaddingIsNone() throws Exception {
        CipherSpec s = CipherParameters.resolve(params(mode(BlockCipherMode.ECB)), params(mode(BlockCipherMode.GCM)), AES);
        assertThat(s.mode()).isEqualTo(Mode.ECB);
        assertThat(s.padding()).isEqualTo(Padding.NONE);
    }

    @Test
    void chacha20Key_isPlainChaCha20_unlessTheModeIsAead() throws Exception {
        int chacha = CryptographicAlgorithm.CHACHA20.value();
        assertThat(CipherParameters.resolve(null, null, chacha).algorithm()).isEqualTo(Algorithm.CHACHA20);
        assertThat(CipherParameters.resolve(null, null, chacha).ivLengthBytes()).isEqualTo(16);
        assertThat(CipherParameters.resolve(params(mode(BlockCipherMode.AEAD)), null, chacha).algorithm())
                .isEqualTo(Algorithm.CHACHA20_POLY1305);
        assertThat(CipherParameters.resolve(null, null, CryptographicAlgorithm.CHACHA20POLY1305.value()).mode()).isEqualTo(Mode.AEAD);
    }

    @Test
    void rsaOaep_takesHashes() throws Exception {
        CipherSpec s = CipherParameters.resolve(params(padding(PaddingMethod.OAEP),
                TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA_256.value()),
                TtlvItem.enumeration(Tag.MASK_GENERATOR_HASHING_ALGORITHM, HashingAlgorithm.SHA_256.value())), null,
                CryptographicAlgorithm.RSA.value());
        assertThat(s).isEqualTo(CipherSpec.of(Algorithm.RSA, Mode.NONE, Padding.OAEP, 0, Hash.SHA_256, Hash.SHA_256, false, 0));
        assertThat(CipherParameters.resolve(null, null, CryptographicAlgorithm.RSA.value()).toString())
                .isEqualTo("RSA/NONE/OAEP, OAEP SHA_1 MGF1 SHA_1");
    }

    @Test
    void rsaOaep_pSourceIsTheLabel_andIgnoredWithPkcs1() throws Exception {
        byte[] label = "Kilroy was here".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int rsa = CryptographicAlgorithm.RSA.value();
        CipherSpec s = CipherParameters.resolve(null, params(padding(PaddingMethod.OAEP),
                TtlvItem.bytes(Tag.P_SOURCE, label)), rsa);
        assertThat(s.oaepLabel()).isEqualTo(label);
        assertThat(s).isNotEqualTo(CipherParameters.resolve(null, params(padding(PaddingMethod.OAEP)), rsa));
        assertThat(s.toString()).endsWith("label 15 bytes");
        CipherSpec pkcs1 = CipherParameters.resolve(params(padding(PaddingMethod.PKCS1_V1_5), TtlvItem.bytes(Tag.P_SOURCE, label)),
                null, rsa);
        assertThat(pkcs1.oaepLabel()).isEmpty();
        fails(ResultReason.INVALID_MESSAGE, params(padding(PaddingMethod.OAEP), TtlvItem.text(Tag.P_SOURCE, "label")), rsa);
    }

    private static void fails(ResultReason reason, TtlvItem p, int algorithm) {
        try {
            CipherParameters.resolve(p, null, algorithm);
        } catch (KmipException e) {
            assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
            return;
        }
        throw new AssertionError("expected " + reason.specName());
    }

    @Test
    void unsupportedAndBadCombinations_haveTheirReasons() {
        fails(ResultReason.UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS, params(mode(BlockCipherMode.CFB)), AES);
        fails(ResultReason.UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS, params(mode(BlockCipherMode.CBC), padding(PaddingMethod.ANSI_X9_23)), AES);
        fails(ResultReason.UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS, params(mode(BlockCipherMode.CTR), TtlvItem.integer(Tag.COUNTER_LENGTH, 32)), AES);
        fails(ResultReason.UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS, null, CryptographicAlgorithm.HMAC_SHA256.value());
        fails(ResultReason.GENERAL_FAILURE, params(mode(BlockCipherMode.GCM), TtlvItem.integer(Tag.TAG_LENGTH, 1)), AES);
        fails(ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS, params(mode(BlockCipherMode.GCM), padding(PaddingMethod.PKCS5)), AES);
        fails(ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS, params(padding(PaddingMethod.OAEP)), AES);
        fails(ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS, params(mode(BlockCipherMode.ECB), TtlvItem.bool(Tag.RANDOM_IV, true)), AES);
        fails(ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS, params(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM,
                CryptographicAlgorithm.DES3.value())), AES);
        fails(ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS, params(mode(BlockCipherMode.CBC)), CryptographicAlgorithm.CHACHA20POLY1305.value());
        fails(ResultReason.INVALID_MESSAGE, params(TtlvItem.integer(Tag.BLOCK_CIPHER_MODE, 1)), AES);
        fails(ResultReason.GENERAL_FAILURE, params(mode(BlockCipherMode.AEAD), TtlvItem.integer(Tag.TAG_LENGTH, 32)),
                CryptographicAlgorithm.CHACHA20POLY1305.value());
    }
}
