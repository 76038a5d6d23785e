package io.keyhold.server.cluster;

import static io.keyhold.server.dispatch.DispatcherFixture.context;
import static io.keyhold.server.dispatch.DispatcherFixture.decode;
import static io.keyhold.server.dispatch.DispatcherFixture.encode;
import static io.keyhold.server.dispatch.DispatcherFixture.only;
import static io.keyhold.server.dispatch.DispatcherFixture.reason;
import static io.keyhold.server.dispatch.DispatcherFixture.status;
import static io.keyhold.server.testing.Payloads.createAes;
import static io.keyhold.server.testing.Payloads.objectGroup;
import static io.keyhold.server.testing.Payloads.payload;
import static io.keyhold.server.testing.Payloads.withUid;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestHeader;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.spec.BatchErrorContinuationOption;
import io.keyhold.protocol.spec.CredentialType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.UsageLimitsUnit;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ServerAssembly;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.crypto.CryptoPolicy;
import io.keyhold.server.dispatch.RequestContext;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.StoredObject;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two server nodes, each its own dispatcher and store, on one database: the tickets of Login and the Object
 * Defaults and Constraints are the database's, so what one node does the other sees at once. Each store's
 * test subclasses this with two stores open on one fresh database.
 */
public abstract class SharedServerStateContract {
    private static final KmipVersion V21 = KmipVersion.V2_1;
    private final RequestContext admin = context("admin");
    private final RequestContext client1 = context("client1");
    private final RequestContext client2 = context("client2");
    private ServerAssembly.Assembly nodeA;
    private ServerAssembly.Assembly nodeB;

    /** Two stores, as two nodes would open them, on one new empty database. */
    protected abstract List<ObjectStore> openTwoStores() throws Exception;

    @BeforeEach
    void openNodes() throws Exception {
        List<ObjectStore> stores = openTwoStores();
        ServerConfig.Access access = new ServerConfig.Access(List.of("admin"));
        nodeA = ServerAssembly.open(stores.get(0), Clock.systemUTC(), CryptoPolicy.DEFAULT, access);
        nodeB = ServerAssembly.open(stores.get(1), Clock.systemUTC(), CryptoPolicy.DEFAULT, access);
    }

    @AfterEach
    void closeNodes() {
        if (nodeA != null) {
            nodeA.close();
        }
        if (nodeB != null) {
            nodeB.close();
        }
    }

    private static ResponseBatchItem call(ServerAssembly.Assembly node, RequestContext who, TtlvItem authentication,
                                          Operation op, TtlvItem payload) {
        RequestHeader header = new RequestHeader(V21, null, null, null, null, null, List.of(), authentication, null, null,
                null, 1);
        return only(decode(node.processor().process(encode(header, List.of(RequestBatchItem.of(op, payload))), who)));
    }

    private static TtlvItem ok(ServerAssembly.Assembly node, RequestContext who, TtlvItem authentication, Operation op,
                               TtlvItem payload) {
        ResponseBatchItem r = call(node, who, authentication, op, payload);
        assertThat(status(r)).as(op.specName() + ": " + r.resultMessage()).isEqualTo(ResultStatus.SUCCESS);
        return r.payload();
    }

    private static TtlvItem credential(TtlvItem ticket) {
        return TtlvItem.structure(Tag.AUTHENTICATION, TtlvItem.structure(Tag.CREDENTIAL,
                TtlvItem.enumeration(Tag.CREDENTIAL_TYPE, CredentialType.TICKET.value()),
                TtlvItem.structure(Tag.CREDENTIAL_VALUE, ticket)));
    }

    private TtlvItem login(ServerAssembly.Assembly node, TtlvItem... fields) {
        return ok(node, client1, null, Operation.LOGIN, payload(fields)).child(Tag.TICKET).orElseThrow();
    }

    private static void refused(ServerAssembly.Assembly node, TtlvItem ticket) {
        ResponseBatchItem r = call(node, context("client2"), credential(ticket), Operation.QUERY, payload());
        assertThat(reason(r)).isEqualTo(ResultReason.AUTHENTICATION_NOT_SUCCESSFUL);
    }

    private String createKey(ServerAssembly.Assembly node, RequestContext who, TtlvItem authentication,
                             io.keyhold.protocol.message.KmipAttribute... attributes) {
        return ok(node, who, authentication, Operation.CREATE, createAes(V21, 128, attributes))
                .child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
    }

    @Test
    void ticketFromLoginOnOneNode_isAcceptedByTheOther_untilLogoutOnEither() {
        String key = createKey(nodeA, client1, null);
        TtlvItem ticket = login(nodeA);
        TtlvItem got = ok(nodeB, client2, credential(ticket), Operation.GET, withUid(key));
        assertThat(got.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue()).isEqualTo(key);
        String made = createKey(nodeB, client2, credential(ticket));
        ok(nodeA, client1, null, Operation.GET, withUid(made)); // made on B as the ticket's identity

        ok(nodeB, client1, null, Operation.LOGOUT, payload(ticket));
        refused(nodeA, ticket);
        refused(nodeB, ticket);
        assertThat(reason(call(nodeA, client1, null, Operation.LOGOUT, payload(ticket))))
                .isEqualTo(ResultReason.INVALID_TICKET);

        TtlvItem second = login(nodeB);
        ok(nodeB, client2, credential(second), Operation.QUERY, payload());
        ok(nodeA, client1, null, Operation.LOGOUT, payload(second));
        refused(nodeB, second);
    }

    @Test
    void requestCount_isSharedByTheNodes() {
        TtlvItem ticket = login(nodeA, TtlvItem.integer(Tag.REQUEST_COUNT, 3));
        ok(nodeA, client2, credential(ticket), Operation.QUERY, payload());
        ok(nodeB, client2, credential(ticket), Operation.QUERY, payload());
        ok(nodeA, client2, credential(ticket), Operation.QUERY, payload());
        refused(nodeB, ticket);
        refused(nodeA, ticket);
    }

    @Test
    void usageLimits_areSharedByTheNodes() {
        TtlvItem ticket = login(nodeB, TtlvItem.structure(Tag.USAGE_LIMITS,
                TtlvItem.longInteger(Tag.USAGE_LIMITS_TOTAL, 2),
                TtlvItem.enumeration(Tag.USAGE_LIMITS_UNIT, UsageLimitsUnit.OBJECT.value())));
        ok(nodeA, client2, credential(ticket), Operation.QUERY, payload());
        ok(nodeB, client2, credential(ticket), Operation.QUERY, payload());
        assertThat(reason(call(nodeA, client2, credential(ticket), Operation.QUERY, payload())))
                .isEqualTo(ResultReason.USAGE_LIMIT_EXCEEDED);
        assertThat(reason(call(nodeB, client2, credential(ticket), Operation.QUERY, payload())))
                .isEqualTo(ResultReason.USAGE_LIMIT_EXCEEDED);
    }

    private static List<ResponseBatchItem> undoBatch(ServerAssembly.Assembly node, RequestContext who,
                                                     TtlvItem authentication, RequestBatchItem... items) {
        RequestHeader header = new RequestHeader(V21, null, null, null, null, null, List.of(), authentication,
                BatchErrorContinuationOption.UNDO.value(), null, null, items.length);
        return decode(node.processor().process(encode(header, List.of(items)), who)).batchItems();
    }

    @Test
    void undoBatch_drawsItsUsageLimitsBeforeItRuns_andLoginInsideItCommitsWithIt() {
        TtlvItem ticket = login(nodeA, TtlvItem.structure(Tag.USAGE_LIMITS,
                TtlvItem.longInteger(Tag.USAGE_LIMITS_TOTAL, 3),
                TtlvItem.enumeration(Tag.USAGE_LIMITS_UNIT, UsageLimitsUnit.OBJECT.value())));
        List<ResponseBatchItem> two = undoBatch(nodeB, client2, credential(ticket),
                RequestBatchItem.of(Operation.QUERY, payload()), RequestBatchItem.of(Operation.QUERY, payload()));
        assertThat(two).extracting(r -> status(r)).containsExactly(ResultStatus.SUCCESS, ResultStatus.SUCCESS);
        List<ResponseBatchItem> over = undoBatch(nodeA, client2, credential(ticket),
                RequestBatchItem.of(Operation.QUERY, payload()), RequestBatchItem.of(Operation.QUERY, payload()));
        assertThat(over).extracting(r -> status(r)).containsExactly(ResultStatus.OPERATION_UNDONE,
                ResultStatus.OPERATION_FAILED);
        assertThat(reason(over.get(1))).isEqualTo(ResultReason.USAGE_LIMIT_EXCEEDED);
        assertThat(reason(call(nodeB, client2, credential(ticket), Operation.QUERY, payload())))
                .as("the rolled-back batch spent what it drew").isEqualTo(ResultReason.USAGE_LIMIT_EXCEEDED);

        List<ResponseBatchItem> loggedIn = undoBatch(nodeA, client1, null,
                RequestBatchItem.of(Operation.LOGIN, payload()), RequestBatchItem.of(Operation.QUERY, payload()));
        assertThat(loggedIn).extracting(r -> status(r)).containsExactly(ResultStatus.SUCCESS, ResultStatus.SUCCESS);
        ok(nodeB, client2, credential(loggedIn.get(0).payload().child(Tag.TICKET).orElseThrow()), Operation.QUERY, payload());
    }

    @Test
    void setConstraintsOnOneNode_isEnforcedByCreateOnTheOther() {
        ok(nodeA, client1, null, Operation.CREATE, createAes(V21, 128));
        TtlvItem constraints = TtlvItem.structure(Tag.CONSTRAINTS, TtlvItem.structure(Tag.CONSTRAINT,
                TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()),
                TtlvItem.structure(Tag.ATTRIBUTES, TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 256))));
        ok(nodeA, admin, null, Operation.SET_CONSTRAINTS, payload(constraints));

        ResponseBatchItem refused = call(nodeB, client1, null, Operation.CREATE, createAes(V21, 128));
        assertThat(reason(refused)).isEqualTo(ResultReason.CONSTRAINT_VIOLATION);
        ok(nodeB, client1, null, Operation.CREATE, createAes(V21, 256));
        assertThat(ok(nodeB, client2, null, Operation.GET_CONSTRAINTS, payload()).child(Tag.CONSTRAINTS).orElseThrow())
                .isEqualTo(constraints);

        ok(nodeB, admin, null, Operation.SET_CONSTRAINTS, payload(TtlvItem.structure(Tag.CONSTRAINTS)));
        ok(nodeA, client1, null, Operation.CREATE, createAes(V21, 128));
    }

    @Test
    void setDefaultsOnOneNode_applyToCreateOnTheOther() throws Exception {
        ok(nodeB, admin, null, Operation.SET_DEFAULTS, payload(TtlvItem.structure(Tag.DEFAULTS_INFORMATION,
                TtlvItem.structure(Tag.OBJECT_DEFAULTS, TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()),
                        TtlvItem.structure(Tag.ATTRIBUTES, TtlvItem.text(Tag.OBJECT_GROUP, "defaulted"))))));
        String defaulted = createKey(nodeA, client1, null);
        String own = createKey(nodeA, client1, null, objectGroup("mine"));
        assertThat(groups(defaulted)).containsExactly("defaulted");
        assertThat(groups(own)).containsExactly("mine");
    }

    private List<String> groups(String uid) throws Exception {
        StoredObject o = nodeB.store().read(tx -> tx.get(uid)).orElseThrow();
        return o.attributes("Object Group").stream().map(a -> a.value().textValue()).toList();
    }
}
