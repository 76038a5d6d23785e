package io.keyhold.server.crypto.derive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.BlockCipherMode;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.DerivationMethod;
import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.PaddingMethod;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoredObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyDerivationTest {
    private static final HexFormat HEX = HexFormat.of();

    static StoredObject symmetric(byte[] key, CryptographicAlgorithm alg) {
        TtlvItem object = TtlvItem.structure(Tag.SYMMETRIC_KEY, TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.RAW.value()),
                TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, key)),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, alg.value()),
                TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, key.length * 8)));
        return new StoredObject("base", "client1", StorageStatus.ONLINE, List.of(
                KmipAttribute.of(TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value())),
                KmipAttribute.of(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, alg.value()))), object);
    }

    static StoredObject secretData(byte[] secret) {
        TtlvItem object = TtlvItem.structure(Tag.SECRET_DATA, TtlvItem.enumeration(Tag.SECRET_DATA_TYPE, 1),
                TtlvItem.structure(Tag.KEY_BLOCK, TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.OPAQUE.value()),
                        TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, secret))));
        return new StoredObject("base", "client1", StorageStatus.ONLINE, List.of(
                KmipAttribute.of(TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SECRET_DATA.value()))), object);
    }

    static TtlvItem params(HashingAlgorithm hash, TtlvItem... more) {
        List<TtlvItem> c = new ArrayList<>();
        if (hash != null) {
            c.add(TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS, TtlvItem.enumeration(Tag.HASHING_ALGORITHM, hash.value())));
        }
        c.addAll(List.of(more));
        return TtlvItem.structure(Tag.DERIVATION_PARAMETERS, c);
    }

    static TtlvItem data(byte[] d) {
        return TtlvItem.bytes(Tag.DERIVATION_DATA, d);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static KmipException fails(ResultReason reason, int method, TtlvItem params, int bits) {
        KmipException e = catchThrowableOfType(KmipException.class, () -> DerivationSpec.of(method, params, bits));
        assertThat(e).isNotNull();
        assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
        return e;
    }

    @Test
    void pbkdf2_fromSecretData_matchesRfc6070() throws Exception {
        DerivationSpec spec = DerivationSpec.of(DerivationMethod.PBKDF2.value(), params(HashingAlgorithm.SHA_1,
                TtlvItem.bytes(Tag.SALT, ascii("salt")), TtlvItem.integer(Tag.ITERATION_COUNT, 4096)), 160);
        // RFC 6070 section 2, c = 4096
        assertThat(HEX.formatHex(KeyDerivation.derive(spec, secretData(ascii("password")))))
                .isEqualTo("4b007901b765489abead49d926f721d065a429c1");
    }

    @Test
    void pbkdf2_withoutHash_usesHmacSha1() throws Exception {
        DerivationSpec spec = DerivationSpec.of(DerivationMethod.PBKDF2.value(), params(null,
                TtlvItem.bytes(Tag.SALT, ascii("salt")), TtlvItem.integer(Tag.ITERATION_COUNT, 2)), 160);
        // RFC 6070 section 2, c = 2
        assertThat(HEX.formatHex(KeyDerivation.derive(spec, secretData(ascii("password")))))
                .isEqualTo("ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957");
    }

    @Test
    void pbkdf2_hmacAlgorithmAsPrf_isAccepted() throws Exception {
        TtlvItem p = TtlvItem.structure(Tag.DERIVATION_PARAMETERS,
                TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS,
                        TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.HMAC_SHA256.value())),
                TtlvItem.bytes(Tag.SALT, ascii("salt")), TtlvItem.integer(Tag.ITERATION_COUNT, 1));
        // RFC 7914 section 11, first 32 bytes of the c = 1 vector
        assertThat(HEX.formatHex(KeyDerivation.derive(DerivationSpec.of(1, p, 256), secretData(ascii("passwd")))))
                .isEqualTo("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
    }

    @Test
    void hash_sha256OfTheKey_matchesFips180Example() throws Exception {
        DerivationSpec spec = DerivationSpec.of(DerivationMethod.HASH.value(), params(HashingAlgorithm.SHA_256), 256);
        // FIPS 180-2 appendix B.1: SHA-256("abc")
        assertThat(HEX.formatHex(KeyDerivation.derive(spec, secretData(ascii("abc")))))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        DerivationSpec split = DerivationSpec.of(DerivationMethod.HASH.value(), params(HashingAlgorithm.SHA_256, data(ascii("c"))), 128);
        assertThat(HEX.formatHex(KeyDerivation.derive(split, secretData(ascii("ab"))))).isEqualTo("ba7816bf8f01cfea414140de5dae2223");
    }

    @Test
    void hmac_matchesRfc4231TestCase2() throws Exception {
        DerivationSpec spec = DerivationSpec.of(DerivationMethod.HMAC.value(),
                params(HashingAlgorithm.SHA_256, data(ascii("what do ya want for nothing?"))), 256);
        assertThat(HEX.formatHex(KeyDerivation.derive(spec, secretData(ascii("Jefe")))))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void encrypt_aes128Ecb_matchesFips197AppendixC1() throws Exception {
        DerivationSpec spec = DerivationSpec.of(DerivationMethod.ENCRYPT.value(), params(null,
                data(HEX.parseHex("00112233445566778899aabbccddeeff"))), 128);
        StoredObject key = symmetric(HEX.parseHex("000102030405060708090a0b0c0d0e0f"), CryptographicAlgorithm.AES);
        assertThat(HEX.formatHex(KeyDerivation.derive(spec, key))).isEqualTo("69c4e0d86a7b0430d8cdb78070b4c55a");
    }

    @Test
    void encrypt_cbcWithIv_isCbc() throws Exception {
        TtlvItem cbc = TtlvItem.structure(Tag.DERIVATION_PARAMETERS,
                TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS,
                        TtlvItem.enumeration(Tag.BLOCK_CIPHER_MODE, BlockCipherMode.CBC.value()),
                        TtlvItem.enumeration(Tag.PADDING_METHOD, PaddingMethod.NONE.value())),
                TtlvItem.bytes(Tag.INITIALIZATION_VECTOR, HEX.parseHex("000102030405060708090a0b0c0d0e0f")),
                data(HEX.parseHex("6bc1bee22e409f96e93d7e117393172a")));
        StoredObject key = symmetric(HEX.parseHex("2b7e151628aed2a6abf7158809cf4f3c"), CryptographicAlgorithm.AES);
        // NIST SP 800-38A F.2.1 CBC-AES128.Encrypt, block 1
        assertThat(HEX.formatHex(KeyDerivation.derive(DerivationSpec.of(4, cbc, 128), key)))
                .isEqualTo("7649abac8119b246cee98e9b12e9197d");
    }

    @Test
    void encrypt_secretDataBase_isInvalidField() throws Exception {
        DerivationSpec spec = DerivationSpec.of(4, params(null, data(new byte[16])), 128);
        KmipException e = catchThrowableOfType(KmipException.class, () -> KeyDerivation.derive(spec, secretData(new byte[16])));
        assertThat(e.reason()).isEqualTo(ResultReason.INVALID_FIELD);
    }

    @Test
    void hkdfAndCounterMode_differAndAreDeterministic() throws Exception {
        StoredObject base = symmetric(new byte[32], CryptographicAlgorithm.HMAC_SHA256);
        DerivationSpec hkdf = DerivationSpec.of(DerivationMethod.HKDF.value(), params(null, data(ascii("info"))), 256);
        DerivationSpec kbkdf = DerivationSpec.of(DerivationMethod.NIST800_108_C.value(), params(null, data(ascii("info"))), 256);
        assertThat(KeyDerivation.derive(hkdf, base)).isEqualTo(KeyDerivation.derive(hkdf, base))
                .isNotEqualTo(KeyDerivation.derive(kbkdf, base)).hasSize(32);
    }

    @Test
    void deriveObject_symmetricKeyAndSecretData_haveTheirStructures() throws Exception {
        DerivationSpec spec = DerivationSpec.of(DerivationMethod.HKDF.value(), params(null), 192);
        TtlvItem key = KeyDerivation.deriveObject(spec, secretData(ascii("x")), ObjectType.SYMMETRIC_KEY.value(),
                CryptographicAlgorithm.AES.value());
        TtlvItem block = key.child(Tag.KEY_BLOCK).orElseThrow();
        assertThat(key.tag()).isEqualTo(Tag.SYMMETRIC_KEY);
        assertThat(block.child(Tag.KEY_FORMAT_TYPE).orElseThrow().enumValue()).isEqualTo(KeyFormatType.RAW.value());
        assertThat(block.child(Tag.KEY_VALUE).orElseThrow().child(Tag.KEY_MATERIAL).orElseThrow().bytesLength()).isEqualTo(24);
        assertThat(block.child(Tag.CRYPTOGRAPHIC_LENGTH).orElseThrow().intValue()).isEqualTo(192);
        TtlvItem secret = KeyDerivation.deriveObject(spec, secretData(ascii("x")), ObjectType.SECRET_DATA.value(), -1);
        assertThat(secret.tag()).isEqualTo(Tag.SECRET_DATA);
        assertThat(secret.child(Tag.SECRET_DATA_TYPE).orElseThrow().enumValue()).isEqualTo(2);
    }

    @Test
    void spec_badParameters_failWithExactReasons() {
        fails(ResultReason.MISSING_DATA, 1, params(null, TtlvItem.integer(Tag.ITERATION_COUNT, 1)), 128);
        fails(ResultReason.MISSING_DATA, 1, params(null, TtlvItem.bytes(Tag.SALT, new byte[8])), 128);
        fails(ResultReason.INVALID_FIELD, 1, params(null, TtlvItem.bytes(Tag.SALT, new byte[8]),
                TtlvItem.integer(Tag.ITERATION_COUNT, 0)), 128);
        fails(ResultReason.INVALID_FIELD, 1, params(null, TtlvItem.bytes(Tag.SALT, new byte[8]),
                TtlvItem.integer(Tag.ITERATION_COUNT, DerivationSpec.MAX_ITERATIONS + 1)), 128);
        fails(ResultReason.INVALID_FIELD, 1, params(null, TtlvItem.bytes(Tag.SALT, new byte[8]),
                TtlvItem.integer(Tag.ITERATION_COUNT, 1), data(new byte[1])), 128);
        fails(ResultReason.INVALID_FIELD, 10, params(null), 100);
        fails(ResultReason.INVALID_FIELD, 10, params(null), 0);
        fails(ResultReason.MISSING_DATA, DerivationMethod.HASH.value(), params(null), 128);
        fails(ResultReason.INVALID_FIELD, DerivationMethod.HASH.value(), params(HashingAlgorithm.SHA_256), 264);
        fails(ResultReason.MISSING_DATA, DerivationMethod.HMAC.value(), params(HashingAlgorithm.SHA_256), 128);
        fails(ResultReason.MISSING_DATA, DerivationMethod.ENCRYPT.value(), params(null), 128);
        fails(ResultReason.INVALID_FIELD, DerivationMethod.ENCRYPT.value(), params(null, data(new byte[8])), 128);
        fails(ResultReason.MISSING_DATA, DerivationMethod.NIST800_108_C.value(), params(null), 128);
        fails(ResultReason.FEATURE_NOT_SUPPORTED, DerivationMethod.NIST800_108_F.value(), params(null), 128);
        fails(ResultReason.FEATURE_NOT_SUPPORTED, DerivationMethod.ASYMMETRIC_KEY.value(), params(null), 128);
        fails(ResultReason.FEATURE_NOT_SUPPORTED, DerivationMethod.HASH.value(), params(HashingAlgorithm.MD2), 128);
        fails(ResultReason.INVALID_FIELD, 0x99, params(null), 128);
    }

    @Test
    void spec_toString_hidesSaltAndData() throws Exception {
        DerivationSpec spec = DerivationSpec.of(1, params(null, TtlvItem.bytes(Tag.SALT, ascii("SECRETSALT")),
                TtlvItem.integer(Tag.ITERATION_COUNT, 3)), 128);
        assertThat(spec.toString()).contains("PBKDF2").doesNotContain("SECRETSALT").doesNotContain(HEX.formatHex(ascii("SECRETSALT")));
    }
}
