package io.keyhold.client;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The connections to one server: at most {@code maxConnections} open at once, idle ones kept for reuse
 * (checked before reuse once idle a while, since servers close idle connections), and a "down" mark after
 * a failed connect, during which the other servers are preferred.
 */
final class ServerPool {
    /** An idle connection older than this is checked before reuse. */
    static final long CHECK_AFTER_IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ServerAddress address;
    private final ClientTls tls;
    private final int connectTimeoutMillis;
    private final int maxResponseBytes;
    private final Semaphore permits;
    private final Deque<Connection> idle = new ArrayDeque<>();
    private volatile long downUntilNanos;
    private volatile boolean down;
    private volatile boolean closed;

    ServerPool(ServerAddress address, ClientTls tls, int connectTimeoutMillis, int maxConnections, int maxResponseBytes) {
        this.address = address;
        this.tls = tls;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.maxResponseBytes = maxResponseBytes;
        this.permits = new Semaphore(maxConnections, true);
    }

    ServerAddress address() {
        return address;
    }

    /** Whether a connect failed within the backoff period. */
    boolean isDown(long nowNanos) {
        return down && nowNanos - downUntilNanos < 0;
    }

    long downUntilNanos() {
        return downUntilNanos;
    }

    void markDown(long backoffNanos) {
        downUntilNanos = System.nanoTime() + backoffNanos;
        down = true;
    }

    /** Thrown when no connection became free before the deadline. */
    static final class Exhausted extends Exception {
        private static final long serialVersionUID = 1L;

        Exhausted(String message) {
            super(message);
        }
    }

    /**
     * A connection for one exchange: an idle one, or a new one when none is idle and fewer than the
     * maximum are open. Must be given back with {@link #release}.
     *
     * @throws Exhausted   when the maximum stays reached until the deadline
     * @throws IOException when a new connection cannot be made (connect or TLS handshake)
     */
    Connection acquire(long deadlineNanos) throws Exhausted, IOException, InterruptedException {
        if (closed) {
            throw new IOException("the client is closed");
        }
        long wait = deadlineNanos - System.nanoTime();
        if (!permits.tryAcquire(Math.max(0, wait), TimeUnit.NANOSECONDS)) {
            throw new Exhausted("no free connection to " + address + " within the request timeout (all "
                    + "connections busy)");
        }
        try {
            while (true) {
                Connection c;
                synchronized (idle) {
                    c = idle.pollFirst();
                }
                if (c == null) {
                    break;
                }
                if (c.idleNanos() < CHECK_AFTER_IDLE_NANOS || !c.isStale()) {
                    return c;
                }
                c.close();
            }
            long remainingMillis = (deadlineNanos - System.nanoTime()) / 1_000_000;
            int timeout = (int) Math.max(1, Math.min(connectTimeoutMillis, remainingMillis));
            Connection c = Connection.open(tls, address, timeout, maxResponseBytes);
            down = false;
            return c;
        } catch (IOException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    /** Gives a connection back: kept for reuse when it is healthy, else closed. */
    void release(Connection c, boolean reusable) {
        try {
            if (reusable && !closed) {
                synchronized (idle) {
                    idle.addFirst(c);
                }
            } else {
                c.close();
            }
        } finally {
            permits.release();
        }
    }

    /** Closes the idle connections and refuses new ones; connections in use close when given back. */
    void close() {
        closed = true;
        synchronized (idle) {
            for (Connection c : idle) {
                c.close();
            }
            idle.clear();
        }
    }
}
