package io.keyhold.server.ops.server;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.auth.TicketRights;
import io.keyhold.server.auth.TicketSession;
import io.keyhold.server.auth.Tickets;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import java.util.Objects;

/**
 * Login (KMIP 2.0/2.1 section 6.1): issues a Ticket for the identity that sent the request, with the
 * Lease Time (capped by the server's maximum), Request Count and Usage Limits asked; later requests that
 * present it as a Credential of type Ticket act as that identity. A request that itself came with a ticket
 * of Delegated Login is refused (Permission Denied); one that came with a Login ticket gets a new ticket no
 * longer-lived than its own.
 */
public final class LoginHandler implements OperationHandler {
    private final Tickets tickets;

    public LoginHandler(Tickets tickets) {
        this.tickets = Objects.requireNonNull(tickets, "tickets");
    }

    @Override
    public Operation operation() {
        return Operation.LOGIN;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        TicketPayloads.refuseUnderDelegation(context);
        Tickets.Terms terms = TicketPayloads.terms(payload);
        return TicketPayloads.answer(tickets.issue(context.identity(), terms, TicketRights.UNRESTRICTED,
                context.request().ticketSession().map(TicketSession::expires), context::write));
    }
}
