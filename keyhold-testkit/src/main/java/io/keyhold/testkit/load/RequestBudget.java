package io.keyhold.testkit.load;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The measured requests a run may still send, shared by its connections: each connection takes one
 * before each measured request and stops when none is left, so that exactly the limit is measured however
 * the connections interleave. Unlimited for a run of fixed duration.
 */
final class RequestBudget {
    private final AtomicLong left;

    private RequestBudget(long limit) {
        this.left = new AtomicLong(limit);
    }

    /** At most {@code limit} requests (greater than 0). */
    static RequestBudget of(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("request limit " + limit + " (expected: > 0)");
        }
        return new RequestBudget(limit);
    }

    static RequestBudget unlimited() {
        return new RequestBudget(Long.MAX_VALUE);
    }

    /** Takes one request; false when the budget is spent. */
    boolean tryTake() {
        long n;
        do {
            n = left.get();
            if (n <= 0) {
                return false;
            }
        } while (!left.compareAndSet(n, n - 1));
        return true;
    }

    long left() {
        return left.get();
    }
}
