package io.keyhold.server.http;

import java.util.Optional;

/** Turns the token of an {@code Authorization: Bearer} header into a caller. */
@FunctionalInterface
public interface BearerAuthenticator {
    /** Accepts no token at all: only client certificates authenticate. */
    BearerAuthenticator NONE = token -> Optional.empty();

    /** The caller the token stands for; empty when it is unknown, malformed, expired or revoked. */
    Optional<Caller> authenticate(String token);
}
