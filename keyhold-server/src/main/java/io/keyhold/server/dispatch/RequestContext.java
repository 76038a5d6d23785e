package io.keyhold.server.dispatch;

import io.keyhold.server.auth.Identity;
import java.util.Objects;

/**
 * Where a request came from.
 *
 * @param identity      the authenticated client
 * @param remoteAddress the client's address as text ("127.0.0.1:50312"), for logs and audit
 * @param session       the connection the request arrived on
 */
public record RequestContext(Identity identity, String remoteAddress, ConnectionSession session) {
    public RequestContext {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        Objects.requireNonNull(session, "session");
    }
}
