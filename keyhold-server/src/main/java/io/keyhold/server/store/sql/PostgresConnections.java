package io.keyhold.server.store.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.keyhold.server.store.StoreException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A PostgreSQL database through two HikariCP pools: the writer's (one connection, READ COMMITTED, taken
 * for each group transaction; {@link Dialect#POSTGRESQL} serializes the writers of every node) and the
 * readers' (read-only REPEATABLE READ transactions, so each read sees one snapshot). A connection whose
 * transaction failed is checked and evicted if it is broken, so a restarted or failed-over database is
 * reconnected to without restarting the node.
 */
final class PostgresConnections implements Connections {
    private static final long CONNECTION_TIMEOUT_MILLIS = 10_000;
    private static final long START_TIMEOUT_MILLIS = 3_000;

    private final Database.Postgres database;
    private final HikariDataSource writers;
    private final HikariDataSource readers;

    private PostgresConnections(Database.Postgres database, HikariDataSource writers, HikariDataSource readers) {
        this.database = database;
        this.writers = writers;
        this.readers = readers;
    }

    static PostgresConnections open(Database.Postgres database, SqlObjectStore.Options options) {
        HikariDataSource writers = null;
        HikariDataSource readers = null;
        try {
            writers = pool(database, "keyhold-writer", 1, false, Connection.TRANSACTION_READ_COMMITTED);
            try (Connection c = writers.getConnection()) {
                SchemaMigrator.migrate(c, database);
            }
            readers = pool(database, "keyhold-readers", options.readerPoolSize(), true,
                    Connection.TRANSACTION_REPEATABLE_READ);
            return new PostgresConnections(database, writers, readers);
        } catch (SQLException | RuntimeException e) {
            if (readers != null) {
                readers.close();
            }
            if (writers != null) {
                writers.close();
            }
            if (e instanceof StoreException se) {
                throw se;
            }
            throw new StoreException("cannot open database " + database + ": " + message(e), e);
        }
    }

    /** A connection outside the pools, for tools that read or write in bulk (auto-commit on). */
    static Connection connect(Database.Postgres database) throws SQLException {
        java.util.Properties p = new java.util.Properties();
        if (database.user() != null) {
            p.setProperty("user", database.user());
        }
        if (database.password() != null) {
            p.setProperty("password", database.password());
        }
        p.setProperty("ApplicationName", "keyhold");
        return new org.postgresql.Driver().connect(database.url(), p);
    }

    private static HikariDataSource pool(Database.Postgres database, String name, int size, boolean readOnly,
            int isolation) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setDriverClassName("org.postgresql.Driver");
        config.setJdbcUrl(database.url());
        if (database.user() != null) {
            config.setUsername(database.user());
        }
        if (database.password() != null) {
            config.setPassword(database.password());
        }
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        config.setAutoCommit(false);
        config.setReadOnly(readOnly);
        config.setTransactionIsolation(isolation == Connection.TRANSACTION_REPEATABLE_READ
                ? "TRANSACTION_REPEATABLE_READ" : "TRANSACTION_READ_COMMITTED");
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        config.setInitializationFailTimeout(START_TIMEOUT_MILLIS); // a node that cannot reach its database says so soon
        config.addDataSourceProperty("ApplicationName", "keyhold");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        return new HikariDataSource(config);
    }

    @Override
    public Database database() {
        return database;
    }

    @Override
    public Connection writer() throws SQLException {
        return writers.getConnection();
    }

    @Override
    public void releaseWriter(Connection c, boolean failed) {
        if (failed && !valid(c)) {
            writers.evictConnection(c);
            return;
        }
        Connections.closeQuietly(c); // back to the pool
    }

    @Override
    public Connection reader() throws SQLException {
        try {
            return readers.getConnection();
        } catch (SQLException e) {
            throw new StoreException("store " + database.name() + ": no read connection: " + message(e), e);
        }
    }

    @Override
    public void releaseReader(Connection c) {
        try {
            c.rollback(); // ends the read transaction and its snapshot
        } catch (SQLException e) {
            readers.evictConnection(c);
            return;
        }
        Connections.closeQuietly(c);
    }

    @Override
    public void reportPoolsTo(io.micrometer.core.instrument.MeterRegistry registry) {
        writers.setMetricsTrackerFactory(new com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory(registry));
        readers.setMetricsTrackerFactory(new com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory(registry));
    }

    @Override
    public void close() {
        readers.close();
        writers.close();
    }

    private static boolean valid(Connection c) {
        try {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    /** The driver's message without the URL's parameters (it may quote them). */
    static String message(Exception e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : Database.redact(m);
    }
}
