package io.keyhold.server.transport;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The KMIP connections open now, for the administrative REST API ({@code GET /v1/connections}) and the
 * status: a connection is listed from the moment its TLS handshake names the client until it closes, with
 * the TLS protocol and cipher suite it agreed on and how many request messages it has sent. Nothing secret
 * is kept (no session keys, no certificates). Thread-safe: connections are added and removed on their event
 * loops while any thread lists them.
 */
public final class ConnectionRegistry {
    /**
     * One open connection as listed.
     *
     * @param id          the connection's number, unique while the server runs
     * @param identity    the client identity its certificate names
     * @param remote      the client's address ("127.0.0.1:50312")
     * @param protocol    the TLS version agreed ("TLSv1.3")
     * @param cipherSuite the TLS cipher suite agreed
     * @param opened      when the handshake completed
     * @param requests    request messages received on it so far
     */
    public record Connection(long id, String identity, String remote, String protocol, String cipherSuite,
                             Instant opened, long requests) {
    }

    /** A listed connection, held by its handler until it closes. */
    public final class Registration {
        private final long id;
        private final String identity;
        private final String remote;
        private final String protocol;
        private final String cipherSuite;
        private final Instant opened;
        private final AtomicLong requests = new AtomicLong();

        private Registration(long id, String identity, String remote, String protocol, String cipherSuite,
                             Instant opened) {
            this.id = id;
            this.identity = identity;
            this.remote = remote;
            this.protocol = protocol;
            this.cipherSuite = cipherSuite;
            this.opened = opened;
        }

        /** Counts one more request message received. */
        public void requestReceived() {
            requests.incrementAndGet();
        }

        /** Removes the connection from the list; idempotent. */
        public void closed() {
            open.remove(id, this);
        }

        Connection snapshot() {
            return new Connection(id, identity, remote, protocol, cipherSuite, opened, requests.get());
        }
    }

    private final ConcurrentHashMap<Long, Registration> open = new ConcurrentHashMap<>();
    private final Clock clock;

    public ConnectionRegistry() {
        this(Clock.systemUTC());
    }

    public ConnectionRegistry(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Lists a connection whose handshake has just named the client; the handler calls
     * {@link Registration#closed()} when it closes.
     *
     * @throws IllegalStateException when a connection with this id is already listed
     */
    public Registration opened(long id, String identity, String remote, String protocol, String cipherSuite) {
        Registration r = new Registration(id, Objects.requireNonNull(identity, "identity"),
                Objects.requireNonNull(remote, "remote"), protocol == null ? "unknown" : protocol,
                cipherSuite == null ? "unknown" : cipherSuite, clock.instant());
        if (open.putIfAbsent(id, r) != null) {
            throw new IllegalStateException("connection " + id + " is already listed");
        }
        return r;
    }

    /** The connections open now, oldest first. */
    public List<Connection> list() {
        return open.values().stream().map(Registration::snapshot)
                .sorted(Comparator.comparing(Connection::opened).thenComparingLong(Connection::id))
                .toList();
    }

    /** How many connections are listed now. */
    public int size() {
        return open.size();
    }
}
