package io.keyhold.server.ops.server;

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
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.CredentialType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.QueryFunction;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.TicketType;
import io.keyhold.protocol.spec.UsageLimitsUnit;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ServerAssembly;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.dispatch.RequestContext;
import io.keyhold.server.store.memory.InMemoryObjectStore;
import io.keyhold.server.testing.LogCapture;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Login, Logout and Delegated Login through the dispatcher with every operation: a request with a Ticket
 * credential acts as the ticket's identity, within a delegated ticket's Rights, until Logout or its lease ends.
 */
class TicketOperationsTest {
    private static final KmipVersion V21 = KmipVersion.V2_1;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final ServerAssembly.Assembly server = ServerAssembly.open(new InMemoryObjectStore(), clock);
    private final RequestContext client1 = context("client1");
    private final RequestContext client2 = context("client2");

    @AfterEach
    void close() throws Exception {
        server.close();
    }

    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    // ---- requests

    private ResponseMessage send(RequestContext who, KmipVersion v, TtlvItem authentication, RequestBatchItem... items) {
        RequestHeader header = new RequestHeader(v, null, null, null, null, null, List.of(), authentication, null, null,
                null, items.length);
        return decode(server.processor().process(encode(header, List.of(items)), who));
    }

    private ResponseBatchItem call(RequestContext who, TtlvItem authentication, Operation op, TtlvItem payload) {
        return only(send(who, V21, authentication, RequestBatchItem.of(op, payload)));
    }

    private TtlvItem ok(RequestContext who, TtlvItem authentication, Operation op, TtlvItem payload) {
        ResponseBatchItem r = call(who, authentication, op, payload);
        assertThat(status(r)).as(op.specName() + ": " + r.resultMessage()).isEqualTo(ResultStatus.SUCCESS);
        return r.payload();
    }

    private String createKey(TtlvItem... attributes) {
        return ok(client1, null, Operation.CREATE, createAes(V21, 128,
                Arrays.stream(attributes).map(a -> objectGroup(a.textValue())).toArray(io.keyhold.protocol.message.KmipAttribute[]::new)))
                .child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
    }

    private static TtlvItem ticketOf(TtlvItem responsePayload) {
        TtlvItem ticket = responsePayload.child(Tag.TICKET).orElseThrow();
        assertThat(ticket.child(Tag.TICKET_TYPE).orElseThrow().enumValue()).isEqualTo(TicketType.LOGIN.value());
        assertThat(ticket.child(Tag.TICKET_VALUE).orElseThrow().bytesValue()).hasSize(32);
        return ticket;
    }

    private TtlvItem login(RequestContext who, TtlvItem... fields) {
        return ticketOf(ok(who, null, Operation.LOGIN, payload(fields)));
    }

    static TtlvItem credential(TtlvItem ticket) {
        return TtlvItem.structure(Tag.AUTHENTICATION, TtlvItem.structure(Tag.CREDENTIAL,
                TtlvItem.enumeration(Tag.CREDENTIAL_TYPE, CredentialType.TICKET.value()),
                TtlvItem.structure(Tag.CREDENTIAL_VALUE, ticket)));
    }

    static TtlvItem right(List<Operation> operations, List<String> objects, List<String> groups) {
        List<TtlvItem> fields = new java.util.ArrayList<>();
        if (!operations.isEmpty()) {
            fields.add(TtlvItem.structure(Tag.OPERATIONS, operations.stream()
                    .map(o -> TtlvItem.enumeration(Tag.OPERATION, o.value())).toList()));
        }
        if (!objects.isEmpty()) {
            fields.add(TtlvItem.structure(Tag.OBJECTS, objects.stream().map(u -> TtlvItem.text(Tag.UNIQUE_IDENTIFIER, u)).toList()));
        }
        if (!groups.isEmpty()) {
            fields.add(TtlvItem.structure(Tag.OBJECT_GROUPS, groups.stream().map(g -> TtlvItem.text(Tag.OBJECT_GROUP, g)).toList()));
        }
        return TtlvItem.structure(Tag.RIGHT, fields);
    }

    private static void refusedWholeMessage(ResponseMessage m) {
        ResponseBatchItem r = only(m);
        assertThat(r.operationValue()).isNull();
        assertThat(status(r)).isEqualTo(ResultStatus.OPERATION_FAILED);
        assertThat(reason(r)).isEqualTo(ResultReason.AUTHENTICATION_NOT_SUCCESSFUL);
        assertThat(r.resultMessage()).isEqualTo("authentication failed: the Ticket credential was not accepted");
    }

    private void refused(RequestContext who, TtlvItem ticket) {
        refusedWholeMessage(send(who, V21, credential(ticket), RequestBatchItem.of(Operation.QUERY, payload())));
    }

    // ---- Login and Logout

    @Test
    void login_ticketActsAsTheLoginIdentity_fromAnotherConnection() {
        String key = createKey();
        TtlvItem ticket = login(client1);
        assertThat(reason(call(client2, null, Operation.GET, withUid(key)))).isEqualTo(ResultReason.OBJECT_NOT_FOUND);
        TtlvItem got = ok(client2, credential(ticket), Operation.GET, withUid(key));
        assertThat(got.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue()).isEqualTo(key);
        // what the ticket creates belongs to the ticket's identity
        String made = ok(client2, credential(ticket), Operation.CREATE, createAes(V21, 128)).child(Tag.UNIQUE_IDENTIFIER)
                .orElseThrow().textValue();
        ok(client1, null, Operation.GET, withUid(made));
    }

    @Test
    void logout_ticketStopsWorking_andASecondLogoutIsInvalidTicket() {
        String key = createKey();
        TtlvItem ticket = login(client1);
        ok(client2, credential(ticket), Operation.GET, withUid(key));
        ok(client1, null, Operation.LOGOUT, payload(ticket));
        refusedWholeMessage(send(client2, V21, credential(ticket), RequestBatchItem.of(Operation.GET, withUid(key))));
        ResponseBatchItem again = call(client1, null, Operation.LOGOUT, payload(ticket));
        assertThat(reason(again)).isEqualTo(ResultReason.INVALID_TICKET);
    }

    @Test
    void logout_withTheTicketItself_endsIt() {
        TtlvItem ticket = login(client1);
        ok(client2, credential(ticket), Operation.LOGOUT, payload(ticket));
        refused(client2, ticket);
    }

    @Test
    void logout_unknownOrMalformedTicket_invalidTicket_missingTicket_invalidMessage() {
        TtlvItem unknown = TtlvItem.structure(Tag.TICKET, TtlvItem.enumeration(Tag.TICKET_TYPE, TicketType.LOGIN.value()),
                TtlvItem.bytes(Tag.TICKET_VALUE, new byte[32]));
        assertThat(reason(call(client1, null, Operation.LOGOUT, payload(unknown)))).isEqualTo(ResultReason.INVALID_TICKET);
        TtlvItem noValue = TtlvItem.structure(Tag.TICKET, TtlvItem.enumeration(Tag.TICKET_TYPE, TicketType.LOGIN.value()));
        assertThat(reason(call(client1, null, Operation.LOGOUT, payload(noValue)))).isEqualTo(ResultReason.INVALID_TICKET);
        assertThat(reason(call(client1, null, Operation.LOGOUT, payload()))).isEqualTo(ResultReason.INVALID_MESSAGE);
    }

    @Test
    void unknownTicket_refusesTheWholeMessage_likeAWrongPassword() {
        TtlvItem forged = TtlvItem.structure(Tag.TICKET, TtlvItem.enumeration(Tag.TICKET_TYPE, TicketType.LOGIN.value()),
                TtlvItem.bytes(Tag.TICKET_VALUE, new byte[32]));
        refused(client2, forged);
        TtlvItem real = login(client1);
        byte[] altered = real.child(Tag.TICKET_VALUE).orElseThrow().bytesValue();
        altered[0] ^= 1;
        refused(client2, TtlvItem.structure(Tag.TICKET, real.child(Tag.TICKET_TYPE).orElseThrow(),
                TtlvItem.bytes(Tag.TICKET_VALUE, altered)));
    }

    @Test
    void ticketWithPasswordCredential_isRefusedAsAmbiguous() {
        TtlvItem ticket = login(client1);
        TtlvItem both = TtlvItem.structure(Tag.AUTHENTICATION, credential(ticket).children().get(0),
                TtlvItem.structure(Tag.CREDENTIAL,
                        TtlvItem.enumeration(Tag.CREDENTIAL_TYPE, CredentialType.USERNAME_AND_PASSWORD.value()),
                        TtlvItem.structure(Tag.CREDENTIAL_VALUE, TtlvItem.text(Tag.USERNAME, "alice"),
                                TtlvItem.text(Tag.PASSWORD, "x"))));
        refusedWholeMessage(send(client2, V21, both, RequestBatchItem.of(Operation.QUERY, payload())));
    }

    @Test
    void leaseTime_endsTheTicket_andIsCappedByTheServerMaximum() {
        TtlvItem shortLived = login(client1, TtlvItem.interval(Tag.LEASE_TIME, 60));
        TtlvItem capped = login(client1, TtlvItem.interval(Tag.LEASE_TIME, 30L * 24 * 3600));
        TtlvItem byDefault = login(client1);
        clock.advance(Duration.ofSeconds(59));
        ok(client2, credential(shortLived), Operation.QUERY, payload());
        clock.advance(Duration.ofSeconds(1));
        refused(client2, shortLived);
        clock.advance(Duration.ofMinutes(59)); // one hour: the default lease
        refused(client2, byDefault);
        ok(client2, credential(capped), Operation.QUERY, payload());
        clock.advance(Duration.ofHours(7)); // eight hours: the longest lease
        refused(client2, capped);
    }

    @Test
    void ticketMaxLease_fromTheConfiguration_capsTheLease() throws Exception {
        ServerConfig.Access access = new ServerConfig.Access(List.of(), java.util.Map.of(),
                ServerConfig.PasswordCredentials.DISABLED, Duration.ofMinutes(2));
        try (ServerAssembly.Assembly configured = ServerAssembly.open(new InMemoryObjectStore(), clock,
                io.keyhold.server.crypto.CryptoPolicy.DEFAULT, access)) {
            RequestHeader header = new RequestHeader(V21, null, null, null, null, null, List.of(), null, null, null, null, 1);
            TtlvItem ticket = ticketOf(only(decode(configured.processor().process(encode(header, List.of(
                    RequestBatchItem.of(Operation.LOGIN, payload(TtlvItem.interval(Tag.LEASE_TIME, 3600))))), client1)))
                    .payload());
            RequestHeader withTicket = new RequestHeader(V21, null, null, null, null, null, List.of(), credential(ticket), null,
                    null, null, 1);
            byte[] query = encode(withTicket, List.of(RequestBatchItem.of(Operation.QUERY, payload())));
            clock.advance(Duration.ofSeconds(119));
            assertThat(status(only(decode(configured.processor().process(query, client2))))).isEqualTo(ResultStatus.SUCCESS);
            clock.advance(Duration.ofSeconds(1));
            refusedWholeMessage(decode(configured.processor().process(query, client2)));
        }
    }

    @Test
    void requestCount_limitsTheRequests_notTheItems() {
        TtlvItem ticket = login(client1, TtlvItem.integer(Tag.REQUEST_COUNT, 2));
        ResponseMessage two = send(client2, V21, credential(ticket), RequestBatchItem.of(Operation.QUERY, payload()),
                RequestBatchItem.of(Operation.QUERY, payload()));
        assertThat(two.batchItems()).extracting(r -> status(r)).containsOnly(ResultStatus.SUCCESS);
        ok(client2, credential(ticket), Operation.QUERY, payload());
        refused(client2, ticket);
    }

    @Test
    void usageLimits_limitTheOperations_usageLimitExceeded() {
        TtlvItem ticket = login(client1, TtlvItem.structure(Tag.USAGE_LIMITS,
                TtlvItem.longInteger(Tag.USAGE_LIMITS_TOTAL, 2),
                TtlvItem.enumeration(Tag.USAGE_LIMITS_UNIT, UsageLimitsUnit.OBJECT.value())));
        ok(client2, credential(ticket), Operation.QUERY, payload());
        ok(client2, credential(ticket), Operation.QUERY, payload());
        assertThat(reason(call(client2, credential(ticket), Operation.QUERY, payload())))
                .isEqualTo(ResultReason.USAGE_LIMIT_EXCEEDED);
        ok(client2, credential(ticket), Operation.LOGOUT, payload(ticket));
    }

    @Test
    void login_badFields_areRefused() {
        assertThat(reason(call(client1, null, Operation.LOGIN, payload(TtlvItem.integer(Tag.REQUEST_COUNT, 0)))))
                .isEqualTo(ResultReason.INVALID_FIELD);
        assertThat(reason(call(client1, null, Operation.LOGIN, payload(TtlvItem.interval(Tag.LEASE_TIME, 0)))))
                .isEqualTo(ResultReason.INVALID_FIELD);
        assertThat(reason(call(client1, null, Operation.LOGIN, payload(TtlvItem.longInteger(Tag.REQUEST_COUNT, 5)))))
                .isEqualTo(ResultReason.INVALID_MESSAGE);
        assertThat(reason(call(client1, null, Operation.LOGIN, payload(TtlvItem.structure(Tag.USAGE_LIMITS,
                TtlvItem.longInteger(Tag.USAGE_LIMITS_TOTAL, 100),
                TtlvItem.enumeration(Tag.USAGE_LIMITS_UNIT, UsageLimitsUnit.BYTE.value()))))))
                .isEqualTo(ResultReason.FEATURE_NOT_SUPPORTED);
    }

    // ---- Delegated Login

    private TtlvItem delegate(RequestContext who, TtlvItem... rights) {
        return ticketOf(ok(who, null, Operation.DELEGATED_LOGIN, payload(TtlvItem.structure(Tag.RIGHTS, rights))));
    }

    @Test
    void delegatedLogin_allowsOnlyItsRights_permissionDeniedOutside_itemNotFoundForOtherObjects() {
        String key = createKey();
        String other = createKey();
        TtlvItem ticket = delegate(client1, right(List.of(Operation.GET, Operation.GET_ATTRIBUTES), List.of(key), List.of()));

        ok(client2, credential(ticket), Operation.GET, withUid(key));
        ResponseBatchItem destroy = call(client2, credential(ticket), Operation.DESTROY, withUid(key));
        assertThat(reason(destroy)).isEqualTo(ResultReason.PERMISSION_DENIED);
        assertThat(reason(call(client2, credential(ticket), Operation.QUERY, payload()))).isEqualTo(ResultReason.PERMISSION_DENIED);
        // an object of the delegating identity outside the Rights is answered as missing
        ResponseBatchItem outside = call(client2, credential(ticket), Operation.GET, withUid(other));
        ResponseBatchItem missing = call(client2, credential(ticket), Operation.GET, withUid("no-such-object"));
        assertThat(reason(outside)).isEqualTo(ResultReason.OBJECT_NOT_FOUND);
        assertThat(outside.resultMessage()).isEqualTo(missing.resultMessage().replace("no-such-object", other));
        // the key is still there: Destroy never ran
        ok(client1, null, Operation.GET, withUid(key));
    }

    @Test
    void delegatedLogin_objectGroups_coverTheGroupsObjects() {
        String finance = createKey(TtlvItem.text(Tag.OBJECT_GROUP, "finance"));
        String plain = createKey();
        TtlvItem ticket = delegate(client1, right(List.of(Operation.GET), List.of(), List.of("finance")));
        ok(client2, credential(ticket), Operation.GET, withUid(finance));
        assertThat(reason(call(client2, credential(ticket), Operation.GET, withUid(plain)))).isEqualTo(ResultReason.OBJECT_NOT_FOUND);
    }

    @Test
    void delegatedLogin_cannotReachBeyondTheDelegatorsOwnRights() {
        RequestContext client3 = context("client3");
        String theirs = ok(client3, null, Operation.CREATE, createAes(V21, 128)).child(Tag.UNIQUE_IDENTIFIER).orElseThrow()
                .textValue();
        ResponseBatchItem r = call(client1, null, Operation.DELEGATED_LOGIN, payload(TtlvItem.structure(Tag.RIGHTS,
                right(List.of(Operation.GET), List.of(theirs), List.of()))));
        assertThat(reason(r)).isEqualTo(ResultReason.OBJECT_NOT_FOUND);
        // a Right naming every object still cannot reach another identity's object
        TtlvItem everything = delegate(client1, right(List.of(Operation.GET), List.of(), List.of()));
        assertThat(reason(call(client2, credential(everything), Operation.GET, withUid(theirs))))
                .isEqualTo(ResultReason.OBJECT_NOT_FOUND);
    }

    @Test
    void delegatedTicket_cannotObtainTickets() {
        TtlvItem ticket = delegate(client1, right(List.of(Operation.LOGIN, Operation.DELEGATED_LOGIN), List.of(), List.of()));
        assertThat(reason(call(client2, credential(ticket), Operation.LOGIN, payload()))).isEqualTo(ResultReason.PERMISSION_DENIED);
        assertThat(reason(call(client2, credential(ticket), Operation.DELEGATED_LOGIN, payload(TtlvItem.structure(Tag.RIGHTS,
                right(List.of(Operation.GET), List.of(), List.of())))))).isEqualTo(ResultReason.PERMISSION_DENIED);
    }

    @Test
    void delegatedLogin_missingOrEmptyRights_areRefused() {
        assertThat(reason(call(client1, null, Operation.DELEGATED_LOGIN, payload()))).isEqualTo(ResultReason.INVALID_MESSAGE);
        assertThat(reason(call(client1, null, Operation.DELEGATED_LOGIN, payload(TtlvItem.structure(Tag.RIGHTS)))))
                .isEqualTo(ResultReason.INVALID_FIELD);
        assertThat(reason(call(client1, null, Operation.DELEGATED_LOGIN, payload(TtlvItem.structure(Tag.RIGHTS,
                TtlvItem.structure(Tag.RIGHT, TtlvItem.structure(Tag.OPERATIONS,
                        TtlvItem.enumeration(Tag.OPERATION, 0x7777)))))))).isEqualTo(ResultReason.INVALID_FIELD);
    }

    @Test
    void ticketFromATicket_isNoLongerLivedThanIts() {
        TtlvItem first = login(client1, TtlvItem.interval(Tag.LEASE_TIME, 120));
        TtlvItem second = ticketOf(ok(client2, credential(first), Operation.LOGIN, payload(TtlvItem.interval(Tag.LEASE_TIME, 3600))));
        clock.advance(Duration.ofSeconds(120));
        refused(client2, second);
    }

    // ---- versions and Query

    @Test
    void ticketOperations_existOnlyIn2x_andQueryListsThem() {
        ResponseBatchItem old = only(send(client1, KmipVersion.V1_4, null, RequestBatchItem.of(Operation.LOGIN, payload())));
        assertThat(reason(old)).isEqualTo(ResultReason.OPERATION_NOT_SUPPORTED);
        for (KmipVersion v : List.of(KmipVersion.V2_0, KmipVersion.V2_1)) {
            TtlvItem q = only(send(client1, v, null, RequestBatchItem.of(Operation.QUERY, payload(
                    TtlvItem.enumeration(Tag.QUERY_FUNCTION, QueryFunction.QUERY_OPERATIONS.value()))))).payload();
            assertThat(q.childrenWith(Tag.OPERATION).stream().map(TtlvItem::enumValue).toList())
                    .contains(Operation.LOGIN.value(), Operation.LOGOUT.value(), Operation.DELEGATED_LOGIN.value());
        }
        TtlvItem q14 = only(send(client1, KmipVersion.V1_4, null, RequestBatchItem.of(Operation.QUERY, payload(
                TtlvItem.enumeration(Tag.QUERY_FUNCTION, QueryFunction.QUERY_OPERATIONS.value()))))).payload();
        assertThat(q14.childrenWith(Tag.OPERATION).stream().map(TtlvItem::enumValue).toList())
                .doesNotContain(Operation.LOGIN.value(), Operation.LOGOUT.value(), Operation.DELEGATED_LOGIN.value());
    }

    @Test
    void ticketValues_neverReachTheLog() {
        try (LogCapture log = new LogCapture()) {
            TtlvItem ticket = login(client1);
            ok(client2, credential(ticket), Operation.QUERY, payload());
            ok(client1, null, Operation.LOGOUT, payload(ticket));
            refused(client2, ticket);
            byte[] value = ticket.child(Tag.TICKET_VALUE).orElseThrow().bytesValue();
            String hex = HexFormat.of().formatHex(value);
            String b64 = java.util.Base64.getEncoder().encodeToString(value);
            assertThat(String.join("", log.lines())).doesNotContainIgnoringCase(hex).doesNotContain(b64)
                    .doesNotContainIgnoringCase(hex.substring(0, 16));
            assertThat(log.lines()).anyMatch(l -> l.contains("Ticket of client1 logged out"));
        }
    }
}
