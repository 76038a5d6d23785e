package io.keyhold.server.interop;

import static io.keyhold.server.testing.Payloads.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestHeader;
import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.QueryFunction;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.RevocationReasonCode;
import io.keyhold.protocol.spec.SecretDataType;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.VersionRules;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.testing.KmipTestClient;
import io.keyhold.server.testing.LiveServer;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The conversations of real clients (client-profiles.md), replayed over mutual TLS against a running
 * server, checking every property of the responses that those clients depend on.
 */
class ClientConversationTest {
    private static LiveServer server;

    @BeforeAll
    static void start() throws Exception {
        server = LiveServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static List<Integer> tags(TtlvItem item) {
        return item.children().stream().map(TtlvItem::tag).collect(Collectors.toList());
    }

    /** Sends one request and checks the envelope rules every client relies on. */
    private static ResponseMessage send(KmipTestClient c, KmipVersion v, RequestBatchItem... items) throws Exception {
        RequestMessage request = new RequestMessage(RequestHeader.of(v, items.length), List.of(items));
        TtlvItem tree = c.exchange(request.toTtlv());
        assertThat(VersionRules.standard().check(tree, v).isEmpty()).as("response holds only %s content: %s", v,
                VersionRules.standard().check(tree, v)).isTrue();
        TtlvItem header = tree.child(Tag.RESPONSE_HEADER).orElseThrow();
        assertThat(tags(header)).as("response header field order").containsExactly(Tag.PROTOCOL_VERSION, Tag.TIME_STAMP,
                Tag.BATCH_COUNT);
        ResponseMessage r = ResponseMessage.from(tree);
        assertThat(r.header().protocolVersion()).isEqualTo(v);
        assertThat(r.batchItems()).hasSize(items.length);
        for (ResponseBatchItem item : r.batchItems()) {
            assertThat(item.operationValue()).as("Operation in every response item").isNotNull();
            if (item.resultStatus() == ResultStatus.OPERATION_FAILED.value()) {
                assertThat(item.resultReason()).as("Result Reason on failure").isNotNull();
                assertThat(item.resultMessage()).as("Result Message on failure").isNotBlank();
            }
        }
        return r;
    }

    private static ResponseBatchItem one(KmipTestClient c, KmipVersion v, Operation op, TtlvItem payload) throws Exception {
        return send(c, v, RequestBatchItem.of(op, payload)).batchItems().get(0);
    }

    private static TtlvItem ok(KmipTestClient c, KmipVersion v, Operation op, TtlvItem payload) throws Exception {
        ResponseBatchItem item = one(c, v, op, payload);
        assertThat(item.resultStatus()).as("%s: %s", op.specName(), item.resultMessage()).isEqualTo(ResultStatus.SUCCESS.value());
        assertThat(item.operationValue()).isEqualTo(op.value());
        return item.payload();
    }

    private static int stateOf(KmipTestClient c, KmipVersion v, String uid) throws Exception {
        TtlvItem p = ok(c, v, Operation.GET_ATTRIBUTES, getAttributes(v, uid, "State"));
        assertThat(p.children().get(0)).isEqualTo(uid(uid));
        if (v.isTwoOrLater()) {
            TtlvItem attrs = p.child(Tag.ATTRIBUTES).orElseThrow();
            assertThat(attrs.children()).hasSize(1);
            return attrs.child(Tag.STATE).orElseThrow().enumValue();
        }
        List<TtlvItem> attrs = p.childrenWith(Tag.ATTRIBUTE);
        assertThat(attrs).as("GetAttributes naming one attribute returns only it").hasSize(1);
        assertThat(attrs.get(0).child(Tag.ATTRIBUTE_NAME).orElseThrow().textValue()).isEqualTo("State");
        return attrs.get(0).child(Tag.ATTRIBUTE_VALUE).orElseThrow().enumValue();
    }

    /** Get of a symmetric key: Raw Key Block, Key Value holding only Key Material, then algorithm and length. */
    private static byte[] getRawKey(KmipTestClient c, KmipVersion v, String uid, int bits) throws Exception {
        TtlvItem p = ok(c, v, Operation.GET, withUid(uid));
        assertThat(tags(p)).containsExactly(Tag.OBJECT_TYPE, Tag.UNIQUE_IDENTIFIER, Tag.SYMMETRIC_KEY);
        TtlvItem block = p.child(Tag.SYMMETRIC_KEY).orElseThrow().child(Tag.KEY_BLOCK).orElseThrow();
        assertThat(block.child(Tag.KEY_FORMAT_TYPE).orElseThrow().enumValue()).isEqualTo(KeyFormatType.RAW.value());
        assertThat(block.child(Tag.KEY_WRAPPING_DATA)).isEmpty();
        TtlvItem keyValue = block.child(Tag.KEY_VALUE).orElseThrow();
        assertThat(tags(keyValue)).as("Key Value holds only Key Material").containsExactly(Tag.KEY_MATERIAL);
        assertThat(block.child(Tag.CRYPTOGRAPHIC_ALGORITHM).orElseThrow().enumValue()).isEqualTo(CryptographicAlgorithm.AES.value());
        assertThat(block.child(Tag.CRYPTOGRAPHIC_LENGTH).orElseThrow().intValue()).isEqualTo(bits);
        byte[] key = keyValue.child(Tag.KEY_MATERIAL).orElseThrow().bytesValue();
        assertThat(key).hasSize(bits / 8);
        return key;
    }

    @ParameterizedTest(name = "MongoDB storage engine at KMIP {0}")
    @ValueSource(strings = {"1.2", "1.0"})
    void mongodbStorageEngine(String version) throws Exception {
        KmipVersion v = KmipVersion.parse(version);
        String uid;
        byte[] key;
        try (KmipTestClient c = server.client("client1")) {
            TtlvItem created = ok(c, v, Operation.CREATE, createAes(v, 256));
            assertThat(tags(created).subList(0, 2)).as("Create response: Object Type, then Unique Identifier")
                    .containsExactly(Tag.OBJECT_TYPE, Tag.UNIQUE_IDENTIFIER);
            uid = created.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
            assertThat(uid).matches("[A-Za-z0-9._-]{1,128}");
            key = getRawKey(c, v, uid, 256);
            ok(c, v, Operation.ACTIVATE, withUid(uid));
            assertThat(stateOf(c, v, uid)).isEqualTo(State.ACTIVE.value());
        }
        // restart with keyIdentifier: a new connection, Get then GetAttributes(State)
        try (KmipTestClient c = server.client("client1")) {
            assertThat(getRawKey(c, v, uid, 256)).isEqualTo(key);
            assertThat(stateOf(c, v, uid)).isEqualTo(State.ACTIVE.value());
        }
        // the key is retired: Revoke with Cessation of Operation -> Deactivated (3); mongod polls State
        try (KmipTestClient c = server.client("client1")) {
            ok(c, v, Operation.REVOKE, revoke(uid, RevocationReasonCode.CESSATION_OF_OPERATION.value()));
            assertThat(stateOf(c, v, uid)).isEqualTo(3);
            // rotation re-reads the old, deactivated key
            assertThat(getRawKey(c, v, uid, 256)).isEqualTo(key);
            ok(c, v, Operation.CREATE, createAes(v, 256));
            // a missing key: Item Not Found, with Result Message
            ResponseBatchItem missing = one(c, v, Operation.GET, withUid("00000000-0000-0000-0000-000000000000"));
            assertThat(missing.resultReason()).isEqualTo(ResultReason.ITEM_NOT_FOUND.value());
        }
    }

    @Test
    void perconaMysqlKeyringPagesThroughLocate() throws Exception {
        Set<String> registered = new HashSet<>();
        String group = "percona-" + System.nanoTime();
        SecureRandom random = new SecureRandom();
        try (KmipTestClient c = server.client("client2")) {
            for (int i = 0; i < 37; i++) {
                byte[] material = new byte[32];
                random.nextBytes(material);
                TtlvItem key = TtlvItem.structure(Tag.SYMMETRIC_KEY, TtlvItem.structure(Tag.KEY_BLOCK,
                        TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.RAW.value()),
                        TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, material)),
                        TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.AES.value()),
                        TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 256)));
                TtlvItem p = ok(c, KmipVersion.V1_4, Operation.REGISTER, payload(
                        TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()),
                        attributes(KmipVersion.V1_4, List.of(name("mysql-key-" + i), objectGroup(group))), key));
                assertThat(tags(p)).as("Register response: Unique Identifier only").containsExactly(Tag.UNIQUE_IDENTIFIER);
                String uid = p.children().get(0).textValue();
                ok(c, KmipVersion.V1_0, Operation.ACTIVATE, withUid(uid));
                registered.add(uid);
            }
            // a password as Secret Data, Derive Key|Export usage
            TtlvItem secret = TtlvItem.structure(Tag.SECRET_DATA,
                    TtlvItem.enumeration(Tag.SECRET_DATA_TYPE, SecretDataType.PASSWORD.value()),
                    TtlvItem.structure(Tag.KEY_BLOCK, TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.OPAQUE.value()),
                            TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, "s3cret-password".getBytes()))));
            String secretUid = ok(c, KmipVersion.V1_4, Operation.REGISTER, payload(
                    TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SECRET_DATA.value()),
                    attributes(KmipVersion.V1_4, List.of(usageMask(0x240), name("mysql-password"), objectGroup(group))), secret))
                    .child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();

            // load at start: pages of 16 at KMIP 1.0 until an empty page
            List<String> found = new ArrayList<>();
            for (int offset = 0; ; offset += 16) {
                TtlvItem p = ok(c, KmipVersion.V1_0, Operation.LOCATE, payload(
                        TtlvItem.integer(Tag.MAXIMUM_ITEMS, 16), TtlvItem.integer(Tag.OFFSET_ITEMS, offset),
                        AttributeMapping.toAttribute(io.keyhold.protocol.message.KmipAttribute.of(
                                TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()))),
                        AttributeMapping.toAttribute(objectGroup(group))));
                assertThat(p.child(Tag.LOCATED_ITEMS)).as("no Located Items in a 1.0 response").isEmpty();
                List<TtlvItem> page = p.childrenWith(Tag.UNIQUE_IDENTIFIER);
                assertThat(page.size()).isLessThanOrEqualTo(16);
                if (page.isEmpty()) {
                    break;
                }
                page.forEach(u -> found.add(u.textValue()));
                assertThat(offset).as("paging ends").isLessThan(1000);
            }
            assertThat(found).doesNotHaveDuplicates();
            assertThat(new HashSet<>(found)).isEqualTo(registered);
            for (String uid : found.subList(0, 3)) {
                ok(c, KmipVersion.V1_0, Operation.GET, withUid(uid));
                TtlvItem names = ok(c, KmipVersion.V1_4, Operation.GET_ATTRIBUTES, getAttributes(KmipVersion.V1_4, uid, "Name"));
                assertThat(names.childrenWith(Tag.ATTRIBUTE)).hasSize(1);
            }
            TtlvItem pw = ok(c, KmipVersion.V1_0, Operation.GET, withUid(secretUid));
            assertThat(pw.child(Tag.SECRET_DATA).orElseThrow().child(Tag.KEY_BLOCK).orElseThrow()
                    .child(Tag.KEY_VALUE).orElseThrow().child(Tag.KEY_MATERIAL).orElseThrow().bytesValue())
                    .isEqualTo("s3cret-password".getBytes());
            // delete: Revoke (Unspecified, with a message) then Destroy
            String victim = found.get(0);
            ok(c, KmipVersion.V1_0, Operation.REVOKE, payload(uid(victim), TtlvItem.structure(Tag.REVOCATION_REASON,
                    TtlvItem.enumeration(Tag.REVOCATION_REASON_CODE, RevocationReasonCode.UNSPECIFIED.value()),
                    TtlvItem.text(Tag.REVOCATION_MESSAGE, "key deleted"))));
            ok(c, KmipVersion.V1_0, Operation.DESTROY, withUid(victim));
            TtlvItem after = ok(c, KmipVersion.V1_0, Operation.LOCATE, payload(
                    AttributeMapping.toAttribute(objectGroup(group))));
            assertThat(after.childrenWith(Tag.UNIQUE_IDENTIFIER)).extracting(TtlvItem::textValue)
                    .as("Locate leaves out destroyed objects").doesNotContain(victim).hasSize(37);
        }
        // another identity sees none of them
        try (KmipTestClient other = server.client("client1")) {
            TtlvItem p = ok(other, KmipVersion.V1_0, Operation.LOCATE, payload(AttributeMapping.toAttribute(objectGroup(group))));
            assertThat(p.childrenWith(Tag.UNIQUE_IDENTIFIER)).isEmpty();
        }
    }

    @Test
    void vsphereDiscoverVersionsQueryAndBatchedAddAttribute() throws Exception {
        KmipVersion v = KmipVersion.V1_1;
        // vCenter probes: connect and close without a request
        for (int i = 0; i < 3; i++) {
            new Socket("127.0.0.1", server.port()).close();
            server.client("client1").close();
        }
        try (KmipTestClient c = server.client("client1")) {
            TtlvItem versions = ok(c, v, Operation.DISCOVER_VERSIONS, payload());
            assertThat(versions.childrenWith(Tag.PROTOCOL_VERSION)).isNotEmpty();
            TtlvItem info = ok(c, v, Operation.QUERY, payload(TtlvItem.enumeration(Tag.QUERY_FUNCTION,
                    QueryFunction.QUERY_SERVER_INFORMATION.value())));
            assertThat(info.child(Tag.VENDOR_IDENTIFICATION)).isPresent();

            TtlvItem created = ok(c, v, Operation.CREATE, create(v, algorithm(CryptographicAlgorithm.AES), usageMask(12), length(256)));
            String uid = created.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
            RequestBatchItem[] batch = new RequestBatchItem[3];
            for (int i = 0; i < 3; i++) {
                TtlvItem p = payload(uid(uid), AttributeMapping.toAttribute(custom("x-Vmware-" + i, "value " + i)));
                batch[i] = new RequestBatchItem(Operation.ADD_ATTRIBUTE.value(), null, new byte[] {(byte) (0x10 + i)}, p, null);
            }
            ResponseMessage r = send(c, v, batch);
            for (int i = 0; i < 3; i++) {
                ResponseBatchItem item = r.batchItems().get(i);
                assertThat(item.uniqueBatchItemId()).isEqualTo(new byte[] {(byte) (0x10 + i)});
                assertThat(item.resultStatus()).as(item.resultMessage()).isEqualTo(ResultStatus.SUCCESS.value());
            }
            getRawKey(c, v, uid, 256);
            assertThat(stateOf(c, v, uid)).isEqualTo(State.PRE_ACTIVE.value());
            ok(c, v, Operation.ACTIVATE, withUid(uid));
            TtlvItem missing = ok(c, v, Operation.GET_ATTRIBUTES, getAttributes(v, uid, "x-NotThere"));
            assertThat(tags(missing)).as("a missing attribute: Success with only the Unique Identifier")
                    .containsExactly(Tag.UNIQUE_IDENTIFIER);
            TtlvItem present = ok(c, v, Operation.GET_ATTRIBUTES, getAttributes(v, uid, "x-Vmware-1"));
            assertThat(present.childrenWith(Tag.ATTRIBUTE)).hasSize(1);
            assertThat(present.childrenWith(Tag.ATTRIBUTE).get(0).child(Tag.ATTRIBUTE_VALUE).orElseThrow().textValue())
                    .isEqualTo("value 1");
        }
    }
}
