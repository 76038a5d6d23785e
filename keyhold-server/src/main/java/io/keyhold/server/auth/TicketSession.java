package io.keyhold.server.auth;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A request authenticated by a ticket (Credential Type Ticket): the ticket's identity and rights, and the
 * ticket itself, whose Usage Limits each batch item the request runs draws on. The Usage Limits are the
 * stored ticket's: each operation is drawn in a write transaction of its own, so the count is shared by
 * every node. A batch that runs in one write transaction (Undo) draws its operations before it starts
 * ({@link #drawForBatch}): operations drawn are spent even when the batch is rolled back, as its items'
 * answers have been computed.
 */
public final class TicketSession {
    private final Tickets tickets;
    private final byte[] hash;
    private final Identity identity;
    private final TicketRights rights;
    private final Instant expires;
    private final boolean usageLimited;
    private long drawn; // operations drawn for a batch and not used yet
    private boolean batchDrawn;

    TicketSession(Tickets tickets, byte[] hash, Identity identity, TicketRights rights, Instant expires,
                  boolean usageLimited) {
        this.tickets = Objects.requireNonNull(tickets, "tickets");
        this.hash = hash.clone();
        this.identity = Objects.requireNonNull(identity, "identity");
        this.rights = Objects.requireNonNull(rights, "rights");
        this.expires = Objects.requireNonNull(expires, "expires");
        this.usageLimited = usageLimited;
    }

    /** The identity that logged in (or delegated): the request acts as it. */
    public Identity identity() {
        return identity;
    }

    /** What the ticket allows within its identity's own rights. */
    public TicketRights rights() {
        return rights;
    }

    /** When the ticket's lease ends. */
    public Instant expires() {
        return expires;
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
     * then fail with Usage Limit Exceeded). Always true for a ticket without Usage Limits. Inside a batch
     * drawn for ({@link #drawForBatch}), only what was drawn is used; the store is not asked again.
     */
    public synchronized boolean useOperation() {
        if (!usageLimited) {
            return true;
        }
        if (batchDrawn) {
            if (drawn == 0) {
                return false;
            }
            drawn--;
            return true;
        }
        return tickets.useOperations(hash, 1) == 1;
    }

    /**
     * Draws, before a batch runs in one write transaction, the operations its items may use (as many as
     * the Usage Limits still allow, at most {@code operations}); the items then use only these. Nothing to
     * draw for a ticket without Usage Limits.
     */
    public synchronized void drawForBatch(long operations) {
        if (!usageLimited) {
            return;
        }
        drawn = tickets.useOperations(hash, operations);
        batchDrawn = true;
    }
}
