package io.keyhold.server.interop;

import static io.keyhold.server.testing.KmipAssertions.fails;
import static io.keyhold.server.testing.Payloads.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestHeader;
import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.spec.AdjustmentType;
import io.keyhold.protocol.spec.CryptographicUsageMask;
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
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.testing.KmipTestClient;
import io.keyhold.server.testing.LiveServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every operation of the server over real mutual TLS: each succeeds once and fails at least once with
 * its exact Result Reason (missing object, another owner's object, wrong state, read-only attribute,
 * bad value).
 */
class OperationsEndToEndTest {
    private static final KmipVersion V14 = KmipVersion.V1_4;
    private static final KmipVersion V21 = KmipVersion.V2_1;
    private static final String NO_SUCH = "6c1b8f5e-0000-4000-8000-000000000000";
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

    private String newKey(KmipVersion v) throws Exception {
        return c.ok(v, Operation.CREATE, createAes(v, 256)).child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
    }

    private String otherOwnersKey() throws Exception {
        try (KmipTestClient other = server.client("client2")) {
            return other.ok(V14, Operation.CREATE, createAes(V14, 128)).child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
        }
    }

    private static TtlvItem attribute1x(String name, TtlvItem value) {
        return AttributeMapping.toAttribute(new KmipAttribute(name, 0, value));
    }

    @Test
    void discoverVersions() throws Exception {
        TtlvItem p = c.ok(V14, Operation.DISCOVER_VERSIONS, payload());
        assertThat(p.childrenWith(Tag.PROTOCOL_VERSION)).hasSizeGreaterThanOrEqualTo(7);
        TtlvItem only12 = c.ok(V14, Operation.DISCOVER_VERSIONS, payload(TtlvItem.structure(Tag.PROTOCOL_VERSION,
                TtlvItem.integer(Tag.PROTOCOL_VERSION_MAJOR, 1), TtlvItem.integer(Tag.PROTOCOL_VERSION_MINOR, 2))));
        assertThat(only12.childrenWith(Tag.PROTOCOL_VERSION)).hasSize(1);
        fails(c.call(V14, Operation.DISCOVER_VERSIONS, payload(TtlvItem.structure(Tag.PROTOCOL_VERSION,
                TtlvItem.integer(Tag.PROTOCOL_VERSION_MAJOR, -1), TtlvItem.integer(Tag.PROTOCOL_VERSION_MINOR, 0)))),
                ResultReason.INVALID_FIELD);
        // Discover Versions came with KMIP 1.1: a 1.0 request cannot ask for it
        fails(c.call(KmipVersion.V1_0, Operation.DISCOVER_VERSIONS, payload()), ResultReason.OPERATION_NOT_SUPPORTED);
    }

    @Test
    void query() throws Exception {
        TtlvItem p = c.ok(V14, Operation.QUERY, payload(TtlvItem.enumeration(Tag.QUERY_FUNCTION,
                QueryFunction.QUERY_OPERATIONS.value())));
        assertThat(p.childrenWith(Tag.OPERATION)).extracting(TtlvItem::enumValue)
                .contains(Operation.CREATE.value(), Operation.GET.value(), Operation.LOCATE.value(), Operation.DESTROY.value())
                .doesNotContain(Operation.PING.value());
        fails(c.call(V14, Operation.QUERY, payload(TtlvItem.enumeration(Tag.QUERY_FUNCTION, 0x7777))), ResultReason.INVALID_FIELD);
    }

    @Test
    void createAndGet() throws Exception {
        String uid = newKey(V14);
        TtlvItem got = c.ok(V14, Operation.GET, withUid(uid));
        assertThat(got.child(Tag.SYMMETRIC_KEY)).isPresent();
        TtlvItem transparent = c.ok(V14, Operation.GET, payload(uid(uid), TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE,
                KeyFormatType.TRANSPARENT_SYMMETRIC_KEY.value())));
        assertThat(transparent.child(Tag.SYMMETRIC_KEY).orElseThrow().child(Tag.KEY_BLOCK).orElseThrow()
                .child(Tag.KEY_FORMAT_TYPE).orElseThrow().enumValue()).isEqualTo(KeyFormatType.TRANSPARENT_SYMMETRIC_KEY.value());
        // Create without an algorithm; Get of a missing object and of another owner's
        fails(c.call(V14, Operation.CREATE, create(V14, length(256))), ResultReason.MISSING_DATA);
        fails(c.call(V14, Operation.GET, withUid(NO_SUCH)), ResultReason.ITEM_NOT_FOUND);
        fails(c.call(V14, Operation.GET, withUid(otherOwnersKey())), ResultReason.ITEM_NOT_FOUND);
        fails(c.call(V14, Operation.GET, payload(uid(uid), TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE,
                KeyFormatType.PKCS_8.value()))), ResultReason.KEY_FORMAT_TYPE_NOT_SUPPORTED);
    }

    @Test
    void register() throws Exception {
        TtlvItem secret = TtlvItem.structure(Tag.SECRET_DATA,
                TtlvItem.enumeration(Tag.SECRET_DATA_TYPE, SecretDataType.SEED.value()),
                TtlvItem.structure(Tag.KEY_BLOCK, TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.OPAQUE.value()),
                        TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, new byte[96]))));
        String uid = c.ok(KmipVersion.V1_0, Operation.REGISTER, payload(
                TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SECRET_DATA.value()),
                attributes(KmipVersion.V1_0, List.of(usageMask(0))), secret)).child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
        assertThat(c.ok(KmipVersion.V1_0, Operation.GET, withUid(uid)).child(Tag.SECRET_DATA).orElseThrow()).isEqualTo(secret);
        // a Symmetric Key without its Key Block
        fails(c.call(V14, Operation.REGISTER, payload(TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()),
                attributes(V14, List.of()), TtlvItem.structure(Tag.SYMMETRIC_KEY))), ResultReason.INVALID_FIELD);
    }

    @Test
    void getAttributesAndGetAttributeList() throws Exception {
        String uid = newKey(V14);
        TtlvItem all = c.ok(V14, Operation.GET_ATTRIBUTES, getAttributes(V14, uid));
        assertThat(all.childrenWith(Tag.ATTRIBUTE)).extracting(a -> a.child(Tag.ATTRIBUTE_NAME).orElseThrow().textValue())
                .contains("Unique Identifier", "Object Type", "State", "Cryptographic Algorithm", "Cryptographic Length",
                        "Initial Date", "Last Change Date");
        TtlvItem list = c.ok(V14, Operation.GET_ATTRIBUTE_LIST, withUid(uid));
        assertThat(list.childrenWith(Tag.ATTRIBUTE_NAME)).extracting(TtlvItem::textValue).contains("State", "Digest");
        fails(c.call(V14, Operation.GET_ATTRIBUTES, getAttributes(V14, NO_SUCH, "State")), ResultReason.ITEM_NOT_FOUND);
        fails(c.call(V14, Operation.GET_ATTRIBUTE_LIST, withUid(otherOwnersKey())), ResultReason.ITEM_NOT_FOUND);
    }

    @Test
    void addModifyDeleteAttribute1x() throws Exception {
        String uid = newKey(V14);
        c.ok(V14, Operation.ADD_ATTRIBUTE, payload(uid(uid), attribute1x("x-owner", TtlvItem.text(Tag.ATTRIBUTE_VALUE, "team a"))));
        c.ok(V14, Operation.MODIFY_ATTRIBUTE, payload(uid(uid), attribute1x("x-owner", TtlvItem.text(Tag.ATTRIBUTE_VALUE, "team b"))));
        TtlvItem got = c.ok(V14, Operation.GET_ATTRIBUTES, getAttributes(V14, uid, "x-owner"));
        assertThat(got.child(Tag.ATTRIBUTE).orElseThrow().child(Tag.ATTRIBUTE_VALUE).orElseThrow().textValue()).isEqualTo("team b");
        c.ok(V14, Operation.DELETE_ATTRIBUTE, payload(uid(uid), TtlvItem.text(Tag.ATTRIBUTE_NAME, "x-owner")));
        assertThat(c.ok(V14, Operation.GET_ATTRIBUTES, getAttributes(V14, uid, "x-owner")).children()).hasSize(1);

        fails(c.call(V14, Operation.ADD_ATTRIBUTE, payload(uid(uid), attribute1x("Initial Date",
                TtlvItem.dateTime(Tag.ATTRIBUTE_VALUE, 1)))), ResultReason.PERMISSION_DENIED);
        fails(c.call(V14, Operation.MODIFY_ATTRIBUTE, payload(uid(uid), attribute1x("x-absent",
                TtlvItem.text(Tag.ATTRIBUTE_VALUE, "v")))), ResultReason.ITEM_NOT_FOUND);
        fails(c.call(V14, Operation.DELETE_ATTRIBUTE, payload(uid(uid), TtlvItem.text(Tag.ATTRIBUTE_NAME, "x-absent"))),
                ResultReason.ITEM_NOT_FOUND);
        fails(c.call(V14, Operation.ADD_ATTRIBUTE, payload(uid(otherOwnersKey()), attribute1x("x-owner",
                TtlvItem.text(Tag.ATTRIBUTE_VALUE, "intruder")))), ResultReason.ITEM_NOT_FOUND);
    }

    @Test
    void setAndAdjustAttribute2x() throws Exception {
        String uid = newKey(V21);
        long future = System.currentTimeMillis() / 1000 + 86_400;
        c.ok(V21, Operation.SET_ATTRIBUTE, payload(uid(uid), TtlvItem.structure(Tag.NEW_ATTRIBUTE,
                TtlvItem.dateTime(Tag.ACTIVATION_DATE, future))));
        c.ok(V21, Operation.ADJUST_ATTRIBUTE, payload(uid(uid),
                TtlvItem.enumeration(Tag.ATTRIBUTE_REFERENCE, Tag.ACTIVATION_DATE),
                TtlvItem.enumeration(Tag.ADJUSTMENT_TYPE, AdjustmentType.INCREMENT.value()),
                TtlvItem.interval(Tag.ADJUSTMENT_VALUE, 3600)));
        TtlvItem got = c.ok(V21, Operation.GET_ATTRIBUTES, getAttributes(V21, uid, "Activation Date"));
        assertThat(got.child(Tag.ATTRIBUTES).orElseThrow().child(Tag.ACTIVATION_DATE).orElseThrow().dateTimeValue())
                .isEqualTo(future + 3600);
        fails(c.call(V21, Operation.SET_ATTRIBUTE, payload(uid(uid), TtlvItem.structure(Tag.NEW_ATTRIBUTE,
                TtlvItem.enumeration(Tag.STATE, State.ACTIVE.value())))), ResultReason.ATTRIBUTE_READ_ONLY);
        fails(c.call(V21, Operation.ADJUST_ATTRIBUTE, payload(uid(uid),
                TtlvItem.enumeration(Tag.ATTRIBUTE_REFERENCE, Tag.DEACTIVATION_DATE),
                TtlvItem.enumeration(Tag.ADJUSTMENT_TYPE, AdjustmentType.INCREMENT.value()),
                TtlvItem.interval(Tag.ADJUSTMENT_VALUE, 1))), ResultReason.ATTRIBUTE_NOT_FOUND);
        // Set Attribute is a KMIP 2.0 operation
        fails(c.call(V14, Operation.SET_ATTRIBUTE, payload(uid(uid))), ResultReason.OPERATION_NOT_SUPPORTED);
    }

    @Test
    void locate() throws Exception {
        String group = "e2e-" + System.nanoTime();
        String uid = c.ok(V14, Operation.CREATE, createAes(V14, 128, objectGroup(group))).child(Tag.UNIQUE_IDENTIFIER)
                .orElseThrow().textValue();
        TtlvItem found = c.ok(V14, Operation.LOCATE, payload(attribute1x("Object Group", TtlvItem.text(Tag.ATTRIBUTE_VALUE, group))));
        assertThat(found.childrenWith(Tag.UNIQUE_IDENTIFIER)).extracting(TtlvItem::textValue).containsExactly(uid);
        fails(c.call(V14, Operation.LOCATE, payload(TtlvItem.integer(Tag.MAXIMUM_ITEMS, -1))), ResultReason.INVALID_FIELD);
    }

    @Test
    void lifecycleCheckActivateRevokeDestroy() throws Exception {
        String uid = newKey(V21);
        // Revoke of a Pre-Active key for a reason other than compromise, Destroy of an Active key: wrong state
        fails(c.call(V21, Operation.REVOKE, revoke(uid, RevocationReasonCode.CESSATION_OF_OPERATION.value())),
                ResultReason.WRONG_KEY_LIFECYCLE_STATE);
        c.ok(V21, Operation.ACTIVATE, withUid(uid));
        fails(c.call(V21, Operation.ACTIVATE, withUid(uid)), ResultReason.WRONG_KEY_LIFECYCLE_STATE);
        fails(c.call(V14, Operation.ACTIVATE, withUid(uid)), ResultReason.PERMISSION_DENIED);
        // the Activation Date of an Active key is history: it cannot change (AKLC-M-3-20 and -21)
        fails(c.call(V21, Operation.SET_ATTRIBUTE, payload(uid(uid), TtlvItem.structure(Tag.NEW_ATTRIBUTE,
                TtlvItem.dateTime(Tag.ACTIVATION_DATE, 1_900_000_000L)))), ResultReason.WRONG_KEY_LIFECYCLE_STATE);
        fails(c.call(V14, Operation.MODIFY_ATTRIBUTE, payload(uid(uid), attribute1x("Activation Date",
                TtlvItem.dateTime(Tag.ATTRIBUTE_VALUE, 1_900_000_000L)))), ResultReason.PERMISSION_DENIED);
        c.ok(V21, Operation.CHECK, payload(uid(uid), TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK,
                CryptographicUsageMask.ENCRYPT.value())));
        fails(c.call(V21, Operation.CHECK, payload(uid(uid), TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK,
                CryptographicUsageMask.SIGN.value()))), ResultReason.INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK);
        fails(c.call(V21, Operation.DESTROY, withUid(uid)), ResultReason.WRONG_KEY_LIFECYCLE_STATE);
        c.ok(V21, Operation.REVOKE, revoke(uid, RevocationReasonCode.KEY_COMPROMISE.value()));
        TtlvItem state = c.ok(V21, Operation.GET_ATTRIBUTES, getAttributes(V21, uid, "State"));
        assertThat(state.child(Tag.ATTRIBUTES).orElseThrow().child(Tag.STATE).orElseThrow().enumValue())
                .isEqualTo(State.COMPROMISED.value());
        c.ok(V21, Operation.GET, withUid(uid));
        c.ok(V21, Operation.DESTROY, withUid(uid));
        fails(c.call(V21, Operation.GET, withUid(uid)), ResultReason.OBJECT_DESTROYED);
        fails(c.call(V14, Operation.GET, withUid(uid)), ResultReason.ITEM_NOT_FOUND);
        fails(c.call(V21, Operation.DESTROY, withUid(NO_SUCH)), ResultReason.OBJECT_NOT_FOUND);
        // metadata stays after the material is erased
        TtlvItem after = c.ok(V21, Operation.GET_ATTRIBUTES, getAttributes(V21, uid, "State"));
        assertThat(after.child(Tag.ATTRIBUTES).orElseThrow().child(Tag.STATE).orElseThrow().enumValue())
                .isEqualTo(State.DESTROYED_COMPROMISED.value());
    }

    @Test
    void archiveRecoverObtainLease() throws Exception {
        String uid = newKey(V21);
        c.ok(V21, Operation.ACTIVATE, withUid(uid));
        TtlvItem lease = c.ok(V21, Operation.OBTAIN_LEASE, withUid(uid));
        assertThat(lease.child(Tag.LEASE_TIME)).isPresent();
        c.ok(V21, Operation.ARCHIVE, withUid(uid));
        fails(c.call(V21, Operation.GET, withUid(uid)), ResultReason.OBJECT_ARCHIVED);
        fails(c.call(V21, Operation.OBTAIN_LEASE, withUid(uid)), ResultReason.OBJECT_ARCHIVED);
        c.ok(V21, Operation.RECOVER, withUid(uid));
        c.ok(V21, Operation.GET, withUid(uid));
        fails(c.call(V21, Operation.ARCHIVE, withUid(NO_SUCH)), ResultReason.OBJECT_NOT_FOUND);
        fails(c.call(V21, Operation.RECOVER, withUid(otherOwnersKey())), ResultReason.OBJECT_NOT_FOUND);
    }

    @Test
    void getUsageAllocation() throws Exception {
        String limited = c.ok(V14, Operation.CREATE, createAes(V14, 256, KmipAttribute.of(TtlvItem.structure(Tag.USAGE_LIMITS,
                TtlvItem.longInteger(Tag.USAGE_LIMITS_TOTAL, 10),
                TtlvItem.enumeration(Tag.USAGE_LIMITS_UNIT, io.keyhold.protocol.spec.UsageLimitsUnit.OBJECT.value())))))
                .child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
        c.ok(V14, Operation.ACTIVATE, withUid(limited));
        c.ok(V14, Operation.GET_USAGE_ALLOCATION, payload(uid(limited), TtlvItem.longInteger(Tag.USAGE_LIMITS_COUNT, 4)));
        String unlimited = newKey(V14);
        c.ok(V14, Operation.ACTIVATE, withUid(unlimited));
        fails(c.call(V14, Operation.GET_USAGE_ALLOCATION, payload(uid(unlimited), TtlvItem.longInteger(Tag.USAGE_LIMITS_COUNT, 1))),
                ResultReason.PERMISSION_DENIED);
    }

    @Test
    void asynchronousRequestPollAndCancel() throws Exception {
        RequestHeader async = new RequestHeader(V21, null, null, null, true, null, List.of(), null, null, null, null, 1);
        ResponseBatchItem pending = c.send(new RequestMessage(async, List.of(RequestBatchItem.of(Operation.CREATE,
                createAes(V21, 256))))).batchItems().get(0);
        assertThat(pending.resultStatus()).isEqualTo(ResultStatus.OPERATION_PENDING.value());
        byte[] correlation = pending.asynchronousCorrelationValue();
        assertThat(correlation).isNotEmpty();
        ResponseBatchItem polled;
        long deadline = System.currentTimeMillis() + 10_000;
        do {
            polled = c.call(V21, Operation.POLL, payload(TtlvItem.bytes(Tag.ASYNCHRONOUS_CORRELATION_VALUE, correlation)));
        } while (polled.resultStatus() == ResultStatus.OPERATION_PENDING.value() && System.currentTimeMillis() < deadline);
        assertThat(polled.resultStatus()).isEqualTo(ResultStatus.SUCCESS.value());
        assertThat(polled.payload().child(Tag.UNIQUE_IDENTIFIER)).isPresent();
        TtlvItem cancel = c.ok(V21, Operation.CANCEL, payload(TtlvItem.bytes(Tag.ASYNCHRONOUS_CORRELATION_VALUE, correlation)));
        assertThat(cancel.child(Tag.CANCELLATION_RESULT)).isPresent();
        fails(c.call(V21, Operation.POLL, payload(TtlvItem.bytes(Tag.ASYNCHRONOUS_CORRELATION_VALUE, new byte[] {1, 2, 3}))),
                ResultReason.INVALID_ASYNCHRONOUS_CORRELATION_VALUE);
        fails(c.call(V21, Operation.CANCEL, payload(TtlvItem.bytes(Tag.ASYNCHRONOUS_CORRELATION_VALUE, new byte[] {1, 2, 3}))),
                ResultReason.INVALID_ASYNCHRONOUS_CORRELATION_VALUE);
    }

    @Test
    void pingAndLog() throws Exception {
        c.ok(V21, Operation.PING, payload());
        c.ok(V21, Operation.LOG, payload(TtlvItem.text(Tag.LOG_MESSAGE, "rotation window opens")));
        fails(c.call(V14, Operation.PING, payload()), ResultReason.OPERATION_NOT_SUPPORTED);
        fails(c.call(V21, Operation.LOG, payload()), ResultReason.INVALID_MESSAGE);
    }
}
