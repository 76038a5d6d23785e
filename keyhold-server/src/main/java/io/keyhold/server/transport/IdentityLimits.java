package io.keyhold.server.transport;

import io.keyhold.server.auth.Identity;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The limits that apply to a client identity across all its connections: how many connections it may have
 * open ({@code limits.max_connections_per_identity}) and how many request messages a second it may send
 * ({@code limits.requests_per_second_per_identity}, a {@link TokenBucket} its connections share). Zero
 * means no limit. An identity is forgotten once it has no connection and its bucket is full again, so
 * reconnecting does not refill a bucket. Shared by all channels; thread-safe.
 */
final class IdentityLimits {
    private static final Logger log = LoggerFactory.getLogger(IdentityLimits.class);
    private static final long REPORT_EVERY_NANOS = 10_000_000_000L;
    private static final long SWEEP_EVERY_NANOS = 1_000_000_000L;

    /** One identity's state; {@code connections} is changed only inside the map's compute methods. */
    private static final class Entry {
        int connections;
        final TokenBucket bucket;
        final AtomicLong refusedSinceReport = new AtomicLong();
        final AtomicLong lastReportNanos;

        Entry(TokenBucket bucket, long nowNanos) {
            this.bucket = bucket;
            this.lastReportNanos = new AtomicLong(nowNanos - REPORT_EVERY_NANOS);
        }
    }

    private final int maxConnectionsPerIdentity;
    private final int requestsPerSecond;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong lastSweepNanos = new AtomicLong(System.nanoTime());

    IdentityLimits(int maxConnectionsPerIdentity, int requestsPerSecond) {
        this.maxConnectionsPerIdentity = maxConnectionsPerIdentity;
        this.requestsPerSecond = requestsPerSecond;
    }

    int requestsPerSecond() {
        return requestsPerSecond;
    }

    int maxConnectionsPerIdentity() {
        return maxConnectionsPerIdentity;
    }

    /**
     * Counts a new connection of the identity; false, counting nothing, when it already has the most it may
     * have. A connection counted here must be given back with {@link #closed}.
     */
    boolean opened(Identity identity) {
        long now = System.nanoTime();
        sweep(now);
        boolean[] accepted = {false};
        entries.compute(identity.name(), (name, e) -> {
            Entry entry = e != null ? e : newEntry(now);
            if (maxConnectionsPerIdentity == 0 || entry.connections < maxConnectionsPerIdentity) {
                entry.connections++;
                accepted[0] = true;
            }
            return entry.connections == 0 && isForgettable(entry, now) ? null : entry;
        });
        return accepted[0];
    }

    /** Gives back a connection counted by {@link #opened}. */
    void closed(Identity identity) {
        long now = System.nanoTime();
        entries.computeIfPresent(identity.name(), (name, entry) -> {
            entry.connections--;
            return entry.connections == 0 && isForgettable(entry, now) ? null : entry;
        });
    }

    /** Connections counted for the identity now (for tests). */
    int connections(Identity identity) {
        Entry e = entries.get(identity.name());
        return e == null ? 0 : e.connections;
    }

    /**
     * Takes one request from the identity's allowance; false when it has sent its share for now. The first
     * refusal, and then one every ten seconds while refusals go on, is logged with the count.
     */
    boolean tryRequest(Identity identity) {
        if (requestsPerSecond == 0) {
            return true;
        }
        long now = System.nanoTime();
        Entry entry = entries.get(identity.name());
        if (entry == null) {
            // the connection was not counted (cannot happen for a named connection), so nothing to share
            entry = entries.computeIfAbsent(identity.name(), name -> newEntry(now));
        }
        if (entry.bucket.tryTake(now)) {
            return true;
        }
        long refused = entry.refusedSinceReport.incrementAndGet();
        long last = entry.lastReportNanos.get();
        if (now - last >= REPORT_EVERY_NANOS && entry.lastReportNanos.compareAndSet(last, now)) {
            entry.refusedSinceReport.addAndGet(-refused);
            log.warn("Client {} sends more than {} requests per second (limits.requests_per_second_per_identity);"
                    + " {} request(s) answered Server Limit Exceeded", identity.name(), requestsPerSecond, refused);
        }
        return false;
    }

    private Entry newEntry(long now) {
        return new Entry(requestsPerSecond == 0 ? null : new TokenBucket(requestsPerSecond, now), now);
    }

    private static boolean isForgettable(Entry entry, long now) {
        return entry.bucket == null || entry.bucket.isFull(now);
    }

    /** Forgets, at most once a second, identities without connections whose buckets have filled up. */
    private void sweep(long now) {
        long last = lastSweepNanos.get();
        if (now - last < SWEEP_EVERY_NANOS || !lastSweepNanos.compareAndSet(last, now)) {
            return;
        }
        for (String name : entries.keySet()) {
            entries.computeIfPresent(name, (n, e) -> e.connections == 0 && isForgettable(e, now) ? null : e);
        }
    }
}
