package io.keyhold.server.transport;

/**
 * What the KMIP listener ({@link KmipServer}) tells monitoring about its connections and the request
 * messages they carry. Called on the listener's I/O and worker threads: implementations must be quick,
 * thread-safe and must not throw.
 */
public interface ConnectionObserver {
    /** Observes nothing (the listener's default). */
    ConnectionObserver NONE = new ConnectionObserver() {
    };

    /** A TCP connection was accepted (before TLS; one refused at once still counts, and closes). */
    default void connectionOpened() {
    }

    /** A connection that {@link #connectionOpened} reported has closed, for whatever reason. */
    default void connectionClosed() {
    }

    /**
     * A connection was closed by a limit: {@code limits.max_connections} when accepted, or
     * {@code limits.max_connections_per_identity} once its handshake named the client.
     */
    default void connectionRefused() {
    }

    /**
     * A TLS handshake failed (protocol or cipher suite mismatch, a client certificate the server does not
     * accept, a handshake not completed in time); a peer that merely closed the connection before completing
     * it is not counted.
     */
    default void handshakeFailed() {
    }

    /** One request message was answered, {@code nanos} after it was handed to the request processor. */
    default void messageDone(long nanos) {
    }
}
