package io.keyhold.cli;

import io.keyhold.server.store.sql.DatabaseCopy;
import java.io.PrintWriter;
import java.util.function.LongSupplier;

/**
 * The progress lines of {@code keyhold migrate}, {@code backup} and {@code restore} on standard error, at
 * most one per interval, and the last one of a table that took longer: "managed_object: 3000/120000 rows".
 */
final class CopyProgress implements DatabaseCopy.Progress {
    private final PrintWriter err;
    private final LongSupplier nanoClock;
    private final long intervalNanos;
    private long lastPrinted;
    private String lastTable;

    CopyProgress(PrintWriter err, LongSupplier nanoClock, long intervalNanos) {
        this.err = err;
        this.nanoClock = nanoClock;
        this.intervalNanos = intervalNanos;
        this.lastPrinted = nanoClock.getAsLong();
    }

    /** At most a line a second. */
    static DatabaseCopy.Progress of(PrintWriter err, boolean quiet) {
        return quiet ? DatabaseCopy.Progress.NONE : new CopyProgress(err, System::nanoTime, 1_000_000_000L);
    }

    @Override
    public void copied(String table, long done, long total) {
        long now = nanoClock.getAsLong();
        boolean finishesPrintedTable = done >= total && table.equals(lastTable);
        if (now - lastPrinted >= intervalNanos || finishesPrintedTable) {
            lastPrinted = now;
            lastTable = done >= total ? null : table;
            err.println(line(table, done, total));
            err.flush();
        }
    }

    static String line(String table, long done, long total) {
        long percent = total == 0 ? 100 : done * 100 / total;
        return table + ": " + done + "/" + total + " rows (" + percent + "%)";
    }
}
