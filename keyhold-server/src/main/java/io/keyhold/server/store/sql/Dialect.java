package io.keyhold.server.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What differs between the SQL databases a store can live in: where their schema scripts are and how a
 * write transaction starts, commits and rolls back. Every statement of the store itself is written once,
 * in SQL both accept.
 */
public enum Dialect {
    /**
     * The embedded database: one writer connection in auto-commit mode, transactions by statement;
     * {@code BEGIN IMMEDIATE} takes the database's write lock, so writers of other processes (the command
     * line tools) queue behind it.
     */
    SQLITE("sqlite") {
        @Override
        void begin(Connection c) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
            }
        }

        @Override
        void commit(Connection c) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute("COMMIT");
            }
        }

        @Override
        void rollback(Connection c) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute("ROLLBACK");
            }
        }
    },

    /**
     * The shared database of several nodes. A write transaction runs at READ COMMITTED and first takes a
     * transaction-scoped advisory lock that every node's writer takes: write transactions of the whole
     * cluster run one after another, and each statement after the lock sees every commit before it, so
     * a read-modify-write is serializable without retries. The lock is released by the commit or the
     * rollback, and by the database when a node's connection dies.
     */
    POSTGRESQL("postgresql") {
        @Override
        void begin(Connection c) throws SQLException {
            c.setAutoCommit(false);
            try (PreparedStatement p = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                p.setLong(1, WRITE_LOCK);
                p.execute();
            }
        }

        @Override
        void commit(Connection c) throws SQLException {
            c.commit();
        }

        @Override
        void rollback(Connection c) throws SQLException {
            c.rollback();
        }
    };

    /** The advisory lock key of write transactions: "keyhold" in ASCII. */
    static final long WRITE_LOCK = 0x6B6579686F6C64L;
    /** The advisory lock key of schema migrations. */
    static final long MIGRATION_LOCK = 0x6B6579686F6C6DL;

    private final String schemaDirectory;

    Dialect(String schemaDirectory) {
        this.schemaDirectory = schemaDirectory;
    }

    /** The resource directory, beside this class, of this database's migration scripts. */
    String schemaDirectory() {
        return schemaDirectory;
    }

    /** Starts a write transaction holding the store's write lock. */
    abstract void begin(Connection c) throws SQLException;

    abstract void commit(Connection c) throws SQLException;

    abstract void rollback(Connection c) throws SQLException;
}
