package io.keyhold.server.interop;

import static io.keyhold.server.testing.KmipAssertions.fails;
import static io.keyhold.server.testing.Payloads.createAes;
import static io.keyhold.server.testing.Payloads.payload;
import static io.keyhold.server.testing.Payloads.withUid;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestHeader;
import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.CredentialType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.testing.KmipTestClient;
import io.keyhold.server.testing.LiveServer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tickets over real mutual TLS: client1 logs in or delegates, client2 presents the ticket as a Credential
 * of type Ticket and acts as client1 (within a delegated ticket's Rights) until Logout.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TicketsEndToEndTest {
    private static final KmipVersion V21 = KmipVersion.V2_1;

    @TempDir
    Path dir;

    private static TtlvItem credential(TtlvItem ticket) {
        return TtlvItem.structure(Tag.AUTHENTICATION, TtlvItem.structure(Tag.CREDENTIAL,
                TtlvItem.enumeration(Tag.CREDENTIAL_TYPE, CredentialType.TICKET.value()),
                TtlvItem.structure(Tag.CREDENTIAL_VALUE, ticket)));
    }

    private static ResponseBatchItem withTicket(KmipTestClient c, TtlvItem ticket, Operation op, TtlvItem payload)
            throws Exception {
        RequestHeader header = new RequestHeader(V21, null, null, null, null, null, List.of(), credential(ticket), null,
                null, null, 1);
        ResponseMessage m = c.send(new RequestMessage(header, List.of(RequestBatchItem.of(op, payload))));
        assertThat(m.batchItems()).hasSize(1);
        return m.batchItems().get(0);
    }

    private static TtlvItem rights(Operation op, String uid) {
        return TtlvItem.structure(Tag.RIGHTS, TtlvItem.structure(Tag.RIGHT,
                TtlvItem.structure(Tag.OPERATIONS, TtlvItem.enumeration(Tag.OPERATION, op.value())),
                TtlvItem.structure(Tag.OBJECTS, TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uid))));
    }

    @Test
    void loginTicket_actsAsItsIdentityOnAnotherConnection_untilLogout() throws Exception {
        try (LiveServer server = LiveServer.start(dir);
             KmipTestClient c1 = server.client("client1"); KmipTestClient c2 = server.client("client2")) {
            String key = c1.ok(V21, Operation.CREATE, createAes(V21, 256)).child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
            fails(c2.call(V21, Operation.GET, withUid(key)), ResultReason.OBJECT_NOT_FOUND);

            TtlvItem ticket = c1.ok(V21, Operation.LOGIN, payload(TtlvItem.interval(Tag.LEASE_TIME, 600),
                    TtlvItem.integer(Tag.REQUEST_COUNT, 10))).child(Tag.TICKET).orElseThrow();
            ResponseBatchItem got = withTicket(c2, ticket, Operation.GET, withUid(key));
            assertThat(got.resultStatus()).isEqualTo(ResultStatus.SUCCESS.value());
            assertThat(got.payload().child(Tag.SYMMETRIC_KEY)).isPresent();

            c1.ok(V21, Operation.LOGOUT, payload(ticket));
            ResponseBatchItem refused = withTicket(c2, ticket, Operation.GET, withUid(key));
            assertThat(refused.operationValue()).isNull();
            fails(refused, ResultReason.AUTHENTICATION_NOT_SUCCESSFUL);
            fails(c1.call(V21, Operation.LOGOUT, payload(ticket)), ResultReason.INVALID_TICKET);
        }
    }

    @Test
    void delegatedTicket_allowsOnlyItsRights() throws Exception {
        try (LiveServer server = LiveServer.start(dir);
             KmipTestClient c1 = server.client("client1"); KmipTestClient c2 = server.client("client2")) {
            String key = c1.ok(V21, Operation.CREATE, createAes(V21, 256)).child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
            String other = c1.ok(V21, Operation.CREATE, createAes(V21, 256)).child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
            TtlvItem ticket = c1.ok(V21, Operation.DELEGATED_LOGIN, payload(rights(Operation.GET, key)))
                    .child(Tag.TICKET).orElseThrow();

            assertThat(withTicket(c2, ticket, Operation.GET, withUid(key)).resultStatus()).isEqualTo(ResultStatus.SUCCESS.value());
            fails(withTicket(c2, ticket, Operation.DESTROY, withUid(key)), ResultReason.PERMISSION_DENIED);
            fails(withTicket(c2, ticket, Operation.GET, withUid(other)), ResultReason.OBJECT_NOT_FOUND);
            c1.ok(V21, Operation.GET, withUid(key));
        }
    }
}
