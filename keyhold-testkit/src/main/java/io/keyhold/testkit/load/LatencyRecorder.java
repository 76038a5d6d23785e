package io.keyhold.testkit.load;

import java.util.Arrays;

/** Latencies of one thread, in nanoseconds; merged and sorted once at the end. Not thread-safe. */
final class LatencyRecorder {
    private long[] nanos = new long[4096];
    private int count;

    void record(long latencyNanos) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = latencyNanos;
    }

    int count() {
        return count;
    }

    /** All recorded latencies of the given recorders, sorted ascending. */
    static long[] mergeSorted(Iterable<LatencyRecorder> recorders) {
        int total = 0;
        for (LatencyRecorder r : recorders) {
            total += r.count;
        }
        long[] all = new long[total];
        int at = 0;
        for (LatencyRecorder r : recorders) {
            System.arraycopy(r.nanos, 0, all, at, r.count);
            at += r.count;
        }
        Arrays.sort(all);
        return all;
    }

    /** Nearest-rank percentile ({@code q} in (0, 1]) of sorted latencies, in milliseconds; NaN when empty. */
    static double percentileMillis(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }
}
