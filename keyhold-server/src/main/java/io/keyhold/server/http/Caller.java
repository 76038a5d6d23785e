package io.keyhold.server.http;

import io.keyhold.server.auth.Identity;
import io.keyhold.server.auth.TicketRights;
import java.util.Objects;

/**
 * Who made an HTTPS request: the identity a client certificate or an API token names, as on the KMIP port,
 * and what the token's scope allows within that identity's own rights.
 *
 * @param identity the client, with the same grants as on the KMIP port
 * @param scope    the token's scope; {@link TicketRights#UNRESTRICTED} for a client certificate
 * @param method   how the caller was authenticated
 * @param tokenId  the API token's identifier, or null for a client certificate
 */
public record Caller(Identity identity, TicketRights scope, Method method, String tokenId) {
    /** How the caller proved who it is. */
    public enum Method {
        /** A TLS client certificate issued by a trusted CA. */
        CERTIFICATE,
        /** An API token in the Authorization header. */
        TOKEN
    }

    public Caller {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(method, "method");
    }

    /** A caller named by its client certificate. */
    public static Caller certificate(Identity identity) {
        return new Caller(identity, TicketRights.UNRESTRICTED, Method.CERTIFICATE, null);
    }
}
