package io.keyhold.server.dispatch;

import io.keyhold.server.auth.Identity;
import io.keyhold.server.auth.TicketSession;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a request came from.
 *
 * @param identity      the authenticated client
 * @param remoteAddress the client's address as text ("127.0.0.1:50312"), for logs and audit
 * @param session       the connection the request arrived on
 * @param ticket        the ticket that authenticated the request (Credential Type Ticket), or null
 */
public record RequestContext(Identity identity, String remoteAddress, ConnectionSession session, TicketSession ticket) {
    public RequestContext {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        Objects.requireNonNull(session, "session");
    }

    /** A request not authenticated by a ticket. */
    public RequestContext(Identity identity, String remoteAddress, ConnectionSession session) {
        this(identity, remoteAddress, session, null);
    }

    /** The ticket that authenticated the request, if one did. */
    public Optional<TicketSession> ticketSession() {
        return Optional.ofNullable(ticket);
    }
}
