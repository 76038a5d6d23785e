package io.keyhold.server.ops.server;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.auth.AccessDenied;
import io.keyhold.server.auth.TicketRights;
import io.keyhold.server.auth.TicketSession;
import io.keyhold.server.auth.Tickets;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.store.StoredObject;
import java.util.Objects;
import java.util.Optional;

/**
 * Delegated Login (KMIP 2.0/2.1 section 6.1): issues a Ticket that acts as the requesting identity, but
 * only where one of the request's Rights allows (its Operations on its Objects and Object Groups), with
 * the Lease Time, Request Count and Usage Limits asked. The holder can never do more than the delegating
 * identity may at the time of each request: the ticket narrows the identity's rights, it adds none.
 *
 * <p>Every object a Right names by Unique Identifier must exist and be usable by the delegating identity
 * for one of the Right's operations (for any, when it names none); otherwise the request fails with Item
 * Not Found, the same answer for an object that exists but is not the client's. A request that itself came
 * with a ticket of Delegated Login is refused (Permission Denied).
 */
public final class DelegatedLoginHandler implements OperationHandler {
    private final Tickets tickets;

    public DelegatedLoginHandler(Tickets tickets) {
        this.tickets = Objects.requireNonNull(tickets, "tickets");
    }

    @Override
    public Operation operation() {
        return Operation.DELEGATED_LOGIN;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        TicketPayloads.refuseUnderDelegation(context);
        Tickets.Terms terms = TicketPayloads.terms(payload);
        TicketRights rights = TicketPayloads.rights(payload);
        context.read(tx -> {
            for (TicketRights.Right right : rights.rights()) {
                for (String uid : right.uniqueIdentifiers()) {
                    String missing = "object " + uid + " of the Rights does not exist";
                    Optional<StoredObject> found = tx.get(uid);
                    if (found.isEmpty()) {
                        throw new KmipException(ResultReason.OBJECT_NOT_FOUND, missing);
                    }
                    boolean usable = right.operations().isEmpty()
                            ? context.access().permits(context.identity(), Optional.empty(), found.get(), tx)
                            : right.operations().stream().anyMatch(op ->
                                    context.access().permits(context.identity(), Optional.of(op), found.get(), tx));
                    if (!usable) {
                        throw AccessDenied.objectNotFound(missing, uid);
                    }
                }
            }
            return null;
        });
        return TicketPayloads.answer(tickets.issue(context.identity(), terms, rights,
                context.request().ticketSession().map(TicketSession::expires), context::write));
    }
}
