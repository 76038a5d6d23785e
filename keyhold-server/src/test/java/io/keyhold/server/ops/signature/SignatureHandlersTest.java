package io.keyhold.server.ops.signature;

import static io.keyhold.server.crypto.signature.TestKeys.hex;
import static io.keyhold.server.crypto.signature.TestKeys.parameters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.DigitalSignatureAlgorithm;
import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.PaddingMethod;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.ValidityIndicator;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.auth.Identity;
import io.keyhold.server.crypto.signature.TestKeys;
import io.keyhold.server.dispatch.ConnectionSession;
import io.keyhold.server.dispatch.RequestContext;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.store.memory.InMemoryObjectStore;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Sign, Signature Verify, MAC, MAC Verify and Hash through their handlers, over an in-memory store. */
class SignatureHandlersTest {
    private static final long T0 = 1_700_000_000L;
    private static final byte[] MESSAGE = "message to be signed, in three parts".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int SIGN = CryptographicUsageMask.SIGN.value();
    private static final int VERIFY = CryptographicUsageMask.VERIFY.value();
    private static final int MAC_BOTH = CryptographicUsageMask.MAC_GENERATE.value() | CryptographicUsageMask.MAC_VERIFY.value();

    private final InMemoryObjectStore store = new InMemoryObjectStore();
    private ConnectionSession session = new ConnectionSession();
    private final Map<Operation, OperationHandler> handlers = SignatureOperations.handlers(new SecureRandom()).stream()
            .collect(Collectors.toMap(OperationHandler::operation, Function.identity()));
    private KmipVersion version = KmipVersion.V2_1;
    private int counter;

    private TtlvItem run(Operation op, TtlvItem... fields) throws KmipException {
        RequestContext request = new RequestContext(new Identity("client1"), "127.0.0.1:1", session);
        OperationContext context = new OperationContext(version, request, Clock.fixed(Instant.ofEpochSecond(T0), ZoneOffset.UTC),
                store, new OperationContext.BatchState(), null);
        return handlers.get(op).handle(context, TtlvItem.structure(Tag.REQUEST_PAYLOAD, fields));
    }

    private ResultReason fails(Operation op, TtlvItem... fields) {
        KmipException e = catchThrowableOfType(KmipException.class, () -> run(op, fields));
        assertThat(e).as(op.specName() + " must fail").isNotNull();
        assertThat(e.getMessage()).isNotBlank();
        return e.reason();
    }

    private String put(StoredObject o) throws KmipException {
        store.write(tx -> {
            tx.insert(o);
            return null;
        });
        return o.uniqueIdentifier();
    }

    private String uid() {
        return "key-" + ++counter;
    }

    private String privateKey(KeyPair kp, CryptographicAlgorithm alg, int mask, State state, KmipAttribute... extra) throws KmipException {
        return put(TestKeys.privateKey(uid(), kp.getPrivate().getEncoded(), alg, mask, state, extra));
    }

    private String publicKey(KeyPair kp, CryptographicAlgorithm alg, int mask, State state, KmipAttribute... extra) throws KmipException {
        return put(TestKeys.publicKey(uid(), kp.getPublic().getEncoded(), alg, mask, state, extra));
    }

    private static TtlvItem uid(String uid) {
        return TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uid);
    }

    private static TtlvItem data(byte[] data) {
        return TtlvItem.bytes(Tag.DATA, data);
    }

    private static TtlvItem signature(byte[] sig) {
        return TtlvItem.bytes(Tag.SIGNATURE_DATA, sig);
    }

    private static TtlvItem init() {
        return TtlvItem.bool(Tag.INIT_INDICATOR, true);
    }

    private static TtlvItem fin() {
        return TtlvItem.bool(Tag.FINAL_INDICATOR, true);
    }

    private static TtlvItem correlation(byte[] c) {
        return TtlvItem.bytes(Tag.CORRELATION_VALUE, c);
    }

    private static byte[] bytes(TtlvItem response, int tag) {
        return response.child(tag).orElseThrow(() -> new AssertionError("no tag 0x" + Integer.toHexString(tag) + " in " + response))
                .bytesValue();
    }

    private static ValidityIndicator validity(TtlvItem response) {
        return ValidityIndicator.fromValue(response.child(Tag.VALIDITY_INDICATOR).orElseThrow().enumValue()).orElseThrow();
    }

    /** A key pair of each kind with the request parameters it signs with. */
    enum Kind {
        RSA_PKCS1, RSA_PSS, ECDSA_P256, ECDSA_P384, ED25519, ED448;

        KeyPair generate() throws Exception {
            return switch (this) {
                case RSA_PKCS1, RSA_PSS -> TestKeys.rsa(2048);
                case ECDSA_P256 -> TestKeys.ec("secp256r1");
                case ECDSA_P384 -> TestKeys.ec("secp384r1");
                case ED25519 -> TestKeys.edwards("Ed25519");
                case ED448 -> TestKeys.edwards("Ed448");
            };
        }

        CryptographicAlgorithm algorithm() {
            return switch (this) {
                case RSA_PKCS1, RSA_PSS -> CryptographicAlgorithm.RSA;
                case ECDSA_P256, ECDSA_P384 -> CryptographicAlgorithm.ECDSA;
                case ED25519 -> CryptographicAlgorithm.ED25519;
                case ED448 -> CryptographicAlgorithm.ED448;
            };
        }

        /** Request parameters; none for EdDSA. */
        TtlvItem[] parameters() {
            return switch (this) {
                case RSA_PKCS1 -> new TtlvItem[]{TestKeys.parameters(TtlvItem.enumeration(Tag.DIGITAL_SIGNATURE_ALGORITHM,
                        DigitalSignatureAlgorithm.SHA_256_WITH_RSA_ENCRYPTION.value()))};
                case RSA_PSS -> new TtlvItem[]{TestKeys.parameters(TtlvItem.enumeration(Tag.PADDING_METHOD, PaddingMethod.PSS.value()),
                        TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA_256.value()))};
                case ECDSA_P256 -> new TtlvItem[]{TestKeys.parameters(TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA_256.value()))};
                case ECDSA_P384 -> new TtlvItem[]{TestKeys.parameters(TtlvItem.enumeration(Tag.DIGITAL_SIGNATURE_ALGORITHM,
                        DigitalSignatureAlgorithm.ECDSA_WITH_SHA384.value()))};
                case ED25519, ED448 -> new TtlvItem[0];
            };
        }
    }

    private static TtlvItem[] with(TtlvItem[] first, TtlvItem... more) {
        List<TtlvItem> all = new ArrayList<>(Arrays.asList(first));
        all.addAll(Arrays.asList(more));
        return all.toArray(TtlvItem[]::new);
    }

    private byte[] sign(String priv, Kind kind, byte[] message) throws KmipException {
        return bytes(run(Operation.SIGN, with(new TtlvItem[]{uid(priv)}, with(kind.parameters(), data(message)))), Tag.SIGNATURE_DATA);
    }

    private ValidityIndicator verify(String pub, Kind kind, byte[] message, byte[] sig) throws KmipException {
        return validity(run(Operation.SIGNATURE_VERIFY, with(new TtlvItem[]{uid(pub)}, with(kind.parameters(), data(message), signature(sig)))));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void signThenVerify_atOnePointFourAndTwoPointOne_validAndTamperedInvalid(Kind kind) throws Exception {
        KeyPair kp = kind.generate();
        String priv = privateKey(kp, kind.algorithm(), SIGN, State.ACTIVE);
        String pub = publicKey(kp, kind.algorithm(), VERIFY, State.ACTIVE);
        for (KmipVersion v : List.of(KmipVersion.V1_4, KmipVersion.V2_1)) {
            version = v;
            TtlvItem response = run(Operation.SIGN, with(new TtlvItem[]{uid(priv)}, with(kind.parameters(), data(MESSAGE))));
            assertThat(response.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue()).isEqualTo(priv);
            byte[] sig = bytes(response, Tag.SIGNATURE_DATA);
            assertThat(verify(pub, kind, MESSAGE, sig)).isEqualTo(ValidityIndicator.VALID);
            byte[] otherMessage = MESSAGE.clone();
            otherMessage[3] ^= 1;
            assertThat(verify(pub, kind, otherMessage, sig)).as("tampered message").isEqualTo(ValidityIndicator.INVALID);
            byte[] tampered = sig.clone();
            tampered[sig.length - 1] ^= 1;
            assertThat(verify(pub, kind, MESSAGE, tampered)).as("tampered signature").isEqualTo(ValidityIndicator.INVALID);
            assertThat(verify(pub, kind, MESSAGE, Arrays.copyOf(sig, sig.length / 2))).as("truncated").isEqualTo(ValidityIndicator.INVALID);
        }
        KeyPair other = kind.generate();
        String otherPub = publicKey(other, kind.algorithm(), VERIFY, State.ACTIVE);
        assertThat(verify(otherPub, kind, MESSAGE, sign(priv, kind, MESSAGE))).as("wrong key").isEqualTo(ValidityIndicator.INVALID);
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"RSA_PSS", "ECDSA_P256", "ED25519"})
    void signAndVerify_inThreeParts_matchSinglePart(Kind kind) throws Exception {
        KeyPair kp = kind.generate();
        String priv = privateKey(kp, kind.algorithm(), SIGN, State.ACTIVE);
        String pub = publicKey(kp, kind.algorithm(), VERIFY, State.ACTIVE);
        byte[] a = Arrays.copyOfRange(MESSAGE, 0, 10);
        byte[] b = Arrays.copyOfRange(MESSAGE, 10, 20);
        byte[] c = Arrays.copyOfRange(MESSAGE, 20, MESSAGE.length);
        TtlvItem first = run(Operation.SIGN, with(new TtlvItem[]{uid(priv)}, with(kind.parameters(), data(a), init())));
        byte[] corr = bytes(first, Tag.CORRELATION_VALUE);
        assertThat(first.child(Tag.SIGNATURE_DATA)).isEmpty();
        assertThat(bytes(run(Operation.SIGN, correlation(corr), data(b)), Tag.CORRELATION_VALUE)).isEqualTo(corr);
        TtlvItem last = run(Operation.SIGN, correlation(corr), data(c), fin());
        assertThat(last.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue()).isEqualTo(priv);
        byte[] sig = bytes(last, Tag.SIGNATURE_DATA);
        assertThat(verify(pub, kind, MESSAGE, sig)).isEqualTo(ValidityIndicator.VALID);
        // the stream is over
        assertThat(fails(Operation.SIGN, correlation(corr), data(c), fin())).isEqualTo(ResultReason.INVALID_CORRELATION_VALUE);

        TtlvItem v1 = run(Operation.SIGNATURE_VERIFY, with(new TtlvItem[]{uid(pub)}, with(kind.parameters(), data(a), init())));
        assertThat(validity(v1)).isEqualTo(ValidityIndicator.UNKNOWN);
        byte[] vc = bytes(v1, Tag.CORRELATION_VALUE);
        assertThat(validity(run(Operation.SIGNATURE_VERIFY, correlation(vc), data(b)))).isEqualTo(ValidityIndicator.UNKNOWN);
        assertThat(validity(run(Operation.SIGNATURE_VERIFY, correlation(vc), data(c), signature(sig), fin())))
                .isEqualTo(ValidityIndicator.VALID);
        // a stream verifying the wrong message part is Invalid
        byte[] vc2 = bytes(run(Operation.SIGNATURE_VERIFY, with(new TtlvItem[]{uid(pub)}, with(kind.parameters(), data(a), init()))),
                Tag.CORRELATION_VALUE);
        assertThat(validity(run(Operation.SIGNATURE_VERIFY, correlation(vc2), data(a), signature(sig), fin())))
                .isEqualTo(ValidityIndicator.INVALID);
    }

    @Test
    void streams_wrongCorrelationOtherOperationOrOtherConnection_invalidCorrelationValue() throws Exception {
        KeyPair kp = Kind.ECDSA_P256.generate();
        String priv = privateKey(kp, CryptographicAlgorithm.ECDSA, SIGN, State.ACTIVE);
        byte[] corr = bytes(run(Operation.SIGN, with(new TtlvItem[]{uid(priv)}, with(Kind.ECDSA_P256.parameters(), data(MESSAGE), init()))),
                Tag.CORRELATION_VALUE);
        byte[] wrong = corr.clone();
        wrong[0] ^= 1;
        assertThat(fails(Operation.SIGN, correlation(wrong), data(MESSAGE), fin())).isEqualTo(ResultReason.INVALID_CORRELATION_VALUE);
        assertThat(fails(Operation.MAC, correlation(corr), data(MESSAGE), fin())).isEqualTo(ResultReason.INVALID_CORRELATION_VALUE);
        assertThat(fails(Operation.HASH, correlation(corr), data(MESSAGE), fin())).isEqualTo(ResultReason.INVALID_CORRELATION_VALUE);
        ConnectionSession mine = session;
        session = new ConnectionSession();
        assertThat(fails(Operation.SIGN, correlation(corr), data(MESSAGE), fin())).isEqualTo(ResultReason.INVALID_CORRELATION_VALUE);
        session = mine;
        assertThat(fails(Operation.SIGN, correlation(corr), init(), data(MESSAGE))).isEqualTo(ResultReason.INVALID_FIELD);
        assertThat(run(Operation.SIGN, correlation(corr), data(MESSAGE), fin()).child(Tag.SIGNATURE_DATA)).isPresent();
    }

    @Test
    void stream_keyDeactivatedMidway_wrongStateAndStreamEnded() throws Exception {
        KeyPair kp = Kind.ED25519.generate();
        String priv = privateKey(kp, CryptographicAlgorithm.ED25519, SIGN, State.ACTIVE);
        byte[] corr = bytes(run(Operation.SIGN, uid(priv), data(MESSAGE), init()), Tag.CORRELATION_VALUE);
        StoredObject o = store.read(tx -> tx.get(priv)).orElseThrow();
        store.write(tx -> {
            tx.update(io.keyhold.server.ops.Lifecycle.with(o, TtlvItem.enumeration(Tag.STATE, State.DEACTIVATED.value())));
            return null;
        });
        assertThat(fails(Operation.SIGN, correlation(corr), data(MESSAGE), fin())).isEqualTo(ResultReason.WRONG_KEY_LIFECYCLE_STATE);
        assertThat(fails(Operation.SIGN, correlation(corr), data(MESSAGE), fin())).isEqualTo(ResultReason.INVALID_CORRELATION_VALUE);
    }

    @Test
    void signAndVerify_missingDataOrSignature_missingData() throws Exception {
        KeyPair kp = Kind.ED25519.generate();
        String priv = privateKey(kp, CryptographicAlgorithm.ED25519, SIGN, State.ACTIVE);
        String pub = publicKey(kp, CryptographicAlgorithm.ED25519, VERIFY, State.ACTIVE);
        assertThat(fails(Operation.SIGN, uid(priv))).isEqualTo(ResultReason.MISSING_DATA);
        assertThat(fails(Operation.SIGNATURE_VERIFY, uid(pub), data(MESSAGE))).isEqualTo(ResultReason.MISSING_DATA);
        assertThat(fails(Operation.SIGNATURE_VERIFY, uid(pub), signature(new byte[64]))).isEqualTo(ResultReason.MISSING_DATA);
        byte[] vc = bytes(run(Operation.SIGNATURE_VERIFY, uid(pub), data(MESSAGE), init()), Tag.CORRELATION_VALUE);
        assertThat(fails(Operation.SIGNATURE_VERIFY, correlation(vc), fin())).isEqualTo(ResultReason.MISSING_DATA);
    }

    @Test
    void keyChecks_typeUsageStateOwnerAndPeriods() throws Exception {
        KeyPair kp = Kind.ECDSA_P256.generate();
        TtlvItem[] p = Kind.ECDSA_P256.parameters();
        CryptographicAlgorithm ec = CryptographicAlgorithm.ECDSA;
        String pub = publicKey(kp, ec, VERIFY, State.ACTIVE);
        String priv = privateKey(kp, ec, SIGN, State.ACTIVE);
        byte[] sig = sign(priv, Kind.ECDSA_P256, MESSAGE);
        // object type
        assertThat(fails(Operation.SIGN, with(new TtlvItem[]{uid(pub)}, with(p, data(MESSAGE))))).isEqualTo(ResultReason.INVALID_OBJECT_TYPE);
        assertThat(fails(Operation.SIGNATURE_VERIFY, with(new TtlvItem[]{uid(priv)}, with(p, data(MESSAGE), signature(sig)))))
                .isEqualTo(ResultReason.INVALID_OBJECT_TYPE);
        // usage mask
        String noSign = privateKey(kp, ec, VERIFY, State.ACTIVE);
        String noVerify = publicKey(kp, ec, SIGN, State.ACTIVE);
        assertThat(fails(Operation.SIGN, with(new TtlvItem[]{uid(noSign)}, with(p, data(MESSAGE)))))
                .isEqualTo(ResultReason.INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK);
        assertThat(fails(Operation.SIGNATURE_VERIFY, with(new TtlvItem[]{uid(noVerify)}, with(p, data(MESSAGE), signature(sig)))))
                .isEqualTo(ResultReason.INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK);
        // state: Sign needs Active; Verify also takes Deactivated and Compromised but not Pre-Active
        for (State s : List.of(State.PRE_ACTIVE, State.DEACTIVATED, State.COMPROMISED)) {
            assertThat(fails(Operation.SIGN, with(new TtlvItem[]{uid(privateKey(kp, ec, SIGN, s))}, with(p, data(MESSAGE)))))
                    .as(s.specName()).isEqualTo(ResultReason.WRONG_KEY_LIFECYCLE_STATE);
        }
        assertThat(verify(publicKey(kp, ec, VERIFY, State.DEACTIVATED), Kind.ECDSA_P256, MESSAGE, sig)).isEqualTo(ValidityIndicator.VALID);
        assertThat(verify(publicKey(kp, ec, VERIFY, State.COMPROMISED), Kind.ECDSA_P256, MESSAGE, sig)).isEqualTo(ValidityIndicator.VALID);
        assertThat(fails(Operation.SIGNATURE_VERIFY, with(new TtlvItem[]{uid(publicKey(kp, ec, VERIFY, State.PRE_ACTIVE))},
                with(p, data(MESSAGE), signature(sig))))).isEqualTo(ResultReason.WRONG_KEY_LIFECYCLE_STATE);
        // periods (OASIS CS-AC-M-8): Protect Stop Date passed, Process Start Date to come
        String stopped = privateKey(kp, ec, SIGN, State.ACTIVE, KmipAttribute.of(TtlvItem.dateTime(Tag.PROTECT_STOP_DATE, T0 - 3600)));
        String notYet = publicKey(kp, ec, VERIFY, State.ACTIVE, KmipAttribute.of(TtlvItem.dateTime(Tag.PROCESS_START_DATE, T0 + 3600)));
        assertThat(fails(Operation.SIGN, with(new TtlvItem[]{uid(stopped)}, with(p, data(MESSAGE))))).isEqualTo(ResultReason.WRONG_KEY_LIFECYCLE_STATE);
        assertThat(fails(Operation.SIGNATURE_VERIFY, with(new TtlvItem[]{uid(notYet)}, with(p, data(MESSAGE), signature(sig)))))
                .isEqualTo(ResultReason.WRONG_KEY_LIFECYCLE_STATE);
        // another owner's key does not exist for this client
        StoredObject foreign = TestKeys.privateKey("foreign", kp.getPrivate().getEncoded(), ec, SIGN, State.ACTIVE);
        put(new StoredObject("foreign", "client2", foreign.storageStatus(), foreign.attributes(), foreign.object()));
        assertThat(fails(Operation.SIGN, with(new TtlvItem[]{uid("foreign")}, with(p, data(MESSAGE))))).isEqualTo(ResultReason.OBJECT_NOT_FOUND);
        // wrong algorithm for the key is an error; wrong hash is Invalid
        assertThat(fails(Operation.SIGN, uid(priv), parameters(TtlvItem.enumeration(Tag.DIGITAL_SIGNATURE_ALGORITHM,
                DigitalSignatureAlgorithm.SHA_256_WITH_RSA_ENCRYPTION.value())), data(MESSAGE))).isEqualTo(ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS);
        assertThat(validity(run(Operation.SIGNATURE_VERIFY, uid(pub), parameters(TtlvItem.enumeration(Tag.HASHING_ALGORITHM,
                HashingAlgorithm.SHA_384.value())), data(MESSAGE), signature(sig)))).isEqualTo(ValidityIndicator.INVALID);
    }

    @Test
    void parameters_fromTheKeysAttribute_andDigestedData() throws Exception {
        KeyPair kp = TestKeys.rsa(2048);
        KmipAttribute pss = KmipAttribute.of(parameters(TtlvItem.enumeration(Tag.PADDING_METHOD, PaddingMethod.PSS.value()),
                TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA_256.value()),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.RSA.value())));
        String priv = privateKey(kp, CryptographicAlgorithm.RSA, SIGN, State.ACTIVE, pss);
        String pub = publicKey(kp, CryptographicAlgorithm.RSA, VERIFY, State.ACTIVE, pss);
        byte[] sig = bytes(run(Operation.SIGN, uid(priv), data(MESSAGE)), Tag.SIGNATURE_DATA);
        assertThat(validity(run(Operation.SIGNATURE_VERIFY, uid(pub), data(MESSAGE), signature(sig)))).isEqualTo(ValidityIndicator.VALID);
        // the request's parameters replace the attribute's: PKCS#1 v1.5 does not verify a PSS signature
        assertThat(verify(pub, Kind.RSA_PKCS1, MESSAGE, sig)).isEqualTo(ValidityIndicator.INVALID);
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(MESSAGE);
        byte[] overDigest = bytes(run(Operation.SIGN, uid(priv), TtlvItem.bytes(Tag.DIGESTED_DATA, digest)), Tag.SIGNATURE_DATA);
        assertThat(validity(run(Operation.SIGNATURE_VERIFY, uid(pub), data(MESSAGE), signature(overDigest)))).isEqualTo(ValidityIndicator.VALID);
        assertThat(validity(run(Operation.SIGNATURE_VERIFY, uid(pub), TtlvItem.bytes(Tag.DIGESTED_DATA, digest), signature(sig))))
                .isEqualTo(ValidityIndicator.VALID);
        assertThat(fails(Operation.SIGN, uid(priv), data(MESSAGE), TtlvItem.bytes(Tag.DIGESTED_DATA, digest))).isEqualTo(ResultReason.INVALID_FIELD);
        assertThat(fails(Operation.SIGN, uid(priv), TtlvItem.bytes(Tag.DIGESTED_DATA, new byte[20]))).isEqualTo(ResultReason.INVALID_FIELD);
    }

    private String hmacKey(byte[] key, CryptographicAlgorithm alg, int mask, State state) throws KmipException {
        return put(TestKeys.symmetricKey(uid(), key, alg, mask, state));
    }

    @Test
    void macAndMacVerify_hmacAndCmac_validInvalidAndStreaming() throws Exception {
        // RFC 4231 test case 2, HMAC-SHA256
        String k = hmacKey("Jefe".getBytes(java.nio.charset.StandardCharsets.US_ASCII), CryptographicAlgorithm.HMAC_SHA256, MAC_BOTH, State.ACTIVE);
        byte[] msg = "what do ya want for nothing?".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] expected = hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        for (KmipVersion v : List.of(KmipVersion.V1_4, KmipVersion.V2_1)) {
            version = v;
            assertThat(bytes(run(Operation.MAC, uid(k), data(msg)), Tag.MAC_DATA)).isEqualTo(expected);
            assertThat(validity(run(Operation.MAC_VERIFY, uid(k), data(msg), TtlvItem.bytes(Tag.MAC_DATA, expected))))
                    .isEqualTo(ValidityIndicator.VALID);
        }
        byte[] wrong = expected.clone();
        wrong[0] ^= 1;
        assertThat(validity(run(Operation.MAC_VERIFY, uid(k), data(msg), TtlvItem.bytes(Tag.MAC_DATA, wrong)))).isEqualTo(ValidityIndicator.INVALID);
        assertThat(validity(run(Operation.MAC_VERIFY, uid(k), data(msg), TtlvItem.bytes(Tag.MAC_DATA, Arrays.copyOf(expected, 16)))))
                .isEqualTo(ValidityIndicator.INVALID);
        assertThat(validity(run(Operation.MAC_VERIFY, uid(k), data(msg), TtlvItem.bytes(Tag.MAC_DATA, new byte[0])))).isEqualTo(ValidityIndicator.INVALID);
        assertThat(fails(Operation.MAC_VERIFY, uid(k), data(msg))).isEqualTo(ResultReason.MISSING_DATA);
        assertThat(fails(Operation.MAC, uid(k))).isEqualTo(ResultReason.MISSING_DATA);
        // request parameters choose another hash: RFC 4231 test case 2, HMAC-SHA512
        assertThat(bytes(run(Operation.MAC, uid(k), parameters(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM,
                CryptographicAlgorithm.HMAC_SHA512.value())), data(msg)), Tag.MAC_DATA)).isEqualTo(hex(
                "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"));
        // three parts
        byte[] corr = bytes(run(Operation.MAC, uid(k), data(Arrays.copyOfRange(msg, 0, 5)), init()), Tag.CORRELATION_VALUE);
        run(Operation.MAC, correlation(corr), data(Arrays.copyOfRange(msg, 5, 12)));
        assertThat(bytes(run(Operation.MAC, correlation(corr), data(Arrays.copyOfRange(msg, 12, msg.length)), fin()), Tag.MAC_DATA))
                .isEqualTo(expected);
        byte[] vc = bytes(run(Operation.MAC_VERIFY, uid(k), data(Arrays.copyOfRange(msg, 0, 5)), init()), Tag.CORRELATION_VALUE);
        assertThat(validity(run(Operation.MAC_VERIFY, correlation(vc), data(Arrays.copyOfRange(msg, 5, 12))))).isEqualTo(ValidityIndicator.UNKNOWN);
        assertThat(validity(run(Operation.MAC_VERIFY, correlation(vc), data(Arrays.copyOfRange(msg, 12, msg.length)),
                TtlvItem.bytes(Tag.MAC_DATA, expected), fin()))).isEqualTo(ValidityIndicator.VALID);
        assertThat(fails(Operation.MAC, correlation(vc), data(msg), fin())).isEqualTo(ResultReason.INVALID_CORRELATION_VALUE);
        // AES-CMAC, RFC 4493 example 2
        String aes = hmacKey(hex("2b7e151628aed2a6abf7158809cf4f3c"), CryptographicAlgorithm.AES, MAC_BOTH, State.ACTIVE);
        assertThat(bytes(run(Operation.MAC, uid(aes), data(hex("6bc1bee22e409f96e93d7e117393172a"))), Tag.MAC_DATA))
                .isEqualTo(hex("070a16b46b4d4144f79bdd9dd04a287c"));
    }

    @Test
    void mac_keyChecks() throws Exception {
        byte[] key = new byte[32];
        String noGenerate = hmacKey(key, CryptographicAlgorithm.HMAC_SHA256, CryptographicUsageMask.MAC_VERIFY.value(), State.ACTIVE);
        String noVerify = hmacKey(key, CryptographicAlgorithm.HMAC_SHA256, CryptographicUsageMask.MAC_GENERATE.value(), State.ACTIVE);
        assertThat(fails(Operation.MAC, uid(noGenerate), data(MESSAGE))).isEqualTo(ResultReason.INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK);
        assertThat(fails(Operation.MAC_VERIFY, uid(noVerify), data(MESSAGE), TtlvItem.bytes(Tag.MAC_DATA, new byte[32])))
                .isEqualTo(ResultReason.INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK);
        String deactivated = hmacKey(key, CryptographicAlgorithm.HMAC_SHA256, MAC_BOTH, State.DEACTIVATED);
        assertThat(fails(Operation.MAC, uid(deactivated), data(MESSAGE))).isEqualTo(ResultReason.WRONG_KEY_LIFECYCLE_STATE);
        assertThat(validity(run(Operation.MAC_VERIFY, uid(deactivated), data(MESSAGE), TtlvItem.bytes(Tag.MAC_DATA, new byte[32]))))
                .isEqualTo(ValidityIndicator.INVALID);
        String des = hmacKey(new byte[24], CryptographicAlgorithm.DES3, MAC_BOTH, State.ACTIVE);
        assertThat(fails(Operation.MAC, uid(des), data(MESSAGE))).isEqualTo(ResultReason.UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS);
        KeyPair kp = TestKeys.ec("secp256r1");
        String priv = privateKey(kp, CryptographicAlgorithm.ECDSA, MAC_BOTH, State.ACTIVE);
        assertThat(fails(Operation.MAC, uid(priv), data(MESSAGE))).isEqualTo(ResultReason.INVALID_OBJECT_TYPE);
    }

    @Test
    void hash_singleAndThreeParts() throws Exception {
        TtlvItem sha256 = parameters(TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA_256.value()));
        // OASIS KMIP test case CS-AC-M-7
        version = KmipVersion.V1_4;
        assertThat(bytes(run(Operation.HASH, sha256, data(hex("01020304050607080910111213141516"))), Tag.DATA))
                .isEqualTo(hex("ad41233d22cf9322e3a7ff49a13da434797abed3bab80950a1a0d4e582b7ea72"));
        version = KmipVersion.V2_1;
        // FIPS 202 example: SHA3-256("abc") in three parts
        TtlvItem sha3 = parameters(TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA3_256.value()));
        TtlvItem first = run(Operation.HASH, sha3, data(new byte[]{'a'}), init());
        assertThat(first.child(Tag.DATA)).isEmpty();
        byte[] corr = bytes(first, Tag.CORRELATION_VALUE);
        run(Operation.HASH, correlation(corr), data(new byte[]{'b'}));
        assertThat(bytes(run(Operation.HASH, correlation(corr), data(new byte[]{'c'}), fin()), Tag.DATA))
                .isEqualTo(hex("3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532"));
        assertThat(fails(Operation.HASH, correlation(corr), data(new byte[]{'c'}), fin())).isEqualTo(ResultReason.INVALID_CORRELATION_VALUE);
        assertThat(fails(Operation.HASH, data(MESSAGE))).isEqualTo(ResultReason.MISSING_DATA);
        assertThat(fails(Operation.HASH, sha256)).isEqualTo(ResultReason.MISSING_DATA);
        assertThat(fails(Operation.HASH, parameters(TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.MD2.value())), data(MESSAGE)))
                .isEqualTo(ResultReason.UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS);
    }
}
