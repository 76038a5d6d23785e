package io.keyhold.server.auth;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import java.util.Objects;
import java.util.Optional;

/**
 * A request authenticated by a ticket (Credential Type Ticket): the ticket's identity and rights, and the
 * ticket itself, whose Usage Limits each batch item the request runs draws on.
 */
public final class TicketSession {
    private final Tickets.Entry ticket;

    TicketSession(Tickets.Entry ticket) {
        this.ticket = Objects.requireNonNull(ticket, "ticket");
    }

    /** The identity that logged in (or delegated): the request acts as it. */
    public Identity identity() {
        return ticket.identity();
    }

    /** What the ticket allows within its identity's own rights. */
    public TicketRights rights() {
        return ticket.rights();
    }

    /** When the ticket's lease ends. */
    public java.time.Instant expires() {
        return ticket.expires();
    }

    /**
     * Why the ticket may not run this operation, checked (and counted against its Usage Limits) before the
     * operation runs: Permission Denied for an operation none of its Rights allows, Usage Limit Exceeded once
     * its Usage Limits are used up. Logout is always allowed and never counted, so that a holder can end
     * its ticket.
     */
    public Optional<KmipException> refusal(Operation operation) {
        if (operation == Operation.LOGOUT) {
            return Optional.empty();
        }
        if (!rights().allows(operation)) {
            return Optional.of(new KmipException(ResultReason.PERMISSION_DENIED, "the ticket's Rights do not allow "
                    + operation.specName()));
        }
        if (!useOperation()) {
            return Optional.of(new KmipException(ResultReason.USAGE_LIMIT_EXCEEDED, "the ticket's Usage Limits are used up"));
        }
        return Optional.empty();
    }

    /**
     * Counts one operation against the ticket's Usage Limits; false when none is left (the operation must
     * then fail with Usage Limit Exceeded). Always true for a ticket without Usage Limits.
     */
    public boolean useOperation() {
        return ticket.useOperation();
    }
}
