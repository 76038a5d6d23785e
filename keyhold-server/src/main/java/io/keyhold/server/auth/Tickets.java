package io.keyhold.server.auth;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.TicketType;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
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
 * <p>Tickets live in this server's memory only: a restart forgets them, and another server node does not
 * know them. Nothing here logs a ticket value or its hash.
 */
public final class Tickets {
    private static final Logger LOG = LoggerFactory.getLogger(Tickets.class);
    /** Length of a ticket value in bytes. */
    public static final int VALUE_BYTES = 32;
    private static final int INDEX_BYTES = 16;

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

    private final Clock clock;
    private final SecureRandom random;
    private final Limits limits;
    private final Map<String, Entry> byIndex = new HashMap<>();

    public Tickets(Clock clock) {
        this(clock, new SecureRandom(), DEFAULT_LIMITS);
    }

    public Tickets(Clock clock, SecureRandom random, Limits limits) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    public Limits limits() {
        return limits;
    }

    /**
     * Issues a ticket for the identity with these rights.
     *
     * @param notAfter a time the lease may not pass (the lease of the ticket the request itself came with)
     * @throws KmipException Invalid Field for a Lease Time, Request Count or Usage Limits below 1; Server Limit
     *                       Exceeded when the identity or the server holds too many tickets
     */
    public Issued issue(Identity identity, Terms terms, TicketRights rights, Optional<Instant> notAfter) throws KmipException {
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
        Instant now = clock.instant();
        Instant expires = now.plus(lease.compareTo(limits.maxLease()) > 0 ? limits.maxLease() : lease);
        if (notAfter.isPresent() && notAfter.get().isBefore(expires)) {
            expires = notAfter.get();
        }
        byte[] value = new byte[VALUE_BYTES];
        synchronized (this) {
            prune(now);
            if (byIndex.size() >= limits.maxTickets()) {
                LOG.warn("Refused a ticket for {}: {} tickets are alive (the most the server keeps)", identity, byIndex.size());
                throw new KmipException(ResultReason.SERVER_LIMIT_EXCEEDED, "the server holds too many tickets; try later");
            }
            long own = byIndex.values().stream().filter(e -> e.identity.equals(identity)).count();
            if (own >= limits.maxPerIdentity()) {
                LOG.info("Refused a ticket for {}: it holds {} tickets already", identity, own);
                throw new KmipException(ResultReason.SERVER_LIMIT_EXCEEDED, "too many tickets for " + identity
                        + " (at most " + limits.maxPerIdentity() + "); log out of some first");
            }
            byte[] hash;
            String index;
            do {
                random.nextBytes(value);
                hash = sha256(value);
                index = index(hash);
            } while (byIndex.containsKey(index));
            byIndex.put(index, new Entry(identity, rights, expires, hash,
                    terms.requestCount().isPresent() ? terms.requestCount().getAsInt() : -1,
                    terms.operationLimit().isPresent() ? terms.operationLimit().getAsLong() : -1));
        }
        LOG.info("Ticket issued to {}{}, valid until {}", identity, rights.restricted() ? " (delegated rights)" : "", expires);
        return new Issued(value, expires, terms.requestCount(), terms.operationLimit());
    }

    /**
     * The session of a request that presents this ticket value, counting the request against the ticket's
     * Request Count; empty when the ticket is unknown, logged out, expired or used up (the server log says
     * which, never the value).
     */
    public Optional<TicketSession> redeem(byte[] value) {
        Objects.requireNonNull(value, "value");
        Instant now = clock.instant();
        synchronized (this) {
            Optional<Map.Entry<String, Entry>> found = find(value);
            if (found.isEmpty()) {
                LOG.info("Refused a ticket: unknown or logged out");
                return Optional.empty();
            }
            Entry e = found.get().getValue();
            if (!now.isBefore(e.expires)) {
                byIndex.remove(found.get().getKey());
                LOG.info("Refused a ticket of {}: its lease ended at {}", e.identity, e.expires);
                return Optional.empty();
            }
            if (e.requestsLeft == 0) {
                byIndex.remove(found.get().getKey());
                LOG.info("Refused a ticket of {}: its Request Count is used up", e.identity);
                return Optional.empty();
            }
            if (e.requestsLeft > 0) {
                e.requestsLeft--;
            }
            return Optional.of(new TicketSession(e));
        }
    }

    /** Ends the ticket (Logout); false when no such ticket is alive. */
    public boolean logout(byte[] value) {
        Objects.requireNonNull(value, "value");
        Instant now = clock.instant();
        synchronized (this) {
            Optional<Map.Entry<String, Entry>> found = find(value);
            if (found.isEmpty()) {
                return false;
            }
            Entry e = byIndex.remove(found.get().getKey());
            boolean alive = now.isBefore(e.expires) && e.requestsLeft != 0;
            if (alive) {
                LOG.info("Ticket of {} logged out", e.identity);
            }
            return alive;
        }
    }

    /** The tickets alive now. */
    public synchronized int live() {
        prune(clock.instant());
        return byIndex.size();
    }

    /** The entry whose stored hash equals the value's hash, compared in constant time. */
    private Optional<Map.Entry<String, Entry>> find(byte[] value) {
        if (value.length != VALUE_BYTES) {
            return Optional.empty();
        }
        byte[] hash = sha256(value);
        String index = index(hash);
        Entry e = byIndex.get(index);
        if (e == null || !sameHash(hash, e.hash)) {
            return Optional.empty();
        }
        return Optional.of(Map.entry(index, e));
    }

    private void prune(Instant now) {
        for (Iterator<Entry> it = byIndex.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (!now.isBefore(e.expires) || e.requestsLeft == 0) {
                it.remove();
            }
        }
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

    private static String index(byte[] hash) {
        return HexFormat.of().formatHex(Arrays.copyOf(hash, INDEX_BYTES));
    }

    /** One live ticket: its identity, rights and what is left of it. Guarded by the {@link Tickets} lock. */
    static final class Entry {
        private final Identity identity;
        private final TicketRights rights;
        private final Instant expires;
        private final byte[] hash;
        private long requestsLeft; // -1: no Request Count
        private long operationsLeft; // -1: no Usage Limits

        Entry(Identity identity, TicketRights rights, Instant expires, byte[] hash, long requestsLeft, long operationsLeft) {
            this.identity = identity;
            this.rights = rights;
            this.expires = expires;
            this.hash = hash;
            this.requestsLeft = requestsLeft;
            this.operationsLeft = operationsLeft;
        }

        Identity identity() {
            return identity;
        }

        TicketRights rights() {
            return rights;
        }

        Instant expires() {
            return expires;
        }

        synchronized boolean useOperation() {
            if (operationsLeft == 0) {
                return false;
            }
            if (operationsLeft > 0) {
                operationsLeft--;
            }
            return true;
        }
    }
}
