package io.keyhold.server.auth;

import java.util.Objects;

/**
 * Who sent a request: the name taken from the client certificate ({@code tls.client_identity}: its Common
 * Name by default), or the username of a valid Username and Password credential
 * ({@code access.password_credentials}). Objects belong to the identity that created or registered them;
 * {@link AccessPolicy} decides what other identities may do with them.
 *
 * @param name the identity's name, never empty
 */
public record Identity(String name) {
    public Identity {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("identity name is empty");
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
