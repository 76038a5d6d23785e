package io.keyhold.server.dispatch;

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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestHeader;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.CredentialType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ServerAssembly;
import io.keyhold.server.auth.Identity;
import io.keyhold.server.auth.TicketRights;
import io.keyhold.server.store.memory.InMemoryObjectStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A request with a scope ({@link RequestContext#scoped}, an API token's) through the dispatcher with every
 * operation: it runs as its identity, only where the scope allows, enforced as a delegated ticket's Rights.
 */
class ScopedRequestTest {
    private static final KmipVersion V21 = KmipVersion.V2_1;
    private final ServerAssembly.Assembly server = ServerAssembly.open(new InMemoryObjectStore(),
            Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
    private final RequestContext client1 = context("client1");

    @AfterEach
    void close() throws Exception {
        server.close();
    }

    private static RequestContext scoped(String identity, Set<Operation> ops, Set<String> objects, Set<String> groups) {
        return RequestContext.scoped(new Identity(identity), "127.0.0.1:2", new ConnectionSession(),
                new TicketRights(List.of(new TicketRights.Right(ops, objects, groups))));
    }

    private ResponseMessage send(RequestContext who, TtlvItem authentication, RequestBatchItem... items) {
        RequestHeader header = new RequestHeader(V21, null, null, null, null, null, List.of(), authentication, null, null,
                null, items.length);
        return decode(server.processor().process(encode(header, List.of(items)), who));
    }

    private ResponseBatchItem call(RequestContext who, Operation op, TtlvItem payload) {
        return only(send(who, null, RequestBatchItem.of(op, payload)));
    }

    private TtlvItem ok(RequestContext who, Operation op, TtlvItem payload) {
        ResponseBatchItem r = call(who, op, payload);
        assertThat(status(r)).as(op.specName() + ": " + r.resultMessage()).isEqualTo(ResultStatus.SUCCESS);
        return r.payload();
    }

    private String createKey(RequestContext who, KmipAttribute... attributes) {
        return ok(who, Operation.CREATE, createAes(V21, 128, attributes)).child(Tag.UNIQUE_IDENTIFIER).orElseThrow()
                .textValue();
    }

    @Test
    void scope_allowsItsOperationsOnItsObjects_permissionDeniedForOtherOperations_missingForOtherObjects() {
        String key = createKey(client1);
        String other = createKey(client1);
        RequestContext token = scoped("client1", Set.of(Operation.GET, Operation.GET_ATTRIBUTES), Set.of(key), Set.of());

        TtlvItem got = ok(token, Operation.GET, withUid(key));
        assertThat(got.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue()).isEqualTo(key);
        ResponseBatchItem destroy = call(token, Operation.DESTROY, withUid(key));
        assertThat(reason(destroy)).isEqualTo(ResultReason.PERMISSION_DENIED);
        assertThat(destroy.resultMessage()).isEqualTo("the scope does not allow Destroy");
        assertThat(reason(call(token, Operation.QUERY, payload()))).isEqualTo(ResultReason.PERMISSION_DENIED);
        // an object of the identity outside the scope is answered as a missing one
        ResponseBatchItem outside = call(token, Operation.GET, withUid(other));
        ResponseBatchItem missing = call(token, Operation.GET, withUid("no-such-object"));
        assertThat(reason(outside)).isEqualTo(ResultReason.OBJECT_NOT_FOUND);
        assertThat(outside.resultMessage()).isEqualTo(missing.resultMessage().replace("no-such-object", other));
        // Destroy never ran; without the scope the same identity reaches both objects
        ok(client1, Operation.GET, withUid(key));
        ok(client1, Operation.GET, withUid(other));
    }

    @Test
    void scopeByObjectGroup_coversTheGroupsObjects() {
        String finance = createKey(client1, objectGroup("finance"));
        String plain = createKey(client1);
        RequestContext token = scoped("client1", Set.of(Operation.GET), Set.of(), Set.of("finance"));
        ok(token, Operation.GET, withUid(finance));
        assertThat(reason(call(token, Operation.GET, withUid(plain)))).isEqualTo(ResultReason.OBJECT_NOT_FOUND);
    }

    @Test
    void scope_cannotReachBeyondTheIdentitysOwnRights() {
        String theirs = createKey(context("client3"));
        RequestContext everything = scoped("client1", Set.of(), Set.of(), Set.of());
        assertThat(reason(call(everything, Operation.GET, withUid(theirs)))).isEqualTo(ResultReason.OBJECT_NOT_FOUND);
        // what a scoped request creates belongs to its identity
        RequestContext creator = scoped("client1", Set.of(Operation.CREATE), Set.of(), Set.of());
        String made = createKey(creator);
        ok(client1, Operation.GET, withUid(made));
    }

    @Test
    void unrestrictedScope_isAPlainRequest() {
        String key = createKey(client1);
        RequestContext token = RequestContext.scoped(new Identity("client1"), "127.0.0.1:2", new ConnectionSession(),
                TicketRights.UNRESTRICTED);
        ok(token, Operation.QUERY, payload());
        ok(token, Operation.DESTROY, withUid(key));
    }

    @Test
    void scopedRequest_cannotObtainTickets_evenWithLoginInItsScope() {
        RequestContext token = scoped("client1", Set.of(Operation.LOGIN, Operation.DELEGATED_LOGIN, Operation.GET),
                Set.of(), Set.of());
        assertThat(reason(call(token, Operation.LOGIN, payload()))).isEqualTo(ResultReason.PERMISSION_DENIED);
        assertThat(reason(call(token, Operation.DELEGATED_LOGIN, payload(TtlvItem.structure(Tag.RIGHTS,
                TtlvItem.structure(Tag.RIGHT, TtlvItem.structure(Tag.OPERATIONS,
                        TtlvItem.enumeration(Tag.OPERATION, Operation.GET.value())))))))).isEqualTo(ResultReason.PERMISSION_DENIED);
    }

    @Test
    void scopedRequest_presentingATicket_isRefusedAsAWhole() {
        String key = createKey(client1);
        TtlvItem ticket = ok(client1, Operation.LOGIN, payload()).child(Tag.TICKET).orElseThrow();
        TtlvItem credential = TtlvItem.structure(Tag.AUTHENTICATION, TtlvItem.structure(Tag.CREDENTIAL,
                TtlvItem.enumeration(Tag.CREDENTIAL_TYPE, CredentialType.TICKET.value()),
                TtlvItem.structure(Tag.CREDENTIAL_VALUE, ticket)));
        RequestContext token = scoped("client1", Set.of(Operation.GET), Set.of(), Set.of());
        ResponseBatchItem r = only(send(token, credential, RequestBatchItem.of(Operation.DESTROY, withUid(key))));
        assertThat(r.operationValue()).isNull();
        assertThat(reason(r)).isEqualTo(ResultReason.PERMISSION_DENIED);
        ok(client1, Operation.GET, withUid(key)); // Destroy never ran
        // the same ticket works for a request without a scope
        assertThat(status(only(send(context("client2"), credential, RequestBatchItem.of(Operation.GET, withUid(key))))))
                .isEqualTo(ResultStatus.SUCCESS);
    }

    @Test
    void context_withATicket_takesNoScope() {
        RequestContext plain = context("client1");
        assertThat(plain.scope()).isEqualTo(TicketRights.UNRESTRICTED);
        assertThat(plain.rights()).isEqualTo(TicketRights.UNRESTRICTED);
        assertThat(plain.refusal(Operation.DESTROY)).isEmpty();
        RequestContext token = scoped("client1", Set.of(Operation.GET), Set.of(), Set.of());
        assertThat(token.ticketSession()).isEmpty();
        assertThat(token.rights()).isSameAs(token.scope());
        assertThat(token.refusal(Operation.GET)).isEmpty();
        assertThat(token.refusal(Operation.DESTROY)).isPresent();
        assertThatThrownBy(() -> new RequestContext(new Identity("a"), "r", new ConnectionSession(), null, null))
                .isInstanceOf(NullPointerException.class);
    }
}
