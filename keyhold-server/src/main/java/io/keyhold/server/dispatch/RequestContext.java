package io.keyhold.server.dispatch;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.server.auth.Identity;
import io.keyhold.server.auth.TicketRights;
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
 * @param scope         what a request not authenticated by a ticket may do within its identity's own rights
 *                      (an API token's scope), enforced as a ticket's Rights are; {@link TicketRights#UNRESTRICTED}
 *                      for a client certificate or password. A request with a ticket has the ticket's rights
 *                      instead, so a restricted scope and a ticket never come together.
 */
public record RequestContext(Identity identity, String remoteAddress, ConnectionSession session, TicketSession ticket,
                             TicketRights scope) {
    public RequestContext {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(scope, "scope");
        if (ticket != null && scope.restricted()) {
            throw new IllegalArgumentException("a request authenticated by a ticket has the ticket's rights, not a scope");
        }
    }

    /** A request with these credentials and no scope restriction (or a ticket's). */
    public RequestContext(Identity identity, String remoteAddress, ConnectionSession session, TicketSession ticket) {
        this(identity, remoteAddress, session, ticket, TicketRights.UNRESTRICTED);
    }

    /** A request not authenticated by a ticket. */
    public RequestContext(Identity identity, String remoteAddress, ConnectionSession session) {
        this(identity, remoteAddress, session, null, TicketRights.UNRESTRICTED);
    }

    /** A request authenticated as the identity (an API token's), allowed only what the scope allows. */
    public static RequestContext scoped(Identity identity, String remoteAddress, ConnectionSession session,
                                        TicketRights scope) {
        return new RequestContext(identity, remoteAddress, session, null, scope);
    }

    /** The ticket that authenticated the request, if one did. */
    public Optional<TicketSession> ticketSession() {
        return Optional.ofNullable(ticket);
    }

    /** What the request may do within its identity's rights: its ticket's rights, else its scope. */
    public TicketRights rights() {
        return ticket != null ? ticket.rights() : scope;
    }

    /**
     * Why the request may not run this operation, checked before it runs: the ticket's refusal
     * ({@link TicketSession#refusal}), or Permission Denied for an operation the scope does not allow. A
     * scoped request may not obtain tickets (Login, Delegated Login): a ticket would not carry the scope.
     */
    public Optional<KmipException> refusal(Operation operation) {
        if (ticket != null) {
            return ticket.refusal(operation);
        }
        if (!scope.restricted()) {
            return Optional.empty();
        }
        if (operation == Operation.LOGIN || operation == Operation.DELEGATED_LOGIN) {
            return Optional.of(new KmipException(ResultReason.PERMISSION_DENIED, "a request limited by a scope cannot obtain tickets"));
        }
        if (!scope.allows(operation)) {
            return Optional.of(new KmipException(ResultReason.PERMISSION_DENIED, "the scope does not allow "
                    + operation.specName()));
        }
        return Optional.empty();
    }
}
