package io.keyhold.server.store.sql;

import io.keyhold.server.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.sqlite.SQLiteConfig;

/**
 * A SQLite file in WAL mode with {@code synchronous=FULL}: one write connection for the life of the store
 * (in auto-commit mode; {@link Dialect#SQLITE} starts its transactions by statement) and a fixed pool of
 * read-only connections, each read transaction a WAL snapshot that never waits for the writer.
 */
final class SqliteConnections implements Connections {
    private static final long READER_WAIT_MILLIS = 30_000;

    private final Database.Sqlite database;
    private final SqlObjectStore.Options options;
    private final Connection writer;
    private final BlockingQueue<Connection> readers;
    private final Map<Connection, StatementCache> readerStatements = new ConcurrentHashMap<>();
    private final Object lifecycle = new Object();
    private volatile boolean closed;

    private SqliteConnections(Database.Sqlite database, SqlObjectStore.Options options, Connection writer,
            List<Connection> readers) {
        this.database = database;
        this.options = options;
        this.writer = writer;
        this.readers = new ArrayBlockingQueue<>(readers.size(), false, readers);
    }

    static SqliteConnections open(Database.Sqlite database, SqlObjectStore.Options options) {
        Path file = database.file();
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
        } catch (IOException e) {
            throw new StoreException("cannot create the directory of database " + file, e);
        }
        Connection write = null;
        List<Connection> readerConnections = new ArrayList<>();
        try {
            write = connect(file, options.busyTimeoutMillis(), false);
            SchemaMigrator.migrate(write, database);
            for (int i = 0; i < options.readerPoolSize(); i++) {
                readerConnections.add(connect(file, options.busyTimeoutMillis(), true));
            }
            return new SqliteConnections(database, options, write, readerConnections);
        } catch (SQLException e) {
            Connections.closeQuietly(write);
            readerConnections.forEach(Connections::closeQuietly);
            throw new StoreException("cannot open database " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            Connections.closeQuietly(write);
            readerConnections.forEach(Connections::closeQuietly);
            throw e;
        }
    }

    /** A connection to the file; read-only ones start outside auto-commit, so each use is one snapshot. */
    static Connection connect(Path file, int busyTimeoutMillis, boolean readOnly) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(busyTimeoutMillis);
        config.setReadOnly(readOnly);
        // nothing reads generated keys; without this the driver runs a query after every INSERT
        config.setGetGeneratedKeys(false);
        if (!readOnly) {
            // Each work of a group runs in its own savepoint, so SQLite keeps the first version of every page
            // a work changes in a statement journal; in a temporary file (written at each change) that was
            // most of the writer's system calls. In memory it is one work's pages at a time.
            config.setTempStore(SQLiteConfig.TempStore.MEMORY);
        }
        Connection c = config.createConnection("jdbc:sqlite:" + file);
        try (Statement s = c.createStatement()) {
            // the driver applies journal_mode only where it may; make the writer's choice explicit
            if (!readOnly) {
                s.execute("PRAGMA journal_mode = WAL");
                s.execute("PRAGMA synchronous = FULL");
            }
        }
        if (readOnly) {
            c.setAutoCommit(false);
        }
        return c;
    }

    @Override
    public Database database() {
        return database;
    }

    @Override
    public Connection writer() {
        return writer;
    }

    @Override
    public void releaseWriter(Connection c, boolean failed) {
        // the one write connection stays open; SQLite has ended the failed transaction
    }

    @Override
    public Connection reader() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READER_WAIT_MILLIS);
        try {
            while (true) {
                checkOpen();
                Connection c = readers.poll(100, TimeUnit.MILLISECONDS);
                if (c != null) {
                    return c;
                }
                if (System.nanoTime() > deadline) {
                    throw new StoreException("store " + database.name() + ": no read connection free after "
                            + READER_WAIT_MILLIS + " ms (pool size: " + options.readerPoolSize() + ")");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for a read connection of " + database.name());
        }
    }

    @Override
    public void releaseReader(Connection c) {
        try {
            // ends the read transaction and its snapshot, and opens the next one (deferred: it takes a
            // snapshot at its first read), as Connection.rollback() would, with statements kept prepared
            StatementCache statements = statements(c);
            statements.execute(c, "ROLLBACK");
            statements.execute(c, "BEGIN");
        } catch (SQLException e) {
            closeReader(c);
            c = reconnectReader();
        }
        if (c == null) {
            return;
        }
        synchronized (lifecycle) {
            if (closed) {
                closeReader(c);
            } else {
                readers.add(c);
            }
        }
    }

    /** Closes a read connection no thread holds, with the statements kept on it. */
    private void closeReader(Connection c) {
        StatementCache statements = readerStatements.remove(c);
        if (statements != null) {
            statements.clear();
        }
        Connections.closeQuietly(c);
    }

    @Override
    public StatementCache statements(Connection reader) {
        return readerStatements.computeIfAbsent(reader, c -> new StatementCache());
    }

    /** A fresh read connection to replace a broken one, or null if the database cannot be opened now. */
    private Connection reconnectReader() {
        try {
            return connect(database.file(), options.busyTimeoutMillis(), true);
        } catch (SQLException e) {
            return null;
        }
    }

    @Override
    public void close() {
        List<Connection> idle = new ArrayList<>();
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            readers.drainTo(idle);
        }
        idle.forEach(this::closeReader); // a connection in use is closed when its holder gives it back
        // the write connection closes last: as the last connection it checkpoints the WAL into the
        // database and removes it, which read-only connections cannot do
        try (Statement s = writer.createStatement()) {
            s.execute("PRAGMA optimize"); // keeps the planner's statistics current, as SQLite advises at close
        } catch (SQLException ignored) {
            // statistics only
        }
        Connections.closeQuietly(writer);
    }

    private void checkOpen() {
        if (closed) {
            throw new StoreException("store " + database.name() + " is closed");
        }
    }
}
