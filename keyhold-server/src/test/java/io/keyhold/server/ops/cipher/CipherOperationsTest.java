package io.keyhold.server.ops.cipher;

import static io.keyhold.server.ops.cipher.CipherFixture.bytes;
import static io.keyhold.server.ops.cipher.CipherFixture.data;
import static io.keyhold.server.ops.cipher.CipherFixture.hex;
import static io.keyhold.server.ops.cipher.CipherFixture.iv;
import static io.keyhold.server.ops.cipher.CipherFixture.params;
import static io.keyhold.server.ops.cipher.CipherFixture.tags;
import static io.keyhold.server.ops.cipher.CipherFixture.uid;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.BlockCipherMode;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.PaddingMethod;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.RevocationReasonCode;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.UsageLimitsUnit;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoredObject;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Encrypt, Decrypt, RNG Retrieve and RNG Seed through their handlers, on an in-memory store. */
class CipherOperationsTest {
    private static final int ENCRYPT_DECRYPT = 12;
    private static final String OASIS_KEY = "0123456789abcdef0123456789abcdef";
    private static final List<Integer> ENCRYPT_WITH_IV = List.of(Tag.UNIQUE_IDENTIFIER, Tag.DATA, Tag.IV_COUNTER_NONCE);

    private static TtlvItem mode(BlockCipherMode m) {
        return TtlvItem.enumeration(Tag.BLOCK_CIPHER_MODE, m.value());
    }

    private static TtlvItem padding(PaddingMethod p) {
        return TtlvItem.enumeration(Tag.PADDING_METHOD, p.value());
    }

    private static TtlvItem usageLimits(long total, UsageLimitsUnit unit) {
        return TtlvItem.structure(Tag.USAGE_LIMITS, TtlvItem.longInteger(Tag.USAGE_LIMITS_TOTAL, total),
                TtlvItem.enumeration(Tag.USAGE_LIMITS_UNIT, unit.value()));
    }

    @Test
    void mongoDbAuditLog_v12_noParametersNoIv_cbcWithReturnedIv() throws Exception {
        CipherFixture f = new CipherFixture(KmipVersion.V1_2);
        // MongoDB creates the key with a 1.x Template-Attribute, then activates it
        TtlvItem created = f.run(Operation.CREATE, TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()),
                f.attributes(List.of(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.AES.value()),
                        TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 256), TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK, ENCRYPT_DECRYPT))));
        String key = created.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
        f.run(Operation.ACTIVATE, uid(key));
        byte[] secret = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        TtlvItem enc = f.run(Operation.ENCRYPT, uid(key), data(secret));
        assertThat(tags(enc)).isEqualTo(ENCRYPT_WITH_IV);
        assertThat(bytes(enc, Tag.IV_COUNTER_NONCE)).hasSize(16);
        assertThat(bytes(enc, Tag.DATA)).hasSize(48);
        TtlvItem dec = f.run(Operation.DECRYPT, uid(key), data(bytes(enc, Tag.DATA)), iv(bytes(enc, Tag.IV_COUNTER_NONCE)));
        assertThat(tags(dec)).isEqualTo(List.of(Tag.UNIQUE_IDENTIFIER, Tag.DATA));
        assertThat(bytes(dec, Tag.DATA)).isEqualTo(secret);
    }

    @Test
    void openBao_v14_gcmWithClientIv_decryptWithTag() throws Exception {
        CipherFixture f = new CipherFixture(KmipVersion.V1_4);
        String key = f.symmetricKey("feffe9928665731c6d6a8f9467308308", CryptographicAlgorithm.AES, ENCRYPT_DECRYPT);
        byte[] nonce = hex("cafebabefacedbaddecaf888");
        byte[] aad = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
        TtlvItem gcm = params(mode(BlockCipherMode.GCM), TtlvItem.integer(Tag.TAG_LENGTH, 16));
        byte[] plain = hex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
                + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
        TtlvItem enc = f.run(Operation.ENCRYPT, uid(key), gcm, data(plain), iv(nonce),
                TtlvItem.bytes(Tag.AUTHENTICATED_ENCRYPTION_ADDITIONAL_DATA, aad));
        // GCM spec test case 4
        assertThat(tags(enc)).isEqualTo(List.of(Tag.UNIQUE_IDENTIFIER, Tag.DATA, Tag.AUTHENTICATED_ENCRYPTION_TAG));
        assertThat(bytes(enc, Tag.AUTHENTICATED_ENCRYPTION_TAG)).isEqualTo(hex("5bc94fbc3221a5db94fae95ae7121a47"));
        TtlvItem dec = f.run(Operation.DECRYPT, uid(key), gcm, data(bytes(enc, Tag.DATA)), iv(nonce),
                TtlvItem.bytes(Tag.AUTHENTICATED_ENCRYPTION_ADDITIONAL_DATA, aad),
                TtlvItem.bytes(Tag.AUTHENTICATED_ENCRYPTION_TAG, bytes(enc, Tag.AUTHENTICATED_ENCRYPTION_TAG)));
        assertThat(bytes(dec, Tag.DATA)).isEqualTo(plain);
        byte[] badTag = bytes(enc, Tag.AUTHENTICATED_ENCRYPTION_TAG);
        badTag[15] ^= 0x40;
        f.fails(ResultReason.CRYPTOGRAPHIC_FAILURE, Operation.DECRYPT, uid(key), gcm, data(bytes(enc, Tag.DATA)), iv(nonce),
                TtlvItem.bytes(Tag.AUTHENTICATED_ENCRYPTION_ADDITIONAL_DATA, aad), TtlvItem.bytes(Tag.AUTHENTICATED_ENCRYPTION_TAG, badTag));
        f.fails(ResultReason.MISSING_DATA, Operation.DECRYPT, uid(key), gcm, data(bytes(enc, Tag.DATA)), iv(nonce));
    }

    @Test
    void authenticatedModes_before14_areNotSupported() throws Exception {
        CipherFixture f = new CipherFixture(KmipVersion.V1_3);
        String key = f.symmetricKey(OASIS_KEY, CryptographicAlgorithm.AES, ENCRYPT_DECRYPT);
        f.fails(ResultReason.FEATURE_NOT_SUPPORTED, Operation.ENCRYPT, uid(key), params(mode(BlockCipherMode.GCM)), data(new byte[16]));
        f.fails(ResultReason.FEATURE_NOT_SUPPORTED, Operation.DECRYPT, uid(key), params(mode(BlockCipherMode.GCM)), data(new byte[16]),
                iv(new byte[12]));
    }

    @Test
    void oasisCsBcM4AndM11_ecbAndCbcVectors() throws Exception {
        CipherFixture f = new CipherFixture(KmipVersion.V1_4);
        String key = f.symmetricKey(OASIS_KEY, CryptographicAlgorithm.AES, ENCRYPT_DECRYPT);
        // CS-BC-M-4: ECB without Padding Method
        TtlvItem enc = f.run(Operation.ENCRYPT, uid(key), params(mode(BlockCipherMode.ECB)), data(hex("01020304050607080910111213141516")));
        assertThat(tags(enc)).isEqualTo(List.of(Tag.UNIQUE_IDENTIFIER, Tag.DATA));
        assertThat(bytes(enc, Tag.DATA)).isEqualTo(hex("d9bcce11b0b437b90239552df3a360c9"));
        // CS-BC-M-11: CBC PKCS5 with the client's IV, which is not echoed
        TtlvItem cbc = params(mode(BlockCipherMode.CBC), padding(PaddingMethod.PKCS5));
        byte[] plain = hex("010203040506070809101112131415160102030405060708091011121314151601");
        byte[] c = hex("e768203ba72b6e157daaad34b1e791d8e88457dc147942f01bfaff7b28a3cdde2203d4d5a4c7928ba9e9cc78b66a6546");
        enc = f.run(Operation.ENCRYPT, uid(key), cbc, data(plain), iv(hex("FF020304050607080910111213141516")));
        assertThat(tags(enc)).isEqualTo(List.of(Tag.UNIQUE_IDENTIFIER, Tag.DATA));
        assertThat(bytes(enc, Tag.DATA)).isEqualTo(c);
        f.fails(ResultReason.INVALID_MESSAGE, Operation.DECRYPT, uid(key), cbc, data(c));
        assertThat(bytes(f.run(Operation.DECRYPT, uid(key), cbc, data(c), iv(hex("FF020304050607080910111213141516"))), Tag.DATA))
                .isEqualTo(plain);
    }

    @Test
    void oasisCsBcM13_randomIvInTheKeysParameters_isReturned_andAClientIvRefused() throws Exception {
        CipherFixture f = new CipherFixture(KmipVersion.V1_3);
        String key = f.symmetricKey(OASIS_KEY, CryptographicAlgorithm.AES, ENCRYPT_DECRYPT,
                params(mode(BlockCipherMode.CBC), padding(PaddingMethod.PKCS5), TtlvItem.bool(Tag.RANDOM_IV, true)));
        byte[] plain = hex("010203040506070809101112131415160102030405060708091011121314151601");
        TtlvItem enc = f.run(Operation.ENCRYPT, uid(key), data(plain));
        assertThat(tags(enc)).isEqualTo(ENCRYPT_WITH_IV);
        assertThat(bytes(f.run(Operation.DECRYPT, uid(key), data(bytes(enc, Tag.DATA)), iv(bytes(enc, Tag.IV_COUNTER_NONCE))), Tag.DATA))
                .isEqualTo(plain);
        f.fails(ResultReason.INVALID_FIELD, Operation.ENCRYPT, uid(key), data(plain), iv(new byte[16]));
    }

    @Test
    void eachMode_roundTripsThroughTheHandlers_v21() throws Exception {
        CipherFixture f = new CipherFixture(KmipVersion.V2_1);
        String aes = f.symmetricKey("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", CryptographicAlgorithm.AES,
                ENCRYPT_DECRYPT);
        byte[] plain = hex("00112233445566778899aabbccddeeff0011223344556677");
        for (TtlvItem p : List.of(params(mode(BlockCipherMode.CBC), padding(PaddingMethod.PKCS5)), params(mode(BlockCipherMode.CTR)),
                params(mode(BlockCipherMode.GCM)), params(mode(BlockCipherMode.AESKEYWRAPPADDING)))) {
            TtlvItem enc = f.run(Operation.ENCRYPT, uid(aes), p, data(plain));
            List<TtlvItem> dec = new java.util.ArrayList<>(List.of(uid(aes), p, data(bytes(enc, Tag.DATA))));
            enc.child(Tag.IV_COUNTER_NONCE).ifPresent(dec::add);
            enc.child(Tag.AUTHENTICATED_ENCRYPTION_TAG).ifPresent(dec::add);
            assertThat(bytes(f.run(Operation.DECRYPT, dec.toArray(new TtlvItem[0])), Tag.DATA)).as(p.toString()).isEqualTo(plain);
        }
        String des = f.symmetricKey("0123456789abcdeffedcba987654321089abcdef01234567", CryptographicAlgorithm.DES3, ENCRYPT_DECRYPT);
        TtlvItem enc = f.run(Operation.ENCRYPT, uid(des), data(plain));
        assertThat(bytes(enc, Tag.IV_COUNTER_NONCE)).hasSize(8);
        assertThat(bytes(f.run(Operation.DECRYPT, uid(des), data(bytes(enc, Tag.DATA)), iv(bytes(enc, Tag.IV_COUNTER_NONCE))), Tag.DATA))
                .isEqualTo(plain);
        String chacha = f.symmetricKey("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
                CryptographicAlgorithm.CHACHA20POLY1305, ENCRYPT_DECRYPT);
        enc = f.run(Operation.ENCRYPT, uid(chacha), params(mode(BlockCipherMode.AEAD)), data(plain));
        assertThat(tags(enc)).isEqualTo(List.of(Tag.UNIQUE_IDENTIFIER, Tag.DATA, Tag.IV_COUNTER_NONCE, Tag.AUTHENTICATED_ENCRYPTION_TAG));
        assertThat(bytes(f.run(Operation.DECRYPT, uid(chacha), data(bytes(enc, Tag.DATA)), iv(bytes(enc, Tag.IV_COUNTER_NONCE)),
                TtlvItem.bytes(Tag.AUTHENTICATED_ENCRYPTION_TAG, bytes(enc, Tag.AUTHENTICATED_ENCRYPTION_TAG))), Tag.DATA)).isEqualTo(plain);
    }

    @Test
    void rsa_publicKeyEncrypts_privateKeyDecrypts_withTheKeysOaepParameters() throws Exception {
        CipherFixture f = new CipherFixture(KmipVersion.V1_4);
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair pair = g.generateKeyPair();
        TtlvItem oaep = params(padding(PaddingMethod.OAEP), TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA_256.value()),
                TtlvItem.enumeration(Tag.MASK_GENERATOR_HASHING_ALGORITHM, HashingAlgorithm.SHA_256.value()));
        String pub = f.rsaKey(ObjectType.PUBLIC_KEY, pair.getPublic().getEncoded(), 4, oaep);
        String priv = f.rsaKey(ObjectType.PRIVATE_KEY, pair.getPrivate().getEncoded(), 8, oaep);
        byte[] secret = hex("00112233445566778899aabbccddeeff");
        TtlvItem enc = f.run(Operation.ENCRYPT, uid(pub), data(secret));
        assertThat(tags(enc)).isEqualTo(List.of(Tag.UNIQUE_IDENTIFIER, Tag.DATA));
        assertThat(bytes(f.run(Operation.DECRYPT, uid(priv), data(bytes(enc, Tag.DATA))), Tag.DATA)).isEqualTo(secret);
        // OAEP with SHA-1 (the default when the request names only the padding) cannot decrypt it
        f.fails(ResultReason.CRYPTOGRAPHIC_FAILURE, Operation.DECRYPT, uid(priv), params(padding(PaddingMethod.OAEP)),
                data(bytes(enc, Tag.DATA)));
        f.fails(ResultReason.INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK, Operation.DECRYPT, uid(pub), data(bytes(enc, Tag.DATA)));
        f.fails(ResultReason.INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK, Operation.ENCRYPT, uid(priv), data(secret));
    }

    @Test
    void idPlaceholder_namesTheKey_whenUniqueIdentifierIsAbsent() throws Exception {
        CipherFixture f = new CipherFixture(KmipVersion.V2_1);
        String key = f.symmetricKey(OASIS_KEY, CryptographicAlgorithm.AES, ENCRYPT_DECRYPT);
        f.batch = new io.keyhold.server.ops.OperationContext.BatchState();
        f.fails(ResultReason.ITEM_NOT_FOUND, Operation.ENCRYPT, data(new byte[4]));
        f.context().idPlaceholder(key);
        TtlvItem enc = f.run(Operation.ENCRYPT, data(new byte[4]));
        assertThat(enc.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue()).isEqualTo(key);
    }

    // --- refusals

    @Test
    void usageMaskAndState_areChecked() throws Exception {
        CipherFixture f = new CipherFixture(KmipVersion.V2_1);
        String decryptOnly = f.symmetricKey(OASIS_KEY, CryptographicAlgorithm.AES, 8);
        f.fails(ResultReason.INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK, Operation.ENCRYPT, uid(decryptOnly), data(new byte[16]));
        String encryptOnly = f.symmetricKey(OASIS_KEY, CryptographicAlgorithm.AES, 4);
        TtlvItem enc = f.run(Operation.ENCRYPT, uid(encryptOnly), data(new byte[16]));
        f.fails(ResultReason.INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK, Operation.DECRYPT, uid(encryptOnly), data(bytes(enc, Tag.DATA)),
                iv(bytes(enc, Tag.IV_COUNTER_NONCE)));

        byte[] raw = hex(OASIS_KEY);
        String preActive = f.register(ObjectType.SYMMETRIC_KEY, TtlvItem.structure(Tag.SYMMETRIC_KEY, TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, 1), TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, raw)),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.AES.value()),
                TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 128))), ENCRYPT_DECRYPT, false);
        assertThat(f.stored(preActive).state()).isEqualTo(State.PRE_ACTIVE.value());
        f.fails(ResultReason.WRONG_KEY_LIFECYCLE_STATE, Operation.ENCRYPT, uid(preActive), data(new byte[16]));
        f.fails(ResultReason.WRONG_KEY_LIFECYCLE_STATE, Operation.DECRYPT, uid(preActive), data(new byte[16]), iv(new byte[16]));

        // Deactivated: Decrypt still works, Encrypt does not
        String key = f.symmetricKey(OASIS_KEY, CryptographicAlgorithm.AES, ENCRYPT_DECRYPT);
        enc = f.run(Operation.ENCRYPT, uid(key), data(new byte[16]));
        f.run(Operation.REVOKE, uid(key), TtlvItem.structure(Tag.REVOCATION_REASON,
                TtlvItem.enumeration(Tag.REVOCATION_REASON_CODE, RevocationReasonCode.CESSATION_OF_OPERATION.value())));
        assertThat(f.stored(key).state()).isEqualTo(State.DEACTIVATED.value());
        f.fails(ResultReason.WRONG_KEY_LIFECYCLE_STATE, Operation.ENCRYPT, uid(key), data(new byte[16]));
        assertThat(bytes(f.run(Operation.DECRYPT, uid(key), data(bytes(enc, Tag.DATA)), iv(bytes(enc, Tag.IV_COUNTER_NONCE))), Tag.DATA))
                .isEqualTo(new byte[16]);
    }

    @Test
    void missingArchivedAndForeignKeys_areRefused() throws Exception {
        CipherFixture f = new CipherFixture(KmipVersion.V2_1);
        String key = f.symmetricKey(OASIS_KEY, CryptographicAlgorithm.AES, ENCRYPT_DECRYPT);
        f.fails(ResultReason.MISSING_DATA, Operation.ENCRYPT, uid(key));
        f.fails(ResultReason.OBJECT_NOT_FOUND, Operation.ENCRYPT, uid("no-such-key"), data(new byte[1]));
        f.client = "client2";
        f.fails(ResultReason.OBJECT_NOT_FOUND, Operation.ENCRYPT, uid(key), data(new byte[1]));
        f.client = "client1";
        StoredObject stored = f.stored(key);
        f.store.write(tx -> {
            tx.update(stored.withStorageStatus(StorageStatus.ARCHIVED));
            return null;
        });
        f.fails(ResultReason.OBJECT_ARCHIVED, Operation.ENCRYPT, uid(key), data(new byte[1]));
        f.fails(ResultReason.INVALID_MESSAGE, Operation.ENCRYPT, uid(key), TtlvItem.text(Tag.DATA, "not bytes"));
        f.fails(ResultReason.INVALID_FIELD, Operation.ENCRYPT, uid(key), data(new byte[1]),
                TtlvItem.bytes(Tag.AUTHENTICATED_ENCRYPTION_TAG, new byte[16]));
    }

    @Test
    void parameterProblems_carryTheirReasons() throws Exception {
        CipherFixture f = new CipherFixture(KmipVersion.V2_1);
        String key = f.symmetricKey(OASIS_KEY, CryptographicAlgorithm.AES, ENCRYPT_DECRYPT);
        f.fails(ResultReason.UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS, Operation.ENCRYPT, uid(key), params(mode(BlockCipherMode.CFB)),
                data(new byte[32]));
        f.fails(ResultReason.GENERAL_FAILURE, Operation.ENCRYPT, uid(key),
                params(mode(BlockCipherMode.GCM), TtlvItem.integer(Tag.TAG_LENGTH, 1)), data(new byte[32]));
        f.fails(ResultReason.INVALID_FIELD, Operation.ENCRYPT, uid(key), params(mode(BlockCipherMode.CBC), padding(PaddingMethod.NONE)),
                data(new byte[17]));
        f.fails(ResultReason.INVALID_FIELD, Operation.ENCRYPT, uid(key), params(mode(BlockCipherMode.CBC)), data(new byte[16]),
                iv(new byte[12]));
        f.fails(ResultReason.CRYPTOGRAPHIC_FAILURE, Operation.DECRYPT, uid(key), params(mode(BlockCipherMode.CBC), padding(PaddingMethod.PKCS5)),
                data(new byte[17]), iv(new byte[16]));
    }

    // --- usage limits

    @Test
    void usageLimits_bytes_oasisCsBcM7_secondEncryptIsRefused() throws Exception {
        CipherFixture f = new CipherFixture(KmipVersion.V2_1);
        String key = f.symmetricKey(OASIS_KEY, CryptographicAlgorithm.AES, ENCRYPT_DECRYPT, usageLimits(16, UsageLimitsUnit.BYTE));
        TtlvItem ecb = params(mode(BlockCipherMode.ECB));
        assertThat(bytes(f.run(Operation.ENCRYPT, uid(key), ecb, data(hex("01020304050607080910111213141516"))), Tag.DATA))
                .isEqualTo(hex("d9bcce11b0b437b90239552df3a360c9"));
        assertThat(f.stored(key).attribute("Usage Limits").orElseThrow().value().child(Tag.USAGE_LIMITS_COUNT).orElseThrow().longValue())
                .isZero();
        f.fails(ResultReason.PERMISSION_DENIED, Operation.ENCRYPT, uid(key), ecb, data(hex("01020304050607080910111213141516")));
    }

    @Test
    void usageLimits_objects_countEachUse_andAFailedUseConsumesNothing() throws Exception {
        CipherFixture f = new CipherFixture(KmipVersion.V1_4);
        String key = f.symmetricKey(OASIS_KEY, CryptographicAlgorithm.AES, ENCRYPT_DECRYPT, usageLimits(2, UsageLimitsUnit.OBJECT));
        TtlvItem enc = f.run(Operation.ENCRYPT, uid(key), data(new byte[40]));
        TtlvItem limits = f.stored(key).attribute("Usage Limits").orElseThrow().value();
        assertThat(tags(limits)).isEqualTo(List.of(Tag.USAGE_LIMITS_TOTAL, Tag.USAGE_LIMITS_COUNT, Tag.USAGE_LIMITS_UNIT));
        assertThat(limits.child(Tag.USAGE_LIMITS_COUNT).orElseThrow().longValue()).isEqualTo(1);
        f.fails(ResultReason.CRYPTOGRAPHIC_FAILURE, Operation.DECRYPT, uid(key), data(new byte[17]), iv(new byte[16]));
        assertThat(f.stored(key).attribute("Usage Limits").orElseThrow().value().child(Tag.USAGE_LIMITS_COUNT).orElseThrow().longValue())
                .as("the failed Decrypt consumed nothing").isEqualTo(1);
        f.run(Operation.DECRYPT, uid(key), data(bytes(enc, Tag.DATA)), iv(bytes(enc, Tag.IV_COUNTER_NONCE)));
        f.fails(ResultReason.PERMISSION_DENIED, Operation.ENCRYPT, uid(key), data(new byte[1]));
    }

    // --- streams

    private static TtlvItem init() {
        return TtlvItem.bool(Tag.INIT_INDICATOR, true);
    }

    private static TtlvItem last() {
        return TtlvItem.bool(Tag.FINAL_INDICATOR, true);
    }

    private static TtlvItem correlation(byte[] value) {
        return TtlvItem.bytes(Tag.CORRELATION_VALUE, value);
    }

    @Test
    void stream_threeRequestsOnOneConnection_encryptThenDecrypt() throws Exception {
        CipherFixture f = new CipherFixture(KmipVersion.V2_1);
        String key = f.symmetricKey(OASIS_KEY, CryptographicAlgorithm.AES, ENCRYPT_DECRYPT);
        byte[] plain = new byte[100];
        for (int i = 0; i < plain.length; i++) {
            plain[i] = (byte) i;
        }
        TtlvItem cbc = params(mode(BlockCipherMode.CBC), padding(PaddingMethod.PKCS5));
        TtlvItem first = f.run(Operation.ENCRYPT, uid(key), cbc, data(java.util.Arrays.copyOf(plain, 40)), init());
        assertThat(tags(first)).isEqualTo(List.of(Tag.UNIQUE_IDENTIFIER, Tag.DATA, Tag.IV_COUNTER_NONCE, Tag.CORRELATION_VALUE));
        byte[] cv = bytes(first, Tag.CORRELATION_VALUE);
        byte[] ivUsed = bytes(first, Tag.IV_COUNTER_NONCE);
        TtlvItem second = f.run(Operation.ENCRYPT, data(java.util.Arrays.copyOfRange(plain, 40, 70)), correlation(cv));
        assertThat(tags(second)).isEqualTo(List.of(Tag.UNIQUE_IDENTIFIER, Tag.DATA, Tag.CORRELATION_VALUE));
        TtlvItem third = f.run(Operation.ENCRYPT, data(java.util.Arrays.copyOfRange(plain, 70, 100)), correlation(cv), last());
        assertThat(tags(third)).isEqualTo(List.of(Tag.UNIQUE_IDENTIFIER, Tag.DATA));
        byte[] cipher = concat(bytes(first, Tag.DATA), bytes(second, Tag.DATA), bytes(third, Tag.DATA));
        assertThat(cipher).hasSize(112);
        f.fails(ResultReason.INVALID_CORRELATION_VALUE, Operation.ENCRYPT, data(new byte[1]), correlation(cv), last());
        // the same ciphertext decrypts in one shot
        assertThat(bytes(f.run(Operation.DECRYPT, uid(key), cbc, data(cipher), iv(ivUsed)), Tag.DATA)).isEqualTo(plain);
    }

    @Test
    void stream_gcmDecrypt_releasesPlaintextOnlyWithTheVerifiedTag() throws Exception {
        CipherFixture f = new CipherFixture(KmipVersion.V1_4);
        String key = f.symmetricKey("feffe9928665731c6d6a8f9467308308", CryptographicAlgorithm.AES, ENCRYPT_DECRYPT);
        TtlvItem gcm = params(mode(BlockCipherMode.GCM), TtlvItem.integer(Tag.TAG_LENGTH, 16));
        TtlvItem aad = TtlvItem.bytes(Tag.AUTHENTICATED_ENCRYPTION_ADDITIONAL_DATA, hex("feedfacedeadbeeffeedfacedeadbeefabaddad2"));
        byte[] c = hex("61353b4c2806934a777ff51fa22a4755699b2a714fcdc6f83766e5f97b6c7423"
                + "73806900e49f24b22b097544d4896b424989b5e1ebac0f07c23f4598");
        byte[] tag = hex("3612d2e79e3b0785561be14aaca2fccb");
        for (boolean goodTag : new boolean[] {false, true}) {
            TtlvItem first = f.run(Operation.DECRYPT, uid(key), gcm, data(java.util.Arrays.copyOf(c, 32)), iv(hex("cafebabefacedbad")),
                    aad, init());
            assertThat(tags(first)).isEqualTo(List.of(Tag.UNIQUE_IDENTIFIER, Tag.DATA, Tag.CORRELATION_VALUE));
            assertThat(bytes(first, Tag.DATA)).isEmpty();
            byte[] cv = bytes(first, Tag.CORRELATION_VALUE);
            assertThat(bytes(f.run(Operation.DECRYPT, data(java.util.Arrays.copyOfRange(c, 32, 40)), correlation(cv)), Tag.DATA)).isEmpty();
            byte[] t = tag.clone();
            if (!goodTag) {
                t[0] ^= 1;
                f.fails(ResultReason.CRYPTOGRAPHIC_FAILURE, Operation.DECRYPT, data(java.util.Arrays.copyOfRange(c, 40, c.length)),
                        correlation(cv), last(), TtlvItem.bytes(Tag.AUTHENTICATED_ENCRYPTION_TAG, t));
                continue;
            }
            TtlvItem done = f.run(Operation.DECRYPT, data(java.util.Arrays.copyOfRange(c, 40, c.length)), correlation(cv), last(),
                    TtlvItem.bytes(Tag.AUTHENTICATED_ENCRYPTION_TAG, t));
            assertThat(bytes(done, Tag.DATA)).isEqualTo(hex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
                    + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"));
        }
    }

    @Test
    void stream_wrongCorrelationValue_otherConnection_andOtherOperation_areRefused() throws Exception {
        CipherFixture f = new CipherFixture(KmipVersion.V2_1);
        String key = f.symmetricKey(OASIS_KEY, CryptographicAlgorithm.AES, ENCRYPT_DECRYPT);
        byte[] cv = bytes(f.run(Operation.ENCRYPT, uid(key), data(new byte[16]), init()), Tag.CORRELATION_VALUE);
        f.fails(ResultReason.INVALID_CORRELATION_VALUE, Operation.ENCRYPT, data(new byte[16]), correlation(new byte[16]));
        f.fails(ResultReason.INVALID_CORRELATION_VALUE, Operation.DECRYPT, data(new byte[16]), correlation(cv));
        f.fails(ResultReason.INVALID_FIELD, Operation.ENCRYPT, data(new byte[16]), correlation(cv), init());
        io.keyhold.server.dispatch.ConnectionSession mine = f.session;
        f.session = new io.keyhold.server.dispatch.ConnectionSession();
        f.fails(ResultReason.INVALID_CORRELATION_VALUE, Operation.ENCRYPT, data(new byte[16]), correlation(cv));
        f.session = mine;
        // a failure ends the stream
        f.fails(ResultReason.INVALID_FIELD, Operation.ENCRYPT, uid("another"), data(new byte[16]), correlation(cv));
        f.fails(ResultReason.INVALID_CORRELATION_VALUE, Operation.ENCRYPT, data(new byte[16]), correlation(cv), last());
    }

    @Test
    void stream_usageLimitInBytes_endsTheStreamWhenExhausted() throws Exception {
        CipherFixture f = new CipherFixture(KmipVersion.V2_1);
        String key = f.symmetricKey(OASIS_KEY, CryptographicAlgorithm.AES, ENCRYPT_DECRYPT, usageLimits(48, UsageLimitsUnit.BYTE));
        TtlvItem ctr = params(mode(BlockCipherMode.CTR));
        byte[] cv = bytes(f.run(Operation.ENCRYPT, uid(key), ctr, data(new byte[32]), init()), Tag.CORRELATION_VALUE);
        f.run(Operation.ENCRYPT, data(new byte[16]), correlation(cv));
        f.fails(ResultReason.PERMISSION_DENIED, Operation.ENCRYPT, data(new byte[1]), correlation(cv), last());
        f.fails(ResultReason.INVALID_CORRELATION_VALUE, Operation.ENCRYPT, data(new byte[0]), correlation(cv), last());
        assertThat(f.stored(key).attribute("Usage Limits").orElseThrow().value().child(Tag.USAGE_LIMITS_COUNT).orElseThrow().longValue())
                .isZero();
    }

    @Test
    void stream_keyRevokedMidStream_isRefused() throws Exception {
        CipherFixture f = new CipherFixture(KmipVersion.V2_1);
        String key = f.symmetricKey(OASIS_KEY, CryptographicAlgorithm.AES, ENCRYPT_DECRYPT);
        byte[] cv = bytes(f.run(Operation.ENCRYPT, uid(key), data(new byte[16]), init()), Tag.CORRELATION_VALUE);
        f.run(Operation.REVOKE, uid(key), TtlvItem.structure(Tag.REVOCATION_REASON,
                TtlvItem.enumeration(Tag.REVOCATION_REASON_CODE, RevocationReasonCode.CESSATION_OF_OPERATION.value())));
        f.fails(ResultReason.WRONG_KEY_LIFECYCLE_STATE, Operation.ENCRYPT, data(new byte[16]), correlation(cv), last());
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    // --- RNG

    @Test
    void rngRetrieve_returnsDataLengthBytes_withinTheBound() throws Exception {
        CipherFixture f = new CipherFixture(KmipVersion.V1_3);
        TtlvItem r = f.run(Operation.RNG_RETRIEVE, TtlvItem.integer(Tag.DATA_LENGTH, 32));
        assertThat(tags(r)).isEqualTo(List.of(Tag.DATA));
        assertThat(bytes(r, Tag.DATA)).hasSize(32).isNotEqualTo(new byte[32]);
        assertThat(bytes(f.run(Operation.RNG_RETRIEVE, TtlvItem.integer(Tag.DATA_LENGTH, 1024 * 1024)), Tag.DATA)).hasSize(1024 * 1024);
        f.fails(ResultReason.INVALID_FIELD, Operation.RNG_RETRIEVE, TtlvItem.integer(Tag.DATA_LENGTH, 1024 * 1024 + 1));
        f.fails(ResultReason.INVALID_FIELD, Operation.RNG_RETRIEVE, TtlvItem.integer(Tag.DATA_LENGTH, 0));
        f.fails(ResultReason.MISSING_DATA, Operation.RNG_RETRIEVE);
    }

    @Test
    void rngSeed_answersTheAcceptedLength() throws Exception {
        CipherFixture f = new CipherFixture(KmipVersion.V2_1);
        TtlvItem r = f.run(Operation.RNG_SEED, TtlvItem.bytes(Tag.DATA, hex("000102030405060708090a0b0c0d0e0f")));
        assertThat(tags(r)).isEqualTo(List.of(Tag.DATA_LENGTH));
        assertThat(r.child(Tag.DATA_LENGTH).orElseThrow().intValue()).isEqualTo(16);
        f.fails(ResultReason.INVALID_FIELD, Operation.RNG_SEED, TtlvItem.bytes(Tag.DATA, new byte[0]));
        f.fails(ResultReason.MISSING_DATA, Operation.RNG_SEED);
    }
}
