package io.keyhold.server.store;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One stored ticket of Login or Delegated Login: the SHA-256 hash of its value (never the value), who it
 * acts as, its rights, its lease and what is left of its Request Count and Usage Limits. See
 * {@link io.keyhold.server.auth.Tickets} for the value, the hash and the rights' encoding. Times are whole
 * milliseconds, as the stores keep them.
 *
 * <p>A store finds a ticket by the first {@value #LOOKUP_BYTES} bytes of its hash ({@link #lookup}) and then
 * compares the whole hash in constant time ({@link #matches}), so the time a lookup takes says nothing about
 * how much of a presented hash was right.
 *
 * @param hash           SHA-256 of the ticket value
 * @param identity       the identity the ticket acts as
 * @param rights         the ticket's Rights, encoded as {@code Tickets} writes them (JSON text)
 * @param created        when the ticket was issued
 * @param expires        when its lease ends: it works before that instant only
 * @param requestsLeft   requests it may still authenticate; empty: no Request Count
 * @param operationsLeft operations (batch items) it may still run; empty: no Usage Limits
 */
public record StoredTicket(byte[] hash, String identity, String rights, Instant created, Instant expires,
                           OptionalLong requestsLeft, OptionalLong operationsLeft) {
    /** Length of a ticket hash (SHA-256). */
    public static final int HASH_BYTES = 32;
    /** Length of the part of the hash a store finds a ticket by. */
    public static final int LOOKUP_BYTES = 16;

    public StoredTicket {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(rights, "rights");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(expires, "expires");
        Objects.requireNonNull(requestsLeft, "requestsLeft");
        Objects.requireNonNull(operationsLeft, "operationsLeft");
        if (hash.length != HASH_BYTES) {
            throw new IllegalArgumentException("ticket hash of " + hash.length + " bytes (expected: " + HASH_BYTES + ")");
        }
        if (identity.isEmpty()) {
            throw new IllegalArgumentException("a ticket's identity must not be empty");
        }
        if (requestsLeft.orElse(0) < 0 || operationsLeft.orElse(0) < 0) {
            throw new IllegalArgumentException("a ticket's remaining requests and operations must not be negative");
        }
        hash = hash.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    /** The first {@value #LOOKUP_BYTES} bytes of the hash: the key a store finds the ticket by. */
    public byte[] lookup() {
        return lookup(hash);
    }

    /** The lookup key of a hash; a shorter hash is its own (it matches no stored ticket). */
    public static byte[] lookup(byte[] hash) {
        return Arrays.copyOf(hash, Math.min(hash.length, LOOKUP_BYTES));
    }

    /** Whether this is the ticket of that hash: the whole hash compared, in time that depends only on its length. */
    public boolean matches(byte[] presentedHash) {
        return MessageDigest.isEqual(presentedHash, hash);
    }

    /** Whether the ticket works at that instant: its lease has not ended and its Request Count is not used up. */
    public boolean aliveAt(Instant now) {
        return now.isBefore(expires) && requestsLeft.orElse(1) > 0;
    }

    /** This ticket with that many requests left. */
    public StoredTicket withRequestsLeft(OptionalLong left) {
        return new StoredTicket(hash, identity, rights, created, expires, left, operationsLeft);
    }

    /** This ticket with that many operations left. */
    public StoredTicket withOperationsLeft(OptionalLong left) {
        return new StoredTicket(hash, identity, rights, created, expires, requestsLeft, left);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredTicket t && Arrays.equals(hash, t.hash) && identity.equals(t.identity)
                && rights.equals(t.rights) && created.equals(t.created) && expires.equals(t.expires)
                && requestsLeft.equals(t.requestsLeft) && operationsLeft.equals(t.operationsLeft);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(hash), identity, rights, created, expires, requestsLeft, operationsLeft);
    }

    /** Without the hash: a record's default text would print it. */
    @Override
    public String toString() {
        return "StoredTicket[identity=" + identity + ", rights=" + rights + ", created=" + created + ", expires="
                + expires + ", requestsLeft=" + requestsLeft + ", operationsLeft=" + operationsLeft + "]";
    }
}
