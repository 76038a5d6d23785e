package io.keyhold.server.dispatch;

import io.keyhold.server.auth.LinkCredential;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * State that lives as long as one client connection: its number (for logs), the client certificate it was
 * authenticated with, and values that operations keep between requests on that connection (multi-part
 * cryptographic streams, for example). Closed by the transport when the connection ends.
 */
public final class ConnectionSession implements AutoCloseable {
    private static final AtomicLong NEXT_ID = new AtomicLong(1);

    private final long id = NEXT_ID.getAndIncrement();
    private final Map<String, Object> values = new ConcurrentHashMap<>();
    private volatile LinkCredential linkCredential;

    public long id() {
        return id;
    }

    /** The client certificate the connection's TLS handshake authenticated, or null (none, or not TLS). */
    public LinkCredential linkCredential() {
        return linkCredential;
    }

    /** Set by the transport once the handshake completed. */
    public void linkCredential(LinkCredential credential) {
        this.linkCredential = credential;
    }

    /** Values kept for the connection's lifetime, keyed by the component that owns them. */
    public Map<String, Object> values() {
        return values;
    }

    @Override
    public void close() {
        for (Object v : values.values()) {
            if (v instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // a value that fails to close must not keep the others open
                }
            }
        }
        values.clear();
    }
}
