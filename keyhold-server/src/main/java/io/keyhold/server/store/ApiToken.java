package io.keyhold.server.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One stored API token of the HTTPS listener: who it acts as, the hash of its secret, its scope, and its
 * life (created, expiry, revocation, last use). The token's secret itself is never stored; see
 * {@link io.keyhold.server.auth.ApiTokens} for the token format, the hash and the scope's encoding. Times
 * are whole seconds, as the stores keep them.
 *
 * @param id          the token's public identifier (the {@code <id>} of {@code kh_<id>_<secret>})
 * @param identity    the identity the token acts as
 * @param secretHash  SHA-256 of the token's secret part
 * @param scope       the scope, encoded as {@code ApiTokens} writes it (JSON text)
 * @param description a note of the operator's ("backup job"), possibly empty
 * @param created     when the token was issued
 * @param expires     when the token stops working, or null for never
 * @param revoked     when the token was revoked, or null
 * @param lastUsed    when the token last authenticated a request (recorded coarsely), or null
 */
public record ApiToken(String id, String identity, byte[] secretHash, String scope, String description, Instant created,
                       Instant expires, Instant revoked, Instant lastUsed) {
    public ApiToken {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(secretHash, "secretHash");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(created, "created");
        if (id.isEmpty() || identity.isEmpty()) {
            throw new IllegalArgumentException("API token id and identity must not be empty");
        }
        secretHash = secretHash.clone();
    }

    @Override
    public byte[] secretHash() {
        return secretHash.clone();
    }

    /** This token, revoked at that time. */
    public ApiToken withRevoked(Instant at) {
        return new ApiToken(id, identity, secretHash, scope, description, created, expires, at, lastUsed);
    }

    /** This token, last used at that time. */
    public ApiToken withLastUsed(Instant at) {
        return new ApiToken(id, identity, secretHash, scope, description, created, expires, revoked, at);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApiToken t && id.equals(t.id) && identity.equals(t.identity)
                && Arrays.equals(secretHash, t.secretHash) && scope.equals(t.scope) && description.equals(t.description)
                && created.equals(t.created) && Objects.equals(expires, t.expires) && Objects.equals(revoked, t.revoked)
                && Objects.equals(lastUsed, t.lastUsed);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, identity, Arrays.hashCode(secretHash), scope, description, created, expires, revoked, lastUsed);
    }

    /** Without the hash: a record's default text would print it. */
    @Override
    public String toString() {
        return "ApiToken[id=" + id + ", identity=" + identity + ", scope=" + scope + ", created=" + created
                + ", expires=" + expires + ", revoked=" + revoked + ", lastUsed=" + lastUsed + "]";
    }
}
