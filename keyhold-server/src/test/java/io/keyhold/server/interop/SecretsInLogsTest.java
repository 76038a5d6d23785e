package io.keyhold.server.interop;

import static io.keyhold.server.testing.Payloads.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestHeader;
import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.BlockCipherMode;
import io.keyhold.protocol.spec.CertificateRequestType;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.DerivationMethod;
import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.PaddingMethod;
import io.keyhold.protocol.spec.QueryFunction;
import io.keyhold.protocol.spec.RevocationReasonCode;
import io.keyhold.protocol.spec.SecretDataType;
import io.keyhold.protocol.spec.SplitKeyMethod;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.pki.DevPki;
import io.keyhold.server.testing.KmipTestClient;
import io.keyhold.server.testing.LiveServer;
import io.keyhold.server.testing.LogCapture;
import io.keyhold.server.testing.SecretScanner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

/**
 * Drives every operation the server offers, with known key bytes, plaintexts and passwords, and many
 * requests that fail at different points (framing, decoding, mapping, lookup, policy, crypto), over real
 * mutual TLS with every logger at TRACE; then requires that neither the captured log nor any Result
 * Message holds one of those secrets (raw, hex, Base64, in part) or a stack trace (libraries' own DEBUG
 * and TRACE diagnostics aside, see {@link #isLibraryDiagnostic}). The scanner is first shown to find a
 * secret and a stack trace planted through the same appender, so a clean result means something.
 */
class SecretsInLogsTest {
    private static final KmipVersion V12 = KmipVersion.V1_2;
    private static final KmipVersion V14 = KmipVersion.V1_4;
    private static final KmipVersion V21 = KmipVersion.V2_1;
    private static final String PASSWORD = "correct-horse-battery-staple-7731";
    private static final String CREDENTIAL_PASSWORD = "hunter2-credential-5524";
    private static final byte[] PLAINTEXT = "the plaintext nobody may ever log, 0123456789".getBytes(StandardCharsets.US_ASCII);

    private final SecretScanner secrets = new SecretScanner();
    private final List<String> resultMessages = new ArrayList<>();
    private final Set<Integer> exercised = new HashSet<>();
    private KmipTestClient c;

    @Test
    void everyOperation_atTrace_leaksNoSecretOrStackTrace() throws Exception {
        Random random = new Random(20261128);
        byte[] aesKey = bytes(random, 32);
        byte[] hmacKey = bytes(random, 32);
        byte[] opaque = bytes(random, 40);
        KeyPair rsa = generate("RSA", 2048);
        KeyPair ec = generateEc();
        secrets.add("registered AES key", aesKey).add("registered HMAC key", hmacKey).add("opaque object", opaque)
                .add("registered RSA private key", rsa.getPrivate().getEncoded())
                .add("RSA private exponent", ((RSAPrivateCrtKey) rsa.getPrivate()).getPrivateExponent().toByteArray())
                .add("EC private key", ec.getPrivate().getEncoded())
                .add("password secret data", PASSWORD).add("credential password", CREDENTIAL_PASSWORD)
                .add("plaintext", PLAINTEXT).add("PKCS#12 password", DevPki.P12_PASSWORD);

        List<String> captured;
        try (LogCapture log = new LogCapture(); LiveServer server = LiveServer.start()) {
            addServerSecrets(server);
            try (KmipTestClient client = server.client("client1")) {
                c = client;
                drive(aesKey, hmacKey, opaque, rsa, ec);
                badRequests(aesKey, rsa);
                everyOtherOperation();
            }
            captured = log.lines();

            // the capture and the scanner work: a planted secret and a planted stack trace are found
            org.slf4j.LoggerFactory.getLogger("io.keyhold.server.planted").trace("planted key {}",
                    java.util.HexFormat.of().formatHex(aesKey));
            org.slf4j.LoggerFactory.getLogger("io.keyhold.server.planted").debug("planted failure", new IllegalStateException("x"));
            List<String> all = log.lines();
            List<String> planted = all.subList(captured.size(), all.size());
            assertThat(scan("planted log", String.join("", planted)))
                    .anyMatch(f -> f.startsWith("registered AES key found"))
                    .anyMatch(f -> f.startsWith("stack trace frame"));
        }

        assertThat(exercised).as("operations driven").hasSizeGreaterThan(35);
        assertThat(resultMessages).as("failure Result Messages").hasSizeGreaterThan(30);
        assertThat(captured).as("log lines captured at TRACE").hasSizeGreaterThan(100)
                .anyMatch(l -> l.startsWith("DEBUG") && l.contains("io.keyhold.server.dispatch.KmipDispatcher"));
        List<String> findings = new ArrayList<>();
        for (String line : captured) {
            for (String finding : scan("the log", line)) {
                if (!(finding.startsWith("stack trace frame") && isLibraryDiagnostic(line))) {
                    findings.add(finding);
                }
            }
        }
        for (String message : resultMessages) {
            findings.addAll(scan("a Result Message", message));
        }
        assertThat(findings).as("secrets or stack traces in the log or Result Messages").isEmpty();
    }

    // ---- the operations, with known secrets

    private void drive(byte[] aesKey, byte[] hmacKey, byte[] opaque, KeyPair rsa, KeyPair ec) throws Exception {
        // Register of every object type, with known bytes
        String aes = register(V21, ObjectType.SYMMETRIC_KEY, symmetricKey(aesKey, CryptographicAlgorithm.AES), 0x0C | 0x30,
                name("secrets-aes"));
        String hmac = register(V14, ObjectType.SYMMETRIC_KEY, symmetricKey(hmacKey, CryptographicAlgorithm.HMAC_SHA256),
                CryptographicUsageMask.MAC_GENERATE.value() | CryptographicUsageMask.MAC_VERIFY.value());
        String password = register(V21, ObjectType.SECRET_DATA, TtlvItem.structure(Tag.SECRET_DATA,
                TtlvItem.enumeration(Tag.SECRET_DATA_TYPE, SecretDataType.PASSWORD.value()),
                keyBlock(KeyFormatType.OPAQUE, PASSWORD.getBytes(StandardCharsets.UTF_8), null)),
                CryptographicUsageMask.DERIVE_KEY.value());
        register(V14, ObjectType.OPAQUE_OBJECT, TtlvItem.structure(Tag.OPAQUE_OBJECT,
                TtlvItem.enumeration(Tag.OPAQUE_DATA_TYPE, 0x80000001), TtlvItem.bytes(Tag.OPAQUE_DATA_VALUE, opaque)), 0);
        String rsaPrivate = register(V21, ObjectType.PRIVATE_KEY, TtlvItem.structure(Tag.PRIVATE_KEY,
                keyBlock(KeyFormatType.PKCS_8, rsa.getPrivate().getEncoded(), CryptographicAlgorithm.RSA)),
                CryptographicUsageMask.SIGN.value());
        String rsaPublic = register(V21, ObjectType.PUBLIC_KEY, TtlvItem.structure(Tag.PUBLIC_KEY,
                keyBlock(KeyFormatType.X_509, rsa.getPublic().getEncoded(), CryptographicAlgorithm.RSA)),
                CryptographicUsageMask.VERIFY.value());
        register(V14, ObjectType.PRIVATE_KEY, TtlvItem.structure(Tag.PRIVATE_KEY,
                keyBlock(KeyFormatType.PKCS_8, ec.getPrivate().getEncoded(), CryptographicAlgorithm.EC)),
                CryptographicUsageMask.SIGN.value());
        for (String id : List.of(aes, hmac, password, rsaPrivate, rsaPublic)) {
            ok(V21, Operation.ACTIVATE, withUid(id));
        }

        // Get in several formats, and wrapped
        ok(V21, Operation.GET, withUid(aes));
        ok(V14, Operation.GET, payload(uid(aes), format(KeyFormatType.TRANSPARENT_SYMMETRIC_KEY)));
        ok(V21, Operation.GET, payload(uid(rsaPrivate), format(KeyFormatType.PKCS_1)));
        ok(V21, Operation.GET, payload(uid(rsaPrivate), format(KeyFormatType.TRANSPARENT_RSA_PRIVATE_KEY)));
        String wrappedKey = created(ok(V21, Operation.CREATE, createAes(V21, 256)));
        secrets.add("created AES key", material(ok(V21, Operation.GET, withUid(wrappedKey)), Tag.SYMMETRIC_KEY));
        ok(V21, Operation.GET, payload(uid(wrappedKey), wrapping(aes)));
        ok(V21, Operation.GET_ATTRIBUTES, getAttributes(V21, aes, "Cryptographic Algorithm", "Name", "State"));
        ok(V14, Operation.GET_ATTRIBUTES, getAttributes(V14, hmac, "Cryptographic Length", "Digest"));
        ok(V14, Operation.GET_ATTRIBUTE_LIST, withUid(aes));
        ok(V14, Operation.ADD_ATTRIBUTE, payload(uid(aes), AttributeMapping.toAttribute(custom("x-secrets", "note"))));
        ok(V14, Operation.MODIFY_ATTRIBUTE, payload(uid(aes), AttributeMapping.toAttribute(custom("x-secrets", "changed"))));
        ok(V14, Operation.DELETE_ATTRIBUTE, payload(uid(aes), TtlvItem.text(Tag.ATTRIBUTE_NAME, "x-secrets")));
        ok(V21, Operation.LOCATE, payload(attributes(V21, List.of(name("secrets-aes")))));

        // Encrypt and Decrypt, single and multi-part
        TtlvItem cbc = params(TtlvItem.enumeration(Tag.BLOCK_CIPHER_MODE, BlockCipherMode.CBC.value()),
                TtlvItem.enumeration(Tag.PADDING_METHOD, PaddingMethod.PKCS5.value()));
        TtlvItem enc = ok(V21, Operation.ENCRYPT, payload(uid(aes), cbc, data(PLAINTEXT)));
        ok(V21, Operation.DECRYPT, payload(uid(aes), cbc, data(field(enc, Tag.DATA)), iv(field(enc, Tag.IV_COUNTER_NONCE))));
        TtlvItem gcm = params(TtlvItem.enumeration(Tag.BLOCK_CIPHER_MODE, BlockCipherMode.GCM.value()));
        TtlvItem first = ok(V21, Operation.ENCRYPT, payload(uid(aes), gcm, data(Arrays.copyOf(PLAINTEXT, 20)),
                TtlvItem.bool(Tag.INIT_INDICATOR, true)));
        TtlvItem last = ok(V21, Operation.ENCRYPT, payload(data(Arrays.copyOfRange(PLAINTEXT, 20, PLAINTEXT.length)),
                TtlvItem.bytes(Tag.CORRELATION_VALUE, field(first, Tag.CORRELATION_VALUE)), TtlvItem.bool(Tag.FINAL_INDICATOR, true)));
        byte[] ct = concat(field(first, Tag.DATA), field(last, Tag.DATA));
        TtlvItem d1 = ok(V21, Operation.DECRYPT, payload(uid(aes), gcm, data(Arrays.copyOf(ct, 10)),
                iv(field(first, Tag.IV_COUNTER_NONCE)), TtlvItem.bool(Tag.INIT_INDICATOR, true)));
        ok(V21, Operation.DECRYPT, payload(data(Arrays.copyOfRange(ct, 10, ct.length)),
                TtlvItem.bytes(Tag.CORRELATION_VALUE, field(d1, Tag.CORRELATION_VALUE)), TtlvItem.bool(Tag.FINAL_INDICATOR, true),
                TtlvItem.bytes(Tag.AUTHENTICATED_ENCRYPTION_TAG, field(last, Tag.AUTHENTICATED_ENCRYPTION_TAG))));

        // Sign and Verify, MAC and MAC Verify, Hash
        TtlvItem pss = params(TtlvItem.enumeration(Tag.PADDING_METHOD, PaddingMethod.PSS.value()),
                TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA_256.value()));
        byte[] signature = field(ok(V21, Operation.SIGN, payload(uid(rsaPrivate), pss, data(PLAINTEXT))), Tag.SIGNATURE_DATA);
        ok(V21, Operation.SIGNATURE_VERIFY, payload(uid(rsaPublic), pss, data(PLAINTEXT), TtlvItem.bytes(Tag.SIGNATURE_DATA, signature)));
        byte[] mac = field(ok(V14, Operation.MAC, payload(uid(hmac), data(PLAINTEXT))), Tag.MAC_DATA);
        ok(V14, Operation.MAC_VERIFY, payload(uid(hmac), data(PLAINTEXT), TtlvItem.bytes(Tag.MAC_DATA, mac)));
        ok(V21, Operation.HASH, payload(params(TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA_256.value())),
                data(PLAINTEXT)));

        // Derive Key from the password, Create Key Pair, Re-key, RNG
        String derived = created(ok(V21, Operation.DERIVE_KEY, payload(
                TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()), uid(password),
                TtlvItem.enumeration(Tag.DERIVATION_METHOD, DerivationMethod.PBKDF2.value()),
                TtlvItem.structure(Tag.DERIVATION_PARAMETERS,
                        params(TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA_256.value())),
                        TtlvItem.bytes(Tag.SALT, "salt".getBytes(StandardCharsets.US_ASCII)), TtlvItem.integer(Tag.ITERATION_COUNT, 1000)),
                attributes(V21, List.of(algorithm(CryptographicAlgorithm.AES), length(256), usageMask(12))))));
        secrets.add("derived key", material(ok(V21, Operation.GET, withUid(derived)), Tag.SYMMETRIC_KEY));
        TtlvItem pair = ok(V21, Operation.CREATE_KEY_PAIR, payload(
                AttributeMapping.toAttributes(Tag.COMMON_ATTRIBUTES, List.of(algorithm(CryptographicAlgorithm.RSA), length(2048))),
                AttributeMapping.toAttributes(Tag.PRIVATE_KEY_ATTRIBUTES, List.of(usageMask(CryptographicUsageMask.SIGN.value()))),
                AttributeMapping.toAttributes(Tag.PUBLIC_KEY_ATTRIBUTES, List.of(usageMask(CryptographicUsageMask.VERIFY.value())))));
        String generatedPrivate = pair.child(Tag.PRIVATE_KEY_UNIQUE_IDENTIFIER).orElseThrow().textValue();
        secrets.add("generated private key", material(ok(V21, Operation.GET, withUid(generatedPrivate)), Tag.PRIVATE_KEY));
        String old = created(ok(V14, Operation.CREATE, createAes(V14, 256, name("secrets-rekey"))));
        String replacement = created(ok(V14, Operation.RE_KEY, payload(uid(old), TtlvItem.interval(Tag.OFFSET, 3600))));
        secrets.add("re-keyed key", material(ok(V14, Operation.GET, withUid(replacement)), Tag.SYMMETRIC_KEY));
        secrets.add("random bytes", field(ok(V21, Operation.RNG_RETRIEVE, payload(TtlvItem.integer(Tag.DATA_LENGTH, 32))), Tag.DATA));
        ok(V21, Operation.RNG_SEED, payload(data(bytes(new Random(5), 32))));

        // Export and Import
        TtlvItem exported = ok(V21, Operation.EXPORT, withUid(aes));
        ok(V21, Operation.IMPORT, payload(uid("secrets-imported"), TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()),
                exported.child(Tag.ATTRIBUTES).orElseThrow(), exported.child(Tag.SYMMETRIC_KEY).orElseThrow()));

        // Create and Join Split Key
        TtlvItem split = ok(V21, Operation.CREATE_SPLIT_KEY, payload(TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()),
                uid(wrappedKey), TtlvItem.integer(Tag.SPLIT_KEY_PARTS, 3), TtlvItem.integer(Tag.SPLIT_KEY_THRESHOLD, 2),
                TtlvItem.enumeration(Tag.SPLIT_KEY_METHOD, SplitKeyMethod.POLYNOMIAL_SHARING_GF_2_8.value())));
        List<String> parts = split.childrenWith(Tag.UNIQUE_IDENTIFIER).stream().map(TtlvItem::textValue).toList();
        secrets.add("split key part", material(ok(V21, Operation.GET, withUid(parts.get(0))), Tag.SPLIT_KEY));
        ok(V21, Operation.JOIN_SPLIT_KEY, payload(TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()),
                uid(parts.get(0)), uid(parts.get(2)), attributes(V21, List.of(usageMask(12)))));

        // Certify, then Register the certificate it made; Validate
        byte[] csr = new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=secrets"), ec.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(ec.getPrivate())).getEncoded();
        String certificate = created(ok(V21, Operation.CERTIFY, payload(
                TtlvItem.enumeration(Tag.CERTIFICATE_REQUEST_TYPE, CertificateRequestType.PKCS_10.value()),
                TtlvItem.bytes(Tag.CERTIFICATE_REQUEST_VALUE, csr))));
        TtlvItem cert = ok(V21, Operation.GET, withUid(certificate)).child(Tag.CERTIFICATE).orElseThrow();
        register(V21, ObjectType.CERTIFICATE, cert, 0);
        ok(V21, Operation.VALIDATE, payload(uid(certificate)));

        // Revoke and Destroy; Query, Discover Versions
        ok(V21, Operation.DESTROY, withUid(old));
        ok(V21, Operation.REVOKE, revoke(aes, RevocationReasonCode.KEY_COMPROMISE.value()));
        ok(V21, Operation.DESTROY, withUid(aes));
        ok(V21, Operation.QUERY, payload(TtlvItem.enumeration(Tag.QUERY_FUNCTION, QueryFunction.QUERY_OPERATIONS.value())));
        ok(V21, Operation.DISCOVER_VERSIONS, payload());
    }

    // ---- requests that fail at many points, most of them carrying secrets

    private void badRequests(byte[] aesKey, KeyPair rsa) throws Exception {
        String hmac = register(V21, ObjectType.SYMMETRIC_KEY, symmetricKey(bytes(new Random(9), 32), CryptographicAlgorithm.HMAC_SHA256),
                CryptographicUsageMask.MAC_GENERATE.value() | CryptographicUsageMask.MAC_VERIFY.value());
        ok(V21, Operation.ACTIVATE, withUid(hmac));
        String aes = register(V21, ObjectType.SYMMETRIC_KEY, symmetricKey(bytes(new Random(11), 32), CryptographicAlgorithm.AES), 0x0C);
        ok(V21, Operation.ACTIVATE, withUid(aes));
        secrets.add("second HMAC key", bytes(new Random(9), 32)).add("second AES key", bytes(new Random(11), 32));

        // framing and decoding: the key's own item with a bad type, or as a Text String that is not UTF-8
        byte[] register = new TtlvEncoder().encode(new RequestMessage(RequestHeader.of(V21, 1), List.of(RequestBatchItem.of(
                Operation.REGISTER, payload(TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()),
                        attributes(V21, List.of(usageMask(12))), symmetricKey(aesKey, CryptographicAlgorithm.AES))))).toTtlv());
        int at = indexOf(register, aesKey) - 8;
        for (byte type : new byte[] {0x0F, 0x07, 0x02}) {
            byte[] bad = register.clone();
            bad[at + 3] = type;
            if (type == 0x07) {
                bad[at + 8] = (byte) 0xC3;
                bad[at + 9] = (byte) 0x28;
            }
            record(ResponseMessage.from(new TtlvDecoder().decode(c.exchange(bad))));
        }
        // mapping: the key material as text, the password in a wrong-typed field
        call(V21, Operation.REGISTER, payload(TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()),
                attributes(V21, List.of(usageMask(12))), TtlvItem.structure(Tag.SYMMETRIC_KEY, TtlvItem.structure(Tag.KEY_BLOCK,
                        TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.RAW.value()),
                        TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.text(Tag.KEY_MATERIAL, PASSWORD))))));
        call(V21, Operation.GET, payload(TtlvItem.bytes(Tag.UNIQUE_IDENTIFIER, aesKey)));
        // key material that does not fit its algorithm or format; what Register accepts is then used, so that
        // the material is parsed (and may fail) on the way
        TtlvItem pss = params(TtlvItem.enumeration(Tag.PADDING_METHOD, PaddingMethod.PSS.value()),
                TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA_256.value()));
        String shortAes = tryRegister(V21, ObjectType.SYMMETRIC_KEY, symmetricKey(Arrays.copyOf(aesKey, 31),
                CryptographicAlgorithm.AES), 0x0C);
        use(shortAes, Operation.ENCRYPT, payload(uid(shortAes), data(PLAINTEXT)));
        String truncatedRsa = tryRegister(V14, ObjectType.PRIVATE_KEY, TtlvItem.structure(Tag.PRIVATE_KEY,
                keyBlock(KeyFormatType.PKCS_8, Arrays.copyOf(rsa.getPrivate().getEncoded(), 300), CryptographicAlgorithm.RSA)),
                CryptographicUsageMask.SIGN.value());
        use(truncatedRsa, Operation.SIGN, payload(uid(truncatedRsa), pss, data(PLAINTEXT)));
        use(truncatedRsa, Operation.GET, payload(uid(truncatedRsa), format(KeyFormatType.TRANSPARENT_RSA_PRIVATE_KEY)));
        String rsaAsX509 = tryRegister(V21, ObjectType.PRIVATE_KEY, TtlvItem.structure(Tag.PRIVATE_KEY,
                keyBlock(KeyFormatType.X_509, rsa.getPrivate().getEncoded(), CryptographicAlgorithm.RSA)),
                CryptographicUsageMask.SIGN.value());
        use(rsaAsX509, Operation.SIGN, payload(uid(rsaAsX509), pss, data(PLAINTEXT)));
        use(rsaAsX509, Operation.GET, payload(uid(rsaAsX509), format(KeyFormatType.PKCS_1)));
        String aesAsPkcs8 = tryRegister(V21, ObjectType.SYMMETRIC_KEY, TtlvItem.structure(Tag.SYMMETRIC_KEY,
                keyBlock(KeyFormatType.PKCS_8, aesKey, CryptographicAlgorithm.AES)), 0x0C);
        use(aesAsPkcs8, Operation.ENCRYPT, payload(uid(aesAsPkcs8), data(PLAINTEXT)));
        use(aesAsPkcs8, Operation.GET, payload(uid(aesAsPkcs8), format(KeyFormatType.RAW)));
        // crypto failures
        TtlvItem gcm = params(TtlvItem.enumeration(Tag.BLOCK_CIPHER_MODE, BlockCipherMode.GCM.value()));
        call(V21, Operation.DECRYPT, payload(uid(aes), gcm, data(PLAINTEXT), iv(new byte[12]),
                TtlvItem.bytes(Tag.AUTHENTICATED_ENCRYPTION_TAG, new byte[16])));
        TtlvItem cbc = params(TtlvItem.enumeration(Tag.BLOCK_CIPHER_MODE, BlockCipherMode.CBC.value()),
                TtlvItem.enumeration(Tag.PADDING_METHOD, PaddingMethod.PKCS5.value()));
        call(V21, Operation.DECRYPT, payload(uid(aes), cbc, data(Arrays.copyOf(PLAINTEXT, 32)), iv(new byte[16])));
        call(V21, Operation.ENCRYPT, payload(uid(aes), cbc, data(PLAINTEXT), iv(new byte[5])));
        call(V21, Operation.ENCRYPT, payload(uid(aes), params(TtlvItem.enumeration(Tag.BLOCK_CIPHER_MODE,
                BlockCipherMode.ECB.value())), data(Arrays.copyOf(PLAINTEXT, 17))));
        call(V21, Operation.ENCRYPT, payload(data(PLAINTEXT), TtlvItem.bytes(Tag.CORRELATION_VALUE, aesKey)));
        call(V21, Operation.MAC_VERIFY, payload(uid(hmac), data(PLAINTEXT), TtlvItem.bytes(Tag.MAC_DATA, aesKey)));
        call(V21, Operation.SIGNATURE_VERIFY, payload(uid(hmac), data(PLAINTEXT), TtlvItem.bytes(Tag.SIGNATURE_DATA, aesKey)));
        call(V21, Operation.SIGN, payload(uid(aes), data(PLAINTEXT)));
        call(V21, Operation.HASH, payload(params(TtlvItem.enumeration(Tag.HASHING_ALGORITHM, 0x7777)), data(PLAINTEXT)));
        call(V21, Operation.RNG_SEED, payload(TtlvItem.text(Tag.DATA, PASSWORD)));
        // lookups, policy and lifecycle
        call(V21, Operation.GET, payload(uid(aes), wrapping("no-such-kek")));
        call(V21, Operation.GET, payload(uid(aes), wrapping(hmac)));
        call(V21, Operation.GET, payload(uid(aes), format(KeyFormatType.PKCS_1)));
        call(V21, Operation.DESTROY, withUid(aes));
        call(V21, Operation.DERIVE_KEY, payload(TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()), uid(aes),
                TtlvItem.enumeration(Tag.DERIVATION_METHOD, DerivationMethod.PBKDF2.value()),
                TtlvItem.structure(Tag.DERIVATION_PARAMETERS, TtlvItem.bytes(Tag.SALT, aesKey)),
                attributes(V21, List.of(algorithm(CryptographicAlgorithm.AES), length(256)))));
        call(V21, Operation.IMPORT, payload(uid("secrets-bad-import"), TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()),
                attributes(V21, List.of()), TtlvItem.structure(Tag.SYMMETRIC_KEY, TtlvItem.bytes(Tag.KEY_MATERIAL, aesKey))));
        call(V21, Operation.CERTIFY, payload(TtlvItem.enumeration(Tag.CERTIFICATE_REQUEST_TYPE, CertificateRequestType.PKCS_10.value()),
                TtlvItem.bytes(Tag.CERTIFICATE_REQUEST_VALUE, rsa.getPrivate().getEncoded())));
        call(V21, Operation.JOIN_SPLIT_KEY, payload(TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()), uid(aes)));
        call(V21, Operation.CREATE_SPLIT_KEY, payload(TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()), uid(aes),
                TtlvItem.integer(Tag.SPLIT_KEY_PARTS, 1), TtlvItem.integer(Tag.SPLIT_KEY_THRESHOLD, 5)));
        call(V21, Operation.CREATE, createAes(V21, 77));
        call(V21, Operation.CREATE_KEY_PAIR, payload(AttributeMapping.toAttributes(Tag.COMMON_ATTRIBUTES,
                List.of(algorithm(CryptographicAlgorithm.RSA), length(333)))));
        // a credential with a password in the header
        TtlvItem authentication = TtlvItem.structure(Tag.AUTHENTICATION, TtlvItem.structure(Tag.CREDENTIAL,
                TtlvItem.enumeration(Tag.CREDENTIAL_TYPE, 1), TtlvItem.structure(Tag.CREDENTIAL_VALUE,
                        TtlvItem.text(Tag.USERNAME, "client1"), TtlvItem.text(Tag.PASSWORD, CREDENTIAL_PASSWORD))));
        record(c.send(new RequestMessage(new RequestHeader(V21, null, null, null, null, null, List.of(), authentication, null, null,
                null, 1), List.of(RequestBatchItem.of(Operation.GET, withUid("no-such-object"))))));
    }

    /** Every operation Query lists that the steps above did not use, with an empty payload. */
    private void everyOtherOperation() throws Exception {
        TtlvItem query = ok(V14, Operation.QUERY, payload(TtlvItem.enumeration(Tag.QUERY_FUNCTION, QueryFunction.QUERY_OPERATIONS.value())));
        for (TtlvItem op : query.childrenWith(Tag.OPERATION)) {
            Operation operation = Operation.fromValue(op.enumValue()).orElseThrow();
            if (!exercised.contains(operation.value())) {
                call(V14, operation, payload());
                call(V21, operation, payload(uid("no-such-object"), data(PLAINTEXT)));
            }
        }
    }

    // ---- helpers

    private void addServerSecrets(LiveServer server) throws Exception {
        ServerConfig.MasterKeyStore masterKey = ServerConfig.MasterKeyStore.development(server.directory());
        secrets.add("master key passphrase", Files.readAllLines(masterKey.passphraseFile()).get(0).trim());
        String pem = Files.readString(new DevPki.Layout(server.directory()).serverKey());
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        secrets.add("TLS server private key", Base64.getDecoder().decode(body));
    }

    /**
     * A stack trace that a library (not Keyhold) logs at DEBUG or TRACE, such as Netty's probing of the
     * platform at start-up: outside the project's control and never on at the levels a server runs with.
     * Keyhold's own loggers, and every logger at INFO and above, may log no stack trace at all.
     */
    private static boolean isLibraryDiagnostic(String line) {
        if (!line.startsWith("DEBUG") && !line.startsWith("TRACE")) {
            return false;
        }
        int loggerAt = line.indexOf("] ");
        return loggerAt > 0 && !line.startsWith("io.keyhold.", loggerAt + 2);
    }

    private List<String> scan(String where, String text) {
        return secrets.scan(where, text);
    }

    private String register(KmipVersion v, ObjectType type, TtlvItem object, int usage, KmipAttribute... more) throws Exception {
        List<KmipAttribute> a = new ArrayList<>(List.of(usageMask(usage)));
        a.addAll(List.of(more));
        return created(ok(v, Operation.REGISTER, payload(TtlvItem.enumeration(Tag.OBJECT_TYPE, type.value()), attributes(v, a), object)));
    }

    /** Register that may fail (then null), activating what it accepts. */
    private String tryRegister(KmipVersion v, ObjectType type, TtlvItem object, int usage) throws Exception {
        ResponseBatchItem item = call(v, Operation.REGISTER, payload(TtlvItem.enumeration(Tag.OBJECT_TYPE, type.value()),
                attributes(v, List.of(usageMask(usage))), object));
        if (item.resultStatus() != 0) {
            return null;
        }
        String id = created(item.payload());
        call(V21, Operation.ACTIVATE, withUid(id));
        return id;
    }

    /** An operation on an object that Register may have refused (then nothing is sent). */
    private void use(String id, Operation op, TtlvItem payload) throws Exception {
        if (id != null) {
            call(V21, op, payload);
        }
    }

    private TtlvItem ok(KmipVersion v, Operation op, TtlvItem payload) throws Exception {
        ResponseBatchItem item = call(v, op, payload);
        assertThat(item.resultStatus()).as(op.specName() + " at " + v + ": " + item.resultMessage()).isZero();
        return item.payload();
    }

    private ResponseBatchItem call(KmipVersion v, Operation op, TtlvItem payload) throws Exception {
        exercised.add(op.value());
        ResponseBatchItem item = c.call(v, op, payload);
        record(item);
        return item;
    }

    private void record(ResponseMessage m) {
        m.batchItems().forEach(this::record);
    }

    private void record(ResponseBatchItem item) {
        if (item.resultMessage() != null) {
            resultMessages.add(item.resultMessage());
        }
    }

    private static String created(TtlvItem payload) {
        return payload.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
    }

    private static TtlvItem keyBlock(KeyFormatType format, byte[] material, CryptographicAlgorithm algorithm) {
        List<TtlvItem> c = new ArrayList<>(List.of(TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, format.value()),
                TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, material))));
        if (algorithm != null) {
            c.add(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, algorithm.value()));
        }
        return TtlvItem.structure(Tag.KEY_BLOCK, c);
    }

    private static TtlvItem symmetricKey(byte[] material, CryptographicAlgorithm algorithm) {
        return TtlvItem.structure(Tag.SYMMETRIC_KEY, TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.RAW.value()),
                TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, material)),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, algorithm.value()),
                TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, material.length * 8)));
    }

    private static byte[] material(TtlvItem getPayload, int objectTag) {
        return getPayload.child(objectTag).orElseThrow().child(Tag.KEY_BLOCK).orElseThrow().child(Tag.KEY_VALUE).orElseThrow()
                .child(Tag.KEY_MATERIAL).orElseThrow().bytesValue();
    }

    private static TtlvItem wrapping(String kek) {
        return TtlvItem.structure(Tag.KEY_WRAPPING_SPECIFICATION, TtlvItem.enumeration(Tag.WRAPPING_METHOD, 1),
                TtlvItem.structure(Tag.ENCRYPTION_KEY_INFORMATION, uid(kek)), TtlvItem.enumeration(Tag.ENCODING_OPTION, 1));
    }

    private static TtlvItem format(KeyFormatType f) {
        return TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, f.value());
    }

    private static TtlvItem params(TtlvItem... fields) {
        return TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS, fields);
    }

    private static TtlvItem data(byte[] d) {
        return TtlvItem.bytes(Tag.DATA, d);
    }

    private static TtlvItem iv(byte[] d) {
        return TtlvItem.bytes(Tag.IV_COUNTER_NONCE, d);
    }

    private static byte[] field(TtlvItem payload, int tag) {
        return payload.child(tag).orElseThrow(() -> new AssertionError("no " + String.format("0x%06X", tag) + " in " + payload))
                .bytesValue();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("needle not found");
    }

    private static KeyPair generate(String algorithm, int bits) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
        g.initialize(bits);
        return g.generateKeyPair();
    }

    private static KeyPair generateEc() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }
}
