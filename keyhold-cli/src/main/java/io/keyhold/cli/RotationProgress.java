package io.keyhold.cli;

import io.keyhold.server.store.sql.MasterKeyRotation;
import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The progress lines of {@code keyhold master-key rotate} on standard error, at most one a second:
 * "re-wrapped 400 of 1000 data keys (40%), 812/s, about 1 s left".
 */
final class RotationProgress implements MasterKeyRotation.Progress {
    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final PrintWriter err;
    private final LongSupplier nanoClock;
    private final long start;
    private long lastPrinted;
    private long lastTotal;

    RotationProgress(PrintWriter err, LongSupplier nanoClock) {
        this.err = err;
        this.nanoClock = nanoClock;
        this.start = nanoClock.getAsLong();
        this.lastPrinted = start;
    }

    @Override
    public void batchDone(long done, long total) {
        lastTotal = total;
        long now = nanoClock.getAsLong();
        if (now - lastPrinted >= INTERVAL_NANOS) {
            lastPrinted = now;
            err.println(line(done, total, now - start));
            err.flush();
        }
    }

    /** The last line, with the final count. */
    void finish(long done) {
        err.println(line(done, Math.max(done, lastTotal), nanoClock.getAsLong() - start));
        err.flush();
    }

    static String line(long done, long total, long elapsedNanos) {
        double seconds = Math.max(elapsedNanos, 1) / 1e9;
        long rate = Math.round(done / seconds);
        long percent = total == 0 ? 100 : done * 100 / total;
        String left = done >= total ? "done" : rate == 0 ? "time left unknown"
                : "about " + Math.max(1, Math.round((total - done) / (double) rate)) + " s left";
        return "re-wrapped " + done + " of " + total + " data keys (" + percent + "%), " + rate + "/s, " + left;
    }
}
