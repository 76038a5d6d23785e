package io.keyhold.testkit.load;

import java.util.Optional;

/**
 * What one connection of a closed loop measured: latencies of its successful requests and its errors per
 * operation, when its last measured request ended, and whether it was lost. Written only by the thread that
 * runs the connection, read once it has finished.
 */
final class ConnectionTally {
    final LatencyRecorder[] latencies;
    final long[] errors;
    long lastMeasuredEnd;
    boolean lost;
    String firstError;

    ConnectionTally(int operations) {
        this.latencies = new LatencyRecorder[operations];
        for (int k = 0; k < operations; k++) {
            latencies[k] = new LatencyRecorder();
        }
        this.errors = new long[operations];
    }

    /**
     * Counts one request of operation {@code k}, sent at {@code t0} and answered (or failed) at {@code t1}:
     * with a request limit, when it held a ticket of the budget; for a fixed duration, when it completed
     * inside the measured window. The first failure is kept for the report whether measured or not.
     */
    void record(LoadOptions o, int k, boolean ticket, long t0, long t1, Optional<String> failure, long measureStart,
                long measureEnd) {
        boolean counted = o.limitedByRequests() ? ticket : t1 >= measureStart && t1 < measureEnd;
        if (counted) {
            lastMeasuredEnd = t1;
            if (failure.isEmpty()) {
                latencies[k].record(t1 - t0);
            } else {
                errors[k]++;
            }
        }
        if (failure.isPresent() && firstError == null) {
            firstError = o.mix().entries().get(k).operation().cliName + ": " + failure.get();
        }
    }
}
