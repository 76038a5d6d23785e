package io.keyhold.server.store.sql;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The connections of one {@link SqlObjectStore}: the writer's (one at a time, used only by the writer
 * thread) and the readers' (a bounded pool; a connection handed out is inside a read transaction with a
 * consistent snapshot, ended by {@link #releaseReader}).
 */
interface Connections extends AutoCloseable {

    Database database();

    /** A connection for the next write transaction, in the state {@link Dialect#begin} expects. */
    Connection writer() throws SQLException;

    /** Gives the writer's connection back; {@code failed}: the transaction on it failed (check it before reuse). */
    void releaseWriter(Connection c, boolean failed);

    /** A connection for a read transaction, waiting up to the store's limit for one to be free. */
    Connection reader() throws SQLException;

    /** Ends the read transaction on {@code c} and gives the connection back (or replaces it if broken). */
    void releaseReader(Connection c);

    /**
     * The statements kept prepared on the read connection {@code c} for the thread holding it, or null
     * where the driver keeps its own (PostgreSQL's prepares server-side after a few uses).
     */
    default StatementCache statements(Connection reader) {
        return null;
    }

    /** Reports the connection pools' use to this registry (HikariCP's hikaricp_* meters); SQLite has no pool. */
    default void reportPoolsTo(io.micrometer.core.instrument.MeterRegistry registry) {}

    /** Closes every connection; the writer's last. */
    @Override
    void close();

    static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // nothing more to release
            }
        }
    }
}
