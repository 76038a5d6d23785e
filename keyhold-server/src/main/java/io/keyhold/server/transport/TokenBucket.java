package io.keyhold.server.transport;

/**
 * A token bucket: holds up to {@code perSecond} tokens (one second's worth, the largest burst) and gains
 * {@code perSecond} tokens a second; each request takes one. Time comes in as nanoseconds from
 * {@link System#nanoTime()} so that tests can drive it. Thread-safe: the connections of one client share it.
 */
final class TokenBucket {
    private final long perSecond;
    private final double capacity;
    private double tokens;
    private long lastNanos;

    TokenBucket(long perSecond, long nowNanos) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("rate: " + perSecond + " (expected: >= 1)");
        }
        this.perSecond = perSecond;
        this.capacity = perSecond;
        this.tokens = perSecond;
        this.lastNanos = nowNanos;
    }

    /** Takes a token if there is one. */
    synchronized boolean tryTake(long nowNanos) {
        refill(nowNanos);
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** True when the bucket is full again: forgetting it then loses nothing. */
    synchronized boolean isFull(long nowNanos) {
        refill(nowNanos);
        return tokens >= capacity;
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + elapsed * (perSecond / 1e9));
            lastNanos = nowNanos;
        }
    }
}
