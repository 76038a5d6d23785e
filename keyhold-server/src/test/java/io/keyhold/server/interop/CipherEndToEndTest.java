package io.keyhold.server.interop;

import static io.keyhold.server.testing.KmipAssertions.fails;
import static io.keyhold.server.testing.Payloads.createAes;
import static io.keyhold.server.testing.Payloads.getAttributes;
import static io.keyhold.server.testing.Payloads.payload;
import static io.keyhold.server.testing.Payloads.uid;
import static io.keyhold.server.testing.Payloads.usageMask;
import static io.keyhold.server.testing.Payloads.withUid;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestHeader;
import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.BlockCipherMode;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.PaddingMethod;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.testing.KmipTestClient;
import io.keyhold.server.testing.LiveServer;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Encrypt, Decrypt, RNG Retrieve and RNG Seed over real mutual TLS on the SQLite-backed server: round trips
 * at 1.2, 1.4 and 2.1, MongoDB's audit-log conversation, a streamed round trip on one connection, and the
 * Result Reasons 1.x and 2.x clients see for refusals.
 */
class CipherEndToEndTest {
    private static final KmipVersion V12 = KmipVersion.V1_2;
    private static final KmipVersion V14 = KmipVersion.V1_4;
    private static final KmipVersion V21 = KmipVersion.V2_1;
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

    private static byte[] bytes(TtlvItem payload, int tag) {
        return payload.child(tag).orElseThrow(() -> new AssertionError("no 0x" + Integer.toHexString(tag) + " in " + payload))
                .bytesValue();
    }

    private static List<Integer> tags(TtlvItem payload) {
        return payload.children().stream().map(TtlvItem::tag).toList();
    }

    private static TtlvItem data(byte[] d) {
        return TtlvItem.bytes(Tag.DATA, d);
    }

    private static TtlvItem iv(byte[] d) {
        return TtlvItem.bytes(Tag.IV_COUNTER_NONCE, d);
    }

    private static TtlvItem params(TtlvItem... fields) {
        return TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS, fields);
    }

    private static TtlvItem mode(BlockCipherMode m) {
        return TtlvItem.enumeration(Tag.BLOCK_CIPHER_MODE, m.value());
    }

    private String activeKey(KmipVersion v) throws Exception {
        String uid = c.ok(v, Operation.CREATE, createAes(v, 256)).child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
        c.ok(v, Operation.ACTIVATE, withUid(uid));
        return uid;
    }

    @Test
    void xtsAes_ieee1619Vector_overTheWire() throws Exception {
        // IEEE 1619-2007 XTS-AES-128 vector 2: Key1 = 11..11, Key2 = 22..22, data unit 0x3333333333, 32 bytes of 0x44
        byte[] material = HexFormat.of().parseHex("11".repeat(16) + "22".repeat(16));
        TtlvItem key = TtlvItem.structure(Tag.SYMMETRIC_KEY, TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, io.keyhold.protocol.spec.KeyFormatType.RAW.value()),
                TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, material)),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, io.keyhold.protocol.spec.CryptographicAlgorithm.AES.value()),
                TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 256)));
        String uid = c.ok(V21, Operation.REGISTER, payload(
                TtlvItem.enumeration(Tag.OBJECT_TYPE, io.keyhold.protocol.spec.ObjectType.SYMMETRIC_KEY.value()),
                io.keyhold.server.testing.Payloads.attributes(V21, List.of(usageMask(12))), key))
                .child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
        c.ok(V21, Operation.ACTIVATE, withUid(uid));
        byte[] tweak = new byte[16];
        for (int i = 0; i < 5; i++) {
            tweak[i] = 0x33;
        }
        byte[] plaintext = HexFormat.of().parseHex("44".repeat(32));
        TtlvItem enc = c.ok(V21, Operation.ENCRYPT, payload(uid(uid), params(mode(BlockCipherMode.XTS)), data(plaintext), iv(tweak)));
        assertThat(HexFormat.of().formatHex(bytes(enc, Tag.DATA)))
                .isEqualTo("c454185e6a16936e39334038acef838bfb186fff7480adc4289382ecd6d394f0");
        TtlvItem dec = c.ok(V21, Operation.DECRYPT, payload(uid(uid), params(mode(BlockCipherMode.XTS)), data(bytes(enc, Tag.DATA)),
                iv(tweak)));
        assertThat(bytes(dec, Tag.DATA)).isEqualTo(plaintext);
        // a data unit is encrypted whole: XTS is not streamed, and needs at least one block
        fails(c.call(V21, Operation.ENCRYPT, payload(uid(uid), params(mode(BlockCipherMode.XTS)), data(plaintext), iv(tweak),
                TtlvItem.bool(Tag.INIT_INDICATOR, true))), ResultReason.FEATURE_NOT_SUPPORTED);
        fails(c.call(V21, Operation.ENCRYPT, payload(uid(uid), params(mode(BlockCipherMode.XTS)), data(new byte[15]), iv(tweak))),
                ResultReason.INVALID_FIELD);
    }

    @Test
    void mongoDbAuditLog_v12_encryptWithoutParameters_decryptWithReturnedIv() throws Exception {
        // Create (Template-Attribute, AES-256, Encrypt|Decrypt) -> Get -> Activate -> GetAttributes(State) -> Encrypt -> Decrypt
        String key = c.ok(V12, Operation.CREATE, createAes(V12, 256)).child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
        c.ok(V12, Operation.GET, withUid(key));
        c.ok(V12, Operation.ACTIVATE, withUid(key));
        TtlvItem state = c.ok(V12, Operation.GET_ATTRIBUTES, getAttributes(V12, key, "State"));
        TtlvItem attribute = state.child(Tag.ATTRIBUTE).orElseThrow();
        assertThat(attribute.child(Tag.ATTRIBUTE_NAME).orElseThrow().textValue()).isEqualTo("State");
        assertThat(attribute.child(Tag.ATTRIBUTE_VALUE).orElseThrow().enumValue()).isEqualTo(State.ACTIVE.value());
        byte[] logKey = HexFormat.of().parseHex("8f0e1d2c3b4a59687766554433221100ffeeddccbbaa99887766554433221100");
        TtlvItem enc = c.ok(V12, Operation.ENCRYPT, payload(uid(key), data(logKey)));
        assertThat(tags(enc)).isEqualTo(List.of(Tag.UNIQUE_IDENTIFIER, Tag.DATA, Tag.IV_COUNTER_NONCE));
        assertThat(bytes(enc, Tag.IV_COUNTER_NONCE)).hasSize(16);
        assertThat(bytes(enc, Tag.DATA)).hasSize(48);
        TtlvItem dec = c.ok(V12, Operation.DECRYPT, payload(uid(key), data(bytes(enc, Tag.DATA)), iv(bytes(enc, Tag.IV_COUNTER_NONCE))));
        assertThat(bytes(dec, Tag.DATA)).isEqualTo(logKey);
    }

    @Test
    void roundTrips_v12_v14_v21() throws Exception {
        byte[] plain = "attack at dawn, or perhaps at a more civilised hour".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (KmipVersion v : List.of(V12, V14, V21)) {
            String key = activeKey(v);
            TtlvItem cbc = params(mode(BlockCipherMode.CBC), TtlvItem.enumeration(Tag.PADDING_METHOD, PaddingMethod.PKCS5.value()));
            TtlvItem enc = c.ok(v, Operation.ENCRYPT, payload(uid(key), cbc, data(plain)));
            assertThat(bytes(c.ok(v, Operation.DECRYPT, payload(uid(key), cbc, data(bytes(enc, Tag.DATA)),
                    iv(bytes(enc, Tag.IV_COUNTER_NONCE)))), Tag.DATA)).as(v.toString()).isEqualTo(plain);
            TtlvItem gcm = params(mode(BlockCipherMode.GCM), TtlvItem.integer(Tag.TAG_LENGTH, 16));
            if (v == V12) {
                // no Authenticated Encryption Tag before KMIP 1.4
                fails(c.call(v, Operation.ENCRYPT, payload(uid(key), gcm, data(plain))), ResultReason.FEATURE_NOT_SUPPORTED);
                continue;
            }
            // OpenBao-style GCM with a client IV, additional data and the tag on Decrypt
            byte[] nonce = HexFormat.of().parseHex("000102030405060708090a0b");
            TtlvItem aad = TtlvItem.bytes(Tag.AUTHENTICATED_ENCRYPTION_ADDITIONAL_DATA, new byte[] {1, 2, 3});
            enc = c.ok(v, Operation.ENCRYPT, payload(uid(key), gcm, data(plain), iv(nonce), aad));
            assertThat(tags(enc)).isEqualTo(List.of(Tag.UNIQUE_IDENTIFIER, Tag.DATA, Tag.AUTHENTICATED_ENCRYPTION_TAG));
            byte[] tag = bytes(enc, Tag.AUTHENTICATED_ENCRYPTION_TAG);
            assertThat(bytes(c.ok(v, Operation.DECRYPT, payload(uid(key), gcm, data(bytes(enc, Tag.DATA)), iv(nonce), aad,
                    TtlvItem.bytes(Tag.AUTHENTICATED_ENCRYPTION_TAG, tag))), Tag.DATA)).as(v.toString()).isEqualTo(plain);
            tag[0] ^= 1;
            fails(c.call(v, Operation.DECRYPT, payload(uid(key), gcm, data(bytes(enc, Tag.DATA)), iv(nonce), aad,
                    TtlvItem.bytes(Tag.AUTHENTICATED_ENCRYPTION_TAG, tag))), ResultReason.CRYPTOGRAPHIC_FAILURE);
        }
    }

    @Test
    void batchWithIdPlaceholder_v21_createActivateEncrypt() throws Exception {
        ResponseMessage r = c.send(new RequestMessage(RequestHeader.of(V21, 3), List.of(
                RequestBatchItem.of(Operation.CREATE, createAes(V21, 128)),
                RequestBatchItem.of(Operation.ACTIVATE, payload()),
                RequestBatchItem.of(Operation.ENCRYPT, payload(data(new byte[16]))))));
        assertThat(r.batchItems()).allSatisfy(i -> assertThat(i.resultStatus()).as(i.resultMessage()).isEqualTo(ResultStatus.SUCCESS.value()));
        String created = r.batchItems().get(0).payload().child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
        assertThat(r.batchItems().get(2).payload().child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue()).isEqualTo(created);
    }

    @Test
    void refusals_carryTheVersionsReasons() throws Exception {
        String encryptOnly = c.ok(V21, Operation.CREATE, createAes(V21, 128)).child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
        // a wrong lifecycle state: Wrong Key Lifecycle State from 2.1, Permission Denied before (as the OASIS test cases)
        fails(c.call(V21, Operation.ENCRYPT, payload(uid(encryptOnly), data(new byte[16]))), ResultReason.WRONG_KEY_LIFECYCLE_STATE);
        fails(c.call(V14, Operation.ENCRYPT, payload(uid(encryptOnly), data(new byte[16]))), ResultReason.PERMISSION_DENIED);
        String decryptOnly = c.ok(V21, Operation.CREATE, io.keyhold.server.testing.Payloads.create(V21,
                io.keyhold.server.testing.Payloads.algorithm(io.keyhold.protocol.spec.CryptographicAlgorithm.AES),
                io.keyhold.server.testing.Payloads.length(128), usageMask(8))).child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
        c.ok(V21, Operation.ACTIVATE, withUid(decryptOnly));
        fails(c.call(V21, Operation.ENCRYPT, payload(uid(decryptOnly), data(new byte[16]))), ResultReason.INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK);
        fails(c.call(V14, Operation.ENCRYPT, payload(uid(decryptOnly), data(new byte[16]))), ResultReason.PERMISSION_DENIED);
        String key = activeKey(V14);
        fails(c.call(V14, Operation.ENCRYPT, payload(uid(key), params(mode(BlockCipherMode.CFB)), data(new byte[32]))),
                ResultReason.FEATURE_NOT_SUPPORTED);
        fails(c.call(V21, Operation.ENCRYPT, payload(uid(key), params(mode(BlockCipherMode.CFB)), data(new byte[32]))),
                ResultReason.UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS);
        try (KmipTestClient other = server.client("client2")) {
            fails(other.call(V14, Operation.ENCRYPT, payload(uid(key), data(new byte[16]))), ResultReason.ITEM_NOT_FOUND);
        }
    }

    @Test
    void streamedRoundTrip_onOneConnection_andNotFromAnother() throws Exception {
        String key = activeKey(V21);
        byte[] plain = new byte[3000];
        new java.util.Random(7).nextBytes(plain);
        TtlvItem gcm = params(mode(BlockCipherMode.GCM));
        TtlvItem first = c.ok(V21, Operation.ENCRYPT, payload(uid(key), gcm, data(Arrays.copyOf(plain, 1000)),
                TtlvItem.bool(Tag.INIT_INDICATOR, true)));
        byte[] cv = bytes(first, Tag.CORRELATION_VALUE);
        byte[] nonce = bytes(first, Tag.IV_COUNTER_NONCE);
        try (KmipTestClient other = server.client("client1")) {
            fails(other.call(V21, Operation.ENCRYPT, payload(data(new byte[1]), TtlvItem.bytes(Tag.CORRELATION_VALUE, cv))),
                    ResultReason.INVALID_CORRELATION_VALUE);
        }
        TtlvItem second = c.ok(V21, Operation.ENCRYPT, payload(data(Arrays.copyOfRange(plain, 1000, 2000)),
                TtlvItem.bytes(Tag.CORRELATION_VALUE, cv)));
        TtlvItem third = c.ok(V21, Operation.ENCRYPT, payload(data(Arrays.copyOfRange(plain, 2000, 3000)),
                TtlvItem.bytes(Tag.CORRELATION_VALUE, cv), TtlvItem.bool(Tag.FINAL_INDICATOR, true)));
        ByteArrayOutputStream cipher = new ByteArrayOutputStream();
        cipher.writeBytes(bytes(first, Tag.DATA));
        cipher.writeBytes(bytes(second, Tag.DATA));
        cipher.writeBytes(bytes(third, Tag.DATA));
        byte[] tag = bytes(third, Tag.AUTHENTICATED_ENCRYPTION_TAG);
        // decrypt in two parts: nothing comes back before the tag is verified
        byte[] ct = cipher.toByteArray();
        TtlvItem d1 = c.ok(V21, Operation.DECRYPT, payload(uid(key), gcm, data(Arrays.copyOf(ct, 1500)), iv(nonce),
                TtlvItem.bool(Tag.INIT_INDICATOR, true)));
        assertThat(bytes(d1, Tag.DATA)).isEmpty();
        TtlvItem d2 = c.ok(V21, Operation.DECRYPT, payload(data(Arrays.copyOfRange(ct, 1500, ct.length)),
                TtlvItem.bytes(Tag.CORRELATION_VALUE, bytes(d1, Tag.CORRELATION_VALUE)), TtlvItem.bool(Tag.FINAL_INDICATOR, true),
                TtlvItem.bytes(Tag.AUTHENTICATED_ENCRYPTION_TAG, tag)));
        assertThat(bytes(d2, Tag.DATA)).isEqualTo(plain);
        fails(c.call(V14, Operation.ENCRYPT, payload(data(new byte[1]), TtlvItem.bytes(Tag.CORRELATION_VALUE, cv))),
                ResultReason.ITEM_NOT_FOUND);
    }

    @Test
    void rngRetrieveAndSeed() throws Exception {
        TtlvItem r = c.ok(V14, Operation.RNG_RETRIEVE, payload(TtlvItem.integer(Tag.DATA_LENGTH, 64)));
        assertThat(bytes(r, Tag.DATA)).hasSize(64);
        assertThat(bytes(c.ok(V21, Operation.RNG_RETRIEVE, payload(TtlvItem.integer(Tag.DATA_LENGTH, 16))), Tag.DATA)).hasSize(16);
        fails(c.call(V21, Operation.RNG_RETRIEVE, payload(TtlvItem.integer(Tag.DATA_LENGTH, 2 * 1024 * 1024))), ResultReason.INVALID_FIELD);
        fails(c.call(KmipVersion.V1_1, Operation.RNG_RETRIEVE, payload(TtlvItem.integer(Tag.DATA_LENGTH, 16))),
                ResultReason.OPERATION_NOT_SUPPORTED);
        TtlvItem s = c.ok(V21, Operation.RNG_SEED, payload(data(new byte[] {9, 8, 7, 6})));
        assertThat(s.child(Tag.DATA_LENGTH).orElseThrow().intValue()).isEqualTo(4);
    }
}
