package io.keyhold.server.interop;

import static io.keyhold.server.testing.Payloads.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.PaddingMethod;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.ValidityIndicator;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.testing.KmipTestClient;
import io.keyhold.server.testing.LiveServer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sign, Signature Verify, MAC, MAC Verify and Hash over real mutual TLS: key pairs registered as PKCS#8 / X.509,
 * an HMAC key made by Create, at KMIP 1.4 and 2.1, single and multi-part on one connection.
 */
class SignatureEndToEndTest {
    private static final byte[] MESSAGE = "end-to-end message".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static LiveServer server;
    private KmipTestClient c;

    @BeforeAll
    static void start() throws Exception {
        server = LiveServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void connect() throws Exception {
        c = server.client("client1");
    }

    @AfterEach
    void disconnect() throws Exception {
        c.close();
    }

    private static void fails(ResponseBatchItem item, ResultReason reason) {
        assertThat(item.resultStatus()).isEqualTo(ResultStatus.OPERATION_FAILED.value());
        assertThat(ResultReason.fromValue(item.resultReason()).map(ResultReason::specName).orElse("" + item.resultReason()))
                .as(item.resultMessage()).isEqualTo(reason.specName());
    }

    private String registerActive(KmipVersion v, ObjectType type, KeyFormatType format, byte[] material,
                                  CryptographicAlgorithm alg, CryptographicUsageMask usage) throws Exception {
        int tag = type == ObjectType.PRIVATE_KEY ? Tag.PRIVATE_KEY : Tag.PUBLIC_KEY;
        TtlvItem object = TtlvItem.structure(tag, TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, format.value()),
                TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, material)),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, alg.value())));
        String uid = c.ok(v, Operation.REGISTER, payload(TtlvItem.enumeration(Tag.OBJECT_TYPE, type.value()),
                attributes(v, List.of(usageMask(usage.value()))), object)).child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
        c.ok(v, Operation.ACTIVATE, withUid(uid));
        return uid;
    }

    private static ValidityIndicator validity(TtlvItem response) {
        return ValidityIndicator.fromValue(response.child(Tag.VALIDITY_INDICATOR).orElseThrow().enumValue()).orElseThrow();
    }

    private void signAndVerify(KeyPair kp, CryptographicAlgorithm alg, TtlvItem... params) throws Exception {
        signAndVerify(List.of(KmipVersion.V1_4, KmipVersion.V2_1), kp, alg, params);
    }

    private void signAndVerify(List<KmipVersion> versions, KeyPair kp, CryptographicAlgorithm alg, TtlvItem... params)
            throws Exception {
        for (KmipVersion v : versions) {
            String priv = registerActive(v, ObjectType.PRIVATE_KEY, KeyFormatType.PKCS_8, kp.getPrivate().getEncoded(), alg,
                    CryptographicUsageMask.SIGN);
            String pub = registerActive(v, ObjectType.PUBLIC_KEY, KeyFormatType.X_509, kp.getPublic().getEncoded(), alg,
                    CryptographicUsageMask.VERIFY);
            TtlvItem[] p = params;
            byte[] sig = c.ok(v, Operation.SIGN, payload(concat(uid(priv), p, TtlvItem.bytes(Tag.DATA, MESSAGE))))
                    .child(Tag.SIGNATURE_DATA).orElseThrow().bytesValue();
            assertThat(validity(c.ok(v, Operation.SIGNATURE_VERIFY, payload(concat(uid(pub), p, TtlvItem.bytes(Tag.DATA, MESSAGE),
                    TtlvItem.bytes(Tag.SIGNATURE_DATA, sig)))))).as(v + " valid").isEqualTo(ValidityIndicator.VALID);
            byte[] tampered = sig.clone();
            tampered[tampered.length / 2] ^= 1;
            assertThat(validity(c.ok(v, Operation.SIGNATURE_VERIFY, payload(concat(uid(pub), p, TtlvItem.bytes(Tag.DATA, MESSAGE),
                    TtlvItem.bytes(Tag.SIGNATURE_DATA, tampered)))))).as(v + " tampered").isEqualTo(ValidityIndicator.INVALID);
            // a public key cannot sign
            fails(c.call(v, Operation.SIGN, payload(concat(uid(pub), p, TtlvItem.bytes(Tag.DATA, MESSAGE)))),
                    v.isTwoOrLater() ? ResultReason.INVALID_OBJECT_TYPE : io.keyhold.server.dispatch.ResultReasons
                            .forVersion(ResultReason.INVALID_OBJECT_TYPE, v));
        }
    }

    private static TtlvItem[] concat(TtlvItem first, TtlvItem[] middle, TtlvItem... last) {
        TtlvItem[] out = new TtlvItem[1 + middle.length + last.length];
        out[0] = first;
        System.arraycopy(middle, 0, out, 1, middle.length);
        System.arraycopy(last, 0, out, 1 + middle.length, last.length);
        return out;
    }

    @Test
    void rsaPss_signThenVerify() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        signAndVerify(g.generateKeyPair(), CryptographicAlgorithm.RSA, TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS,
                TtlvItem.enumeration(Tag.PADDING_METHOD, PaddingMethod.PSS.value()),
                TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA_256.value())));
    }

    @Test
    void ecdsaP256_signThenVerify() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        signAndVerify(g.generateKeyPair(), CryptographicAlgorithm.ECDSA, TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS,
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.ECDSA.value()),
                TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA_256.value())));
    }

    @Test
    void ed25519_signThenVerify() throws Exception {
        signAndVerify(List.of(KmipVersion.V2_0, KmipVersion.V2_1), KeyPairGenerator.getInstance("Ed25519").generateKeyPair(),
                CryptographicAlgorithm.ED25519);
    }

    @Test
    void ed25519_registerIn14_isInvalidField() throws Exception {
        // Ed25519 is a KMIP 2.0 Cryptographic Algorithm: a 1.4 client could not even read the key back
        KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        TtlvItem object = TtlvItem.structure(Tag.PRIVATE_KEY, TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.PKCS_8.value()),
                TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, kp.getPrivate().getEncoded())),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.ED25519.value())));
        ResponseBatchItem r = c.call(KmipVersion.V1_4, Operation.REGISTER, payload(TtlvItem.enumeration(Tag.OBJECT_TYPE,
                ObjectType.PRIVATE_KEY.value()), attributes(KmipVersion.V1_4,
                List.of(usageMask(CryptographicUsageMask.SIGN.value()))), object));
        fails(r, ResultReason.INVALID_FIELD);
        assertThat(r.resultMessage()).contains("Ed25519").contains("1.4");
    }

    @Test
    void hmacKeyFromCreate_macThenVerify() throws Exception {
        int usage = CryptographicUsageMask.MAC_GENERATE.value() | CryptographicUsageMask.MAC_VERIFY.value();
        for (KmipVersion v : List.of(KmipVersion.V1_4, KmipVersion.V2_1)) {
            String uid = c.ok(v, Operation.CREATE, create(v, algorithm(CryptographicAlgorithm.HMAC_SHA256), length(256), usageMask(usage)))
                    .child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
            // Pre-Active keys do not MAC
            fails(c.call(v, Operation.MAC, payload(uid(uid), TtlvItem.bytes(Tag.DATA, MESSAGE))),
                    io.keyhold.server.dispatch.ResultReasons.forVersion(ResultReason.WRONG_KEY_LIFECYCLE_STATE, v));
            c.ok(v, Operation.ACTIVATE, withUid(uid));
            byte[] mac = c.ok(v, Operation.MAC, payload(uid(uid), TtlvItem.bytes(Tag.DATA, MESSAGE))).child(Tag.MAC_DATA).orElseThrow().bytesValue();
            assertThat(mac).hasSize(32);
            assertThat(validity(c.ok(v, Operation.MAC_VERIFY, payload(uid(uid), TtlvItem.bytes(Tag.DATA, MESSAGE),
                    TtlvItem.bytes(Tag.MAC_DATA, mac))))).isEqualTo(ValidityIndicator.VALID);
            mac[0] ^= 1;
            assertThat(validity(c.ok(v, Operation.MAC_VERIFY, payload(uid(uid), TtlvItem.bytes(Tag.DATA, MESSAGE),
                    TtlvItem.bytes(Tag.MAC_DATA, mac))))).isEqualTo(ValidityIndicator.INVALID);
        }
    }

    @Test
    void hash_atTwoPointOne_singleAndInPartsOnOneConnection() throws Exception {
        KmipVersion v = KmipVersion.V2_1;
        TtlvItem sha256 = TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS, TtlvItem.enumeration(Tag.HASHING_ALGORITHM,
                HashingAlgorithm.SHA_256.value()));
        byte[] data = HexFormat.of().parseHex("01020304050607080910111213141516");
        // OASIS KMIP test case CS-AC-M-7-21
        byte[] expected = HexFormat.of().parseHex("ad41233d22cf9322e3a7ff49a13da434797abed3bab80950a1a0d4e582b7ea72");
        assertThat(c.ok(v, Operation.HASH, payload(sha256, TtlvItem.bytes(Tag.DATA, data))).child(Tag.DATA).orElseThrow().bytesValue())
                .isEqualTo(expected);
        byte[] corr = c.ok(v, Operation.HASH, payload(sha256, TtlvItem.bytes(Tag.DATA, java.util.Arrays.copyOfRange(data, 0, 4)),
                TtlvItem.bool(Tag.INIT_INDICATOR, true))).child(Tag.CORRELATION_VALUE).orElseThrow().bytesValue();
        c.ok(v, Operation.HASH, payload(TtlvItem.bytes(Tag.CORRELATION_VALUE, corr), TtlvItem.bytes(Tag.DATA,
                java.util.Arrays.copyOfRange(data, 4, 9))));
        // the stream belongs to this connection only
        try (KmipTestClient other = server.client("client1")) {
            fails(other.call(v, Operation.HASH, payload(TtlvItem.bytes(Tag.CORRELATION_VALUE, corr), TtlvItem.bytes(Tag.DATA, data),
                    TtlvItem.bool(Tag.FINAL_INDICATOR, true))), ResultReason.INVALID_CORRELATION_VALUE);
        }
        assertThat(c.ok(v, Operation.HASH, payload(TtlvItem.bytes(Tag.CORRELATION_VALUE, corr), TtlvItem.bytes(Tag.DATA,
                java.util.Arrays.copyOfRange(data, 9, 16)), TtlvItem.bool(Tag.FINAL_INDICATOR, true))).child(Tag.DATA).orElseThrow()
                .bytesValue()).isEqualTo(expected);
        // Hash came with KMIP 1.2
        fails(c.call(KmipVersion.V1_1, Operation.HASH, payload(sha256, TtlvItem.bytes(Tag.DATA, data))), ResultReason.OPERATION_NOT_SUPPORTED);
    }
}
