package io.keyhold.testkit.load;

import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;

/**
 * A {@link LoadConnection} that opens a new mutually authenticated TLS connection for every request, sends
 * the request on it and closes it: the handshake is part of each request's latency. Whether each handshake
 * resumed a session is told by the session's creation time: a resumed session was created by an earlier
 * connection, before this one started; a full handshake creates its session after the connection started.
 */
final class ConnectionPerRequest implements LoadConnection {
    /** The handshakes of a run, counted over all its connections (setup and warm-up included). Thread-safe. */
    static final class Handshakes {
        private final AtomicLong full = new AtomicLong();
        private final AtomicLong resumed = new AtomicLong();
        private volatile String protocol = "none";
        private volatile String cipherSuite = "none";

        void record(boolean wasResumed, String protocol, String cipherSuite) {
            (wasResumed ? resumed : full).incrementAndGet();
            this.protocol = protocol;
            this.cipherSuite = cipherSuite;
        }

        long full() {
            return full.get();
        }

        long resumed() {
            return resumed.get();
        }
    }

    private final Supplier<SSLContext> contexts;
    private final LoadOptions options;
    private final Handshakes handshakes;

    private ConnectionPerRequest(Supplier<SSLContext> contexts, LoadOptions options, Handshakes handshakes) {
        this.contexts = contexts;
        this.options = options;
        this.handshakes = handshakes;
    }

    /**
     * Connections whose every request makes a full handshake: each new TLS connection gets a new
     * {@link SSLContext}, whose client session cache is empty, so there is no session to resume.
     */
    static LoadConnection.Connector fullHandshakes(TlsSetup.Managers managers, LoadOptions options, Handshakes handshakes) {
        return () -> new ConnectionPerRequest(() -> newContext(managers), options, handshakes);
    }

    /**
     * Connections whose requests resume the session of the connection before: each load connection keeps one
     * {@link SSLContext} and so one client session cache, as one client would. (One context shared by all
     * would not do: the JDK caches one session per server and a TLS 1.3 ticket is used once, so concurrent
     * connections would find the cache empty and make full handshakes.) The first request's handshake is full.
     */
    static LoadConnection.Connector resumedHandshakes(TlsSetup.Managers managers, LoadOptions options, Handshakes handshakes) {
        return () -> {
            SSLContext own = newContext(managers);
            return new ConnectionPerRequest(() -> own, options, handshakes);
        };
    }

    private static SSLContext newContext(TlsSetup.Managers managers) {
        try {
            return managers.newContext();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("TLS setup failed: " + e.getMessage(), e);
        }
    }

    /** True when the session was created before {@code startMillis} (wall clock), i.e. by an earlier connection. */
    static boolean resumed(SSLSession session, long startMillis) {
        return session.getCreationTime() < startMillis;
    }

    @Override
    public TtlvItem call(byte[] request) throws IOException, CodecException {
        long start = System.currentTimeMillis();
        try (KmipConnection c = KmipConnection.open(contexts.get(), options)) {
            SSLSession session = c.session();
            handshakes.record(resumed(session, start), session.getProtocol(), session.getCipherSuite());
            return c.call(request);
        }
    }

    @Override
    public String protocol() {
        return handshakes.protocol;
    }

    @Override
    public String cipherSuite() {
        return handshakes.cipherSuite;
    }

    @Override
    public void close() {
        // each request's connection is closed when the request is done
    }
}
