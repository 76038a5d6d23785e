package io.keyhold.server.ops;

import static io.keyhold.server.testing.Payloads.algorithm;
import static io.keyhold.server.testing.Payloads.attributes;
import static io.keyhold.server.testing.Payloads.create;
import static io.keyhold.server.testing.Payloads.length;
import static io.keyhold.server.testing.Payloads.payload;
import static io.keyhold.server.testing.Payloads.uid;
import static io.keyhold.server.testing.Payloads.usageMask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.BlockCipherMode;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.DerivationMethod;
import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.PaddingMethod;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.SplitKeyMethod;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.auth.Identity;
import io.keyhold.server.crypto.CryptoPolicy;
import io.keyhold.server.dispatch.ConnectionSession;
import io.keyhold.server.dispatch.RequestContext;
import io.keyhold.server.ops.certificate.CertificateOperations;
import io.keyhold.server.ops.cipher.CipherOperations;
import io.keyhold.server.ops.keys.KeyOperations;
import io.keyhold.server.ops.object.ObjectOperations;
import io.keyhold.server.ops.signature.SignatureOperations;
import io.keyhold.server.store.LocateQuery;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.memory.InMemoryObjectStore;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The handlers built with {@link CryptoPolicy#FIPS_140} refuse what is not approved before doing any work,
 * and the same requests succeed with {@link CryptoPolicy#DEFAULT} on the same store (so the refusal is the
 * policy's).
 */
class FipsPolicyHandlersTest {
    private static final KmipVersion V21 = KmipVersion.V2_1;
    private final InMemoryObjectStore store = new InMemoryObjectStore();
    private final Map<Operation, OperationHandler> fips = handlers(CryptoPolicy.FIPS_140);
    private final Map<Operation, OperationHandler> any = handlers(CryptoPolicy.DEFAULT);

    private static Map<Operation, OperationHandler> handlers(CryptoPolicy policy) {
        SecureRandom random = new SecureRandom();
        Map<Operation, OperationHandler> map = new EnumMap<>(Operation.class);
        for (List<OperationHandler> list : List.of(ObjectOperations.handlers(random, policy),
                KeyOperations.handlers(random, policy), CipherOperations.handlers(random, policy),
                SignatureOperations.handlers(random, policy), CertificateOperations.handlers(random, policy))) {
            list.forEach(h -> map.put(h.operation(), h));
        }
        return map;
    }

    private TtlvItem run(Map<Operation, OperationHandler> handlers, Operation op, TtlvItem payload) throws KmipException {
        RequestContext request = new RequestContext(new Identity("client1"), "127.0.0.1:1", new ConnectionSession());
        return handlers.get(op).handle(new OperationContext(V21, request, Clock.systemUTC(), store,
                new OperationContext.BatchState(), null), payload);
    }

    private KmipException refused(ResultReason reason, Operation op, TtlvItem payload) {
        KmipException e = catchThrowableOfType(KmipException.class, () -> run(fips, op, payload));
        assertThat(e).as(op.specName() + " must be refused").isNotNull();
        assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
        assertThat(e.getMessage()).contains("not FIPS 140-approved", "crypto.fips_only");
        return e;
    }

    private long stored() throws KmipException {
        return store.read(tx -> tx.count(new LocateQuery(null, List.of(), EnumSet.allOf(StorageStatus.class), 0, 0)));
    }

    private static String uidOf(TtlvItem response) {
        return response.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
    }

    private static TtlvItem keyPair(CryptographicAlgorithm alg, int bits) {
        return payload(AttributeMapping.toAttributes(Tag.COMMON_ATTRIBUTES, List.of(algorithm(alg), length(bits))),
                AttributeMapping.toAttributes(Tag.PRIVATE_KEY_ATTRIBUTES, List.of(usageMask(CryptographicUsageMask.SIGN.value()))),
                AttributeMapping.toAttributes(Tag.PUBLIC_KEY_ATTRIBUTES, List.of(usageMask(CryptographicUsageMask.VERIFY.value()))));
    }

    @Test
    void create_chaCha20_isInvalidField_aes256_isCreated() throws Exception {
        TtlvItem chacha = create(V21, algorithm(CryptographicAlgorithm.CHACHA20), length(256), usageMask(12));
        assertThat(refused(ResultReason.INVALID_FIELD, Operation.CREATE, chacha).getMessage()).startsWith("ChaCha20");
        assertThat(stored()).isZero();
        assertThat(uidOf(run(any, Operation.CREATE, chacha))).isNotBlank();
        TtlvItem aes = create(V21, algorithm(CryptographicAlgorithm.AES), length(256), usageMask(12));
        assertThat(uidOf(run(fips, Operation.CREATE, aes))).isNotBlank();
    }

    @Test
    void create_hmacMd5_isInvalidField() throws Exception {
        refused(ResultReason.INVALID_FIELD, Operation.CREATE,
                create(V21, algorithm(CryptographicAlgorithm.HMAC_MD5), length(128)));
    }

    @Test
    void createKeyPair_rsa1024_isInvalidField_rsa2048_isCreated() throws Exception {
        assertThat(refused(ResultReason.INVALID_FIELD, Operation.CREATE_KEY_PAIR, keyPair(CryptographicAlgorithm.RSA, 1024))
                .getMessage()).startsWith("RSA-1024");
        assertThat(stored()).isZero();
        TtlvItem response = run(fips, Operation.CREATE_KEY_PAIR, keyPair(CryptographicAlgorithm.RSA, 2048));
        assertThat(response.child(Tag.PRIVATE_KEY_UNIQUE_IDENTIFIER)).isPresent();
    }

    @Test
    void encrypt_withAChaCha20Poly1305KeyMadeBeforeThePolicy_isCryptographicFailure() throws Exception {
        String key = uidOf(run(any, Operation.CREATE, create(V21, algorithm(CryptographicAlgorithm.CHACHA20POLY1305),
                length(256), usageMask(12))));
        run(any, Operation.ACTIVATE, payload(uid(key)));
        TtlvItem encrypt = payload(uid(key), TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS,
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.CHACHA20POLY1305.value())),
                TtlvItem.bytes(Tag.DATA, new byte[] {1, 2, 3}), TtlvItem.bytes(Tag.IV_COUNTER_NONCE, new byte[12]));
        assertThat(refused(ResultReason.CRYPTOGRAPHIC_FAILURE, Operation.ENCRYPT, encrypt).getMessage())
                .startsWith("ChaCha20Poly1305");
        assertThat(run(any, Operation.ENCRYPT, encrypt).child(Tag.DATA)).isPresent();
    }

    @Test
    void hash_md5_isInvalidField_sha256_isAnswered() throws Exception {
        TtlvItem md5 = payload(TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS,
                TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.MD5.value())), TtlvItem.bytes(Tag.DATA, new byte[] {1}));
        assertThat(refused(ResultReason.INVALID_FIELD, Operation.HASH, md5).getMessage()).startsWith("MD5");
        TtlvItem sha256 = payload(TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS,
                TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA_256.value())), TtlvItem.bytes(Tag.DATA, new byte[] {1}));
        assertThat(run(fips, Operation.HASH, sha256).child(Tag.DATA).orElseThrow().bytesValue()).hasSize(32);
    }

    private String password() throws Exception {
        TtlvItem secret = TtlvItem.structure(Tag.SECRET_DATA, TtlvItem.enumeration(Tag.SECRET_DATA_TYPE, 1),
                TtlvItem.structure(Tag.KEY_BLOCK, TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, 2),
                        TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL,
                                "correct horse battery".getBytes(StandardCharsets.US_ASCII)))));
        String id = uidOf(run(any, Operation.REGISTER, payload(TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SECRET_DATA.value()),
                attributes(V21, List.of(usageMask(CryptographicUsageMask.DERIVE_KEY.value()))), secret)));
        run(any, Operation.ACTIVATE, payload(uid(id)));
        return id;
    }

    private static TtlvItem pbkdf2(String base, HashingAlgorithm hash, int iterations) {
        return payload(TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()), uid(base),
                TtlvItem.enumeration(Tag.DERIVATION_METHOD, DerivationMethod.PBKDF2.value()),
                TtlvItem.structure(Tag.DERIVATION_PARAMETERS,
                        TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS, TtlvItem.enumeration(Tag.HASHING_ALGORITHM, hash.value())),
                        TtlvItem.bytes(Tag.SALT, new byte[16]), TtlvItem.integer(Tag.ITERATION_COUNT, iterations)),
                attributes(V21, List.of(algorithm(CryptographicAlgorithm.AES), length(256))));
    }

    @Test
    void deriveKey_pbkdf2WithTenIterations_isInvalidField() throws Exception {
        String base = password();
        long before = stored();
        assertThat(refused(ResultReason.INVALID_FIELD, Operation.DERIVE_KEY, pbkdf2(base, HashingAlgorithm.SHA_256, 10))
                .getMessage()).contains("10 iterations");
        assertThat(stored()).isEqualTo(before);
        assertThat(uidOf(run(any, Operation.DERIVE_KEY, pbkdf2(base, HashingAlgorithm.SHA_256, 10)))).isNotBlank();
        assertThat(uidOf(run(fips, Operation.DERIVE_KEY, pbkdf2(base, HashingAlgorithm.SHA_256, 1000)))).isNotBlank();
    }

    @Test
    void deriveKey_pbkdf2WithMd5_isInvalidField() throws Exception {
        refused(ResultReason.INVALID_FIELD, Operation.DERIVE_KEY, pbkdf2(password(), HashingAlgorithm.MD5, 4096));
    }

    @Test
    void sign_withSha1_isInvalidField() throws Exception {
        TtlvItem pair = run(fips, Operation.CREATE_KEY_PAIR, keyPair(CryptographicAlgorithm.RSA, 2048));
        String priv = pair.child(Tag.PRIVATE_KEY_UNIQUE_IDENTIFIER).orElseThrow().textValue();
        run(fips, Operation.ACTIVATE, payload(uid(priv)));
        TtlvItem sign = payload(uid(priv), TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS,
                TtlvItem.enumeration(Tag.PADDING_METHOD, 8), // PKCS1 v1.5
                TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA_1.value()),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.RSA.value())),
                TtlvItem.bytes(Tag.DATA, new byte[] {1, 2, 3}));
        assertThat(refused(ResultReason.INVALID_FIELD, Operation.SIGN, sign).getMessage()).startsWith("SHA-1");
        assertThat(run(any, Operation.SIGN, sign).child(Tag.SIGNATURE_DATA)).isPresent();
    }

    private String activeKey(CryptographicAlgorithm alg, int bits, int usage) throws Exception {
        String key = uidOf(run(any, Operation.CREATE, create(V21, algorithm(alg), length(bits), usageMask(usage))));
        run(any, Operation.ACTIVATE, payload(uid(key)));
        return key;
    }

    private static TtlvItem cbc(String key, byte[] data) {
        return payload(uid(key), TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS,
                        TtlvItem.enumeration(Tag.BLOCK_CIPHER_MODE, BlockCipherMode.CBC.value()),
                        TtlvItem.enumeration(Tag.PADDING_METHOD, PaddingMethod.PKCS5.value())),
                TtlvItem.bytes(Tag.DATA, data), TtlvItem.bytes(Tag.IV_COUNTER_NONCE, new byte[8]));
    }

    @Test
    void tripleDes_existingKey_decryptsButDoesNotEncrypt() throws Exception {
        String key = activeKey(CryptographicAlgorithm.DES3, 168, 12);
        byte[] plaintext = "legacy data".getBytes(StandardCharsets.US_ASCII);
        byte[] ciphertext = run(any, Operation.ENCRYPT, cbc(key, plaintext)).child(Tag.DATA).orElseThrow().bytesValue();
        KmipException e = catchThrowableOfType(KmipException.class, () -> run(fips, Operation.ENCRYPT, cbc(key, plaintext)));
        assertThat(e.reason()).isEqualTo(ResultReason.CRYPTOGRAPHIC_FAILURE);
        assertThat(e.getMessage()).startsWith("Triple DES is not FIPS 140-approved").contains("crypto.fips_only");
        assertThat(run(fips, Operation.DECRYPT, cbc(key, ciphertext)).child(Tag.DATA).orElseThrow().bytesValue())
                .isEqualTo(plaintext);
    }

    @Test
    void reKey_ofAChaCha20Key_isCryptographicFailure() throws Exception {
        String key = activeKey(CryptographicAlgorithm.CHACHA20, 256, 12);
        long before = stored();
        refused(ResultReason.CRYPTOGRAPHIC_FAILURE, Operation.RE_KEY, payload(uid(key)));
        assertThat(stored()).isEqualTo(before);
        assertThat(uidOf(run(any, Operation.RE_KEY, payload(uid(key))))).isNotEqualTo(key);
    }

    @Test
    void mac_withAnHmacMd5KeyOrAShortKey_isCryptographicFailure_hmacSha256_isAnswered() throws Exception {
        int macUsage = CryptographicUsageMask.MAC_GENERATE.value();
        String md5 = activeKey(CryptographicAlgorithm.HMAC_MD5, 128, macUsage);
        refused(ResultReason.CRYPTOGRAPHIC_FAILURE, Operation.MAC, payload(uid(md5), TtlvItem.bytes(Tag.DATA, new byte[] {1})));
        String shortKey = activeKey(CryptographicAlgorithm.HMAC_SHA256, 64, macUsage);
        TtlvItem mac = payload(uid(shortKey), TtlvItem.bytes(Tag.DATA, new byte[] {1}));
        assertThat(refused(ResultReason.CRYPTOGRAPHIC_FAILURE, Operation.MAC, mac).getMessage()).contains("64-bit key");
        assertThat(run(any, Operation.MAC, mac).child(Tag.MAC_DATA)).isPresent();
        String sha256 = activeKey(CryptographicAlgorithm.HMAC_SHA256, 256, macUsage);
        assertThat(run(fips, Operation.MAC, payload(uid(sha256), TtlvItem.bytes(Tag.DATA, new byte[] {1})))
                .child(Tag.MAC_DATA).orElseThrow().bytesValue()).hasSize(32);
    }

    private static TtlvItem split(SplitKeyMethod method, CryptographicAlgorithm alg, int bits) {
        return payload(TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SPLIT_KEY.value()),
                TtlvItem.integer(Tag.SPLIT_KEY_PARTS, 3), TtlvItem.integer(Tag.SPLIT_KEY_THRESHOLD, method == SplitKeyMethod.XOR ? 3 : 2),
                TtlvItem.enumeration(Tag.SPLIT_KEY_METHOD, method.value()),
                attributes(V21, List.of(algorithm(alg), length(bits))));
    }

    @Test
    void createSplitKey_polynomialSharingOrChaCha20_isInvalidField_xorOfAes_isSplit() throws Exception {
        TtlvItem shamir = split(SplitKeyMethod.POLYNOMIAL_SHARING_GF_2_8, CryptographicAlgorithm.AES, 256);
        refused(ResultReason.INVALID_FIELD, Operation.CREATE_SPLIT_KEY, shamir);
        refused(ResultReason.INVALID_FIELD, Operation.CREATE_SPLIT_KEY, split(SplitKeyMethod.XOR, CryptographicAlgorithm.CHACHA20, 256));
        assertThat(stored()).isZero();
        run(any, Operation.CREATE_SPLIT_KEY, shamir);
        long before = stored();
        run(fips, Operation.CREATE_SPLIT_KEY, split(SplitKeyMethod.XOR, CryptographicAlgorithm.AES, 256));
        assertThat(stored()).isGreaterThan(before);
    }
}
