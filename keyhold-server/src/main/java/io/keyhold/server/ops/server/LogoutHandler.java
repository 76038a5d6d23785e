package io.keyhold.server.ops.server;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.auth.Tickets;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import java.util.Objects;
import java.util.Optional;

/**
 * Logout (KMIP 2.0/2.1 section 6.1): ends the Ticket of the request payload, which no request is then
 * accepted with. Whoever presents a ticket may end it: knowing the value is what the ticket grants. A
 * ticket that is unknown, already logged out, expired or used up is answered Invalid Ticket.
 */
public final class LogoutHandler implements OperationHandler {
    private final Tickets tickets;

    public LogoutHandler(Tickets tickets) {
        this.tickets = Objects.requireNonNull(tickets, "tickets");
    }

    @Override
    public Operation operation() {
        return Operation.LOGOUT;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        TtlvItem ticket = Payloads.required(payload, Tag.TICKET, ItemType.STRUCTURE);
        Optional<byte[]> value = Tickets.ticketValue(ticket);
        if (value.isEmpty() || !tickets.logout(value.get(), context::write)) {
            throw new KmipException(ResultReason.INVALID_TICKET, "the Ticket is not a live ticket of this server");
        }
        return TtlvItem.structure(Tag.RESPONSE_PAYLOAD);
    }
}
