package io.keyhold.server.auth;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.TicketType;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.StoredTicket;
import io.keyhold.server.store.TransactionWork;
import io.keyhold.server.store.WriteTransaction;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tickets of Login and Delegated Login (KMIP 2.0/2.1 section 6.1), which later requests present as a
 * Credential of Credential Type Ticket instead of a certificate or password (docs/access-control.md).
 *
 * <p>A ticket value is {@value #VALUE_BYTES} bytes from a {@link SecureRandom}; the server keeps only its
 * SHA-256 hash, finds a ticket by the first half of that hash and compares the whole hash in constant time
 * ({@link MessageDigest#isEqual}). A ticket works until its lease ends (the Lease Time asked, at most
 * {@link Limits#maxLease}), until its Request Count is used up, or until Logout, whichever comes first;
 * its Usage Limits bound the operations (batch items) it may run.
 *
 * <p>Tickets live in the store ({@link ObjectStore}, table login_ticket of the SQL store), so that every node
 * of a server sharing one database knows them: a ticket issued on one node works on the others, Logout on
 * one ends it on all, and its Request Count and Usage Limits are drawn in write transactions, from one
 * count. Only the hash of a value is stored; the limits on the number of tickets count the stored ones.
 * Tickets outlive a restart until their lease ends. Nothing here logs a ticket value or its hash.
 */
public final class Tickets {
    private static final Logger LOG = LoggerFactory.getLogger(Tickets.class);
    /** Length of a ticket value in bytes. */
    public static final int VALUE_BYTES = 32;

    /**
     * The server's bounds on tickets.
     *
     * @param defaultLease   the lease of a ticket whose request has no Lease Time
     * @param maxLease       the longest lease given, whatever the Lease Time asked
     * @param maxTickets     most tickets alive at once, all identities together
     * @param maxPerIdentity most tickets alive at once for one identity
     */
    public record Limits(Duration defaultLease, Duration maxLease, int maxTickets, int maxPerIdentity) {
        public Limits {
            Objects.requireNonNull(defaultLease, "defaultLease");
            Objects.requireNonNull(maxLease, "maxLease");
            if (defaultLease.isNegative() || defaultLease.isZero() || maxLease.compareTo(defaultLease) < 0) {
                throw new IllegalArgumentException("leases " + defaultLease + ", " + maxLease
                        + " (expected: 0 < default <= maximum)");
            }
            if (maxTickets < 1 || maxPerIdentity < 1) {
                throw new IllegalArgumentException("maxTickets " + maxTickets + ", maxPerIdentity " + maxPerIdentity
                        + " (expected: >= 1)");
            }
        }
    }

    /** One hour by default, at most eight hours; 10000 tickets, 100 per identity. */
    public static final Limits DEFAULT_LIMITS = new Limits(Duration.ofHours(1), Duration.ofHours(8), 10_000, 100);

    /**
     * The default limits with another longest lease ({@code access.ticket_max_lease}); the default lease
     * stays one hour, or that longest lease when shorter.
     */
    public static Limits limitsWithMaxLease(Duration maxLease) {
        Duration defaultLease = maxLease.compareTo(DEFAULT_LIMITS.defaultLease()) < 0 ? maxLease : DEFAULT_LIMITS.defaultLease();
        return new Limits(defaultLease, maxLease, DEFAULT_LIMITS.maxTickets(), DEFAULT_LIMITS.maxPerIdentity());
    }

    /**
     * What a Login or Delegated Login asks for.
     *
     * @param leaseTime      Lease Time: how long the ticket should work
     * @param requestCount   Request Count: how many requests it may authenticate
     * @param operationLimit Usage Limits (unit Object): how many operations (batch items) it may run
     */
    public record Terms(Optional<Duration> leaseTime, OptionalInt requestCount, OptionalLong operationLimit) {
        public static final Terms NONE = new Terms(Optional.empty(), OptionalInt.empty(), OptionalLong.empty());

        public Terms {
            Objects.requireNonNull(leaseTime, "leaseTime");
            Objects.requireNonNull(requestCount, "requestCount");
            Objects.requireNonNull(operationLimit, "operationLimit");
        }
    }

    /**
     * A ticket just issued: its value, for the client only, and the terms it got.
     *
     * @param expires the end of its lease
     */
    public record Issued(byte[] value, Instant expires, OptionalInt requestCount, OptionalLong operationLimit) {
        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public String toString() {
            return "Issued[expires=" + expires + ", requestCount=" + requestCount + ", operationLimit=" + operationLimit + "]";
        }
    }

    private final ObjectStore store;
    private final Clock clock;
    private final SecureRandom random;
    private final Limits limits;

    public Tickets(ObjectStore store, Clock clock) {
        this(store, clock, new SecureRandom(), DEFAULT_LIMITS);
    }

    /**
     * @param store where the tickets are kept: the store every node of the server shares
     */
    public Tickets(ObjectStore store, Clock clock, SecureRandom random, Limits limits) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    public Limits limits() {
        return limits;
    }

    /**
     * Where a Login, Delegated Login or Logout writes: the store's own write transaction, or the one of the
     * batch the operation runs in (an Undo batch), so that it commits or rolls back with the batch.
     */
    public interface Writes {
        <T> T write(TransactionWork<WriteTransaction, T> work) throws KmipException;
    }

    /** As {@link #issue(Identity, Terms, TicketRights, Optional, Writes)}, in a write transaction of its own. */
    public Issued issue(Identity identity, Terms terms, TicketRights rights, Optional<Instant> notAfter) throws KmipException {
        return issue(identity, terms, rights, notAfter, store::write);
    }

    /**
     * Issues a ticket for the identity with these rights. Removes the tickets that have ended, then counts
     * the live ones against the limits, in the same write transaction as the new ticket.
     *
     * @param notAfter a time the lease may not pass (the lease of the ticket the request itself came with)
     * @throws KmipException Invalid Field for a Lease Time, Request Count or Usage Limits below 1; Server Limit
     *                       Exceeded when the identity or the server holds too many tickets
     */
    public Issued issue(Identity identity, Terms terms, TicketRights rights, Optional<Instant> notAfter, Writes writes)
            throws KmipException {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(rights, "rights");
        Duration lease = terms.leaseTime().orElse(limits.defaultLease());
        if (lease.isNegative() || lease.isZero()) {
            throw new KmipException(ResultReason.INVALID_FIELD, "Lease Time " + lease.toSeconds() + " (expected: at least 1 second)");
        }
        if (terms.requestCount().isPresent() && terms.requestCount().getAsInt() < 1) {
            throw new KmipException(ResultReason.INVALID_FIELD, "Request Count " + terms.requestCount().getAsInt()
                    + " (expected: at least 1)");
        }
        if (terms.operationLimit().isPresent() && terms.operationLimit().getAsLong() < 1) {
            throw new KmipException(ResultReason.INVALID_FIELD, "Usage Limits " + terms.operationLimit().getAsLong()
                    + " (expected: at least 1)");
        }
        Instant now = millis(clock.instant());
        Instant end = now.plus(lease.compareTo(limits.maxLease()) > 0 ? limits.maxLease() : lease);
        if (notAfter.isPresent() && notAfter.get().isBefore(end)) {
            end = millis(notAfter.get());
        }
        Instant expires = end;
        String encodedRights = ApiTokens.encodeScope(rights);
        OptionalLong requests = terms.requestCount().isPresent() ? OptionalLong.of(terms.requestCount().getAsInt())
                : OptionalLong.empty();
        byte[] value = new byte[VALUE_BYTES];
        writes.write(tx -> {
            tx.deleteEndedTickets(now);
            long live = tx.liveTickets(now);
            if (live >= limits.maxTickets()) {
                LOG.warn("Refused a ticket for {}: {} tickets are alive (the most the server keeps)", identity, live);
                throw new KmipException(ResultReason.SERVER_LIMIT_EXCEEDED, "the server holds too many tickets; try later");
            }
            long own = tx.liveTickets(identity.name(), now);
            if (own >= limits.maxPerIdentity()) {
                LOG.info("Refused a ticket for {}: it holds {} tickets already", identity, own);
                throw new KmipException(ResultReason.SERVER_LIMIT_EXCEEDED, "too many tickets for " + identity
                        + " (at most " + limits.maxPerIdentity() + "); log out of some first");
            }
            StoredTicket ticket;
            do {
                random.nextBytes(value);
                ticket = new StoredTicket(sha256(value), identity.name(), encodedRights, now, expires, requests,
                        terms.operationLimit());
            } while (!tx.insertTicket(ticket));
            return null;
        });
        LOG.info("Ticket issued to {}{}, valid until {}", identity, rights.restricted() ? " (delegated rights)" : "", expires);
        return new Issued(value, expires, terms.requestCount(), terms.operationLimit());
    }

    /**
     * The session of a request that presents this ticket value, counting the request against the ticket's
     * Request Count; empty when the ticket is unknown, logged out, expired or used up (the server log says
     * which, never the value). A ticket without a Request Count is only read; one with a Request Count is
     * counted in a write transaction, so that every node draws on the same count.
     */
    public Optional<TicketSession> redeem(byte[] value) throws KmipException {
        Objects.requireNonNull(value, "value");
        if (value.length != VALUE_BYTES) {
            LOG.info("Refused a ticket: unknown or logged out");
            return Optional.empty();
        }
        byte[] hash = sha256(value);
        Instant now = clock.instant();
        Optional<StoredTicket> found = store.read(tx -> tx.ticket(hash));
        if (found.isEmpty()) {
            LOG.info("Refused a ticket: unknown or logged out");
            return Optional.empty();
        }
        StoredTicket t = found.get();
        if (!now.isBefore(t.expires())) {
            LOG.info("Refused a ticket of {}: its lease ended at {}", t.identity(), t.expires());
            return Optional.empty();
        }
        if (t.requestsLeft().isPresent()) {
            if (t.requestsLeft().getAsLong() == 0 || store.write(tx -> tx.useTicketRequest(hash, now)).isEmpty()) {
                LOG.info("Refused a ticket of {}: its Request Count is used up, or it ended", t.identity());
                return Optional.empty();
            }
        }
        return Optional.of(session(t, hash));
    }

    /** As {@link #logout(byte[], Writes)}, in a write transaction of its own. */
    public boolean logout(byte[] value) throws KmipException {
        return logout(value, store::write);
    }

    /** Ends the ticket (Logout), on every node; false when no such ticket is alive. */
    public boolean logout(byte[] value, Writes writes) throws KmipException {
        Objects.requireNonNull(value, "value");
        if (value.length != VALUE_BYTES) {
            return false;
        }
        byte[] hash = sha256(value);
        Instant now = clock.instant();
        Optional<StoredTicket> removed = writes.write(tx -> tx.deleteTicket(hash));
        boolean alive = removed.isPresent() && removed.get().aliveAt(now);
        if (alive) {
            LOG.info("Ticket of {} logged out", removed.get().identity());
        }
        return alive;
    }

    /** The tickets alive now. */
    public long live() throws KmipException {
        Instant now = clock.instant();
        return store.read(tx -> tx.liveTickets(now));
    }

    /**
     * Draws up to that many operations from the Usage Limits of the ticket with this hash: how many it drew.
     * A store failure is a {@link io.keyhold.server.store.StoreException}, as in a handler.
     */
    long useOperations(byte[] hash, long operations) {
        try {
            return store.write(tx -> tx.useTicketOperations(hash, operations));
        } catch (KmipException e) {
            throw new io.keyhold.server.store.StoreException("store: use of a ticket failed: " + e.getMessage(), e);
        }
    }

    private TicketSession session(StoredTicket t, byte[] hash) {
        TicketRights rights;
        try {
            rights = ApiTokens.decodeScope(t.rights());
        } catch (IllegalArgumentException e) {
            throw new io.keyhold.server.store.StoreException("a stored ticket of " + t.identity()
                    + " has rights this server cannot read: " + e.getMessage());
        }
        return new TicketSession(this, hash, new Identity(t.identity()), rights, t.expires(), t.operationsLeft().isPresent());
    }

    private static Instant millis(Instant t) {
        return Instant.ofEpochMilli(t.toEpochMilli());
    }

    /** The Ticket structure of a ticket value: Ticket Type Login and the Ticket Value. */
    public static TtlvItem ticket(byte[] value) {
        return TtlvItem.structure(Tag.TICKET, TtlvItem.enumeration(Tag.TICKET_TYPE, TicketType.LOGIN.value()),
                TtlvItem.bytes(Tag.TICKET_VALUE, value));
    }

    /**
     * The Ticket Value of a Ticket structure of Ticket Type Login, each field once and of its type; empty for
     * anything else.
     */
    public static Optional<byte[]> ticketValue(TtlvItem ticket) {
        if (ticket == null || !ticket.isStructure() || ticket.tag() != Tag.TICKET) {
            return Optional.empty();
        }
        var types = ticket.childrenWith(Tag.TICKET_TYPE);
        var values = ticket.childrenWith(Tag.TICKET_VALUE);
        if (types.size() != 1 || values.size() != 1 || types.get(0).type() != ItemType.ENUMERATION
                || types.get(0).enumValue() != TicketType.LOGIN.value() || values.get(0).type() != ItemType.BYTE_STRING) {
            return Optional.empty();
        }
        return Optional.of(values.get(0).bytesValue());
    }

    /** Whether two hashes are equal, in time that depends only on their length. */
    static boolean sameHash(byte[] presented, byte[] stored) {
        return MessageDigest.isEqual(presented, stored);
    }

    static byte[] sha256(byte[] value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }
}
