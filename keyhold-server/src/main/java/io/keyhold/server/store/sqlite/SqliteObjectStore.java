package io.keyhold.server.store.sqlite;

import io.keyhold.protocol.KmipException;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.audit.AuditListener;
import io.keyhold.server.dispatch.Failures;
import io.keyhold.server.security.MasterKey;
import io.keyhold.server.security.MasterKeyException;
import io.keyhold.server.security.MasterKeyRing;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.ReadTransaction;
import io.keyhold.server.store.StoreException;
import io.keyhold.server.store.TransactionWork;
import io.keyhold.server.store.WriteTransaction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The embedded default store: one SQLite database file in WAL mode with {@code synchronous=FULL}.
 *
 * <p>Writes use group commit: one writer thread owns the only write connection; {@link #write} queues
 * the work and waits while the writer takes every waiting work (up to {@link Options#maxGroupSize}),
 * runs them in one {@code BEGIN IMMEDIATE} transaction, each inside its own savepoint (a work that throws
 * is rolled back alone), and commits once, so one fsync acknowledges the whole group. Works run on the
 * writer thread and must not call {@link #write} themselves. Reads run on the caller's thread on a pool
 * of read-only connections; WAL gives each read transaction a snapshot and readers never wait for the
 * writer. Locate is answered from the attribute_value indexes.
 *
 * <p>The object column (key material, secret data, private keys, opaque objects) is encrypted under the
 * master keys of the {@link MasterKeyRing} given to {@link #open(Path, MasterKeyRing, Options)}: see
 * {@link ObjectEnvelope}. Which of them wraps new objects is recorded in the database
 * ({@code master_key_state}); a new database starts with the ring's initial key. Attributes are not
 * encrypted.
 */
public final class SqliteObjectStore implements ObjectStore {

    /**
     * Settings.
     *
     * @param readerPoolSize   read-only connections kept open (concurrent read transactions)
     * @param maxGroupSize     most write transactions committed together
     * @param busyTimeoutMillis how long a connection waits for a lock held by another process
     * @param maxQueuedAuditRecords audit records of reads queued for the writer at most; more make the
     *                          caller wait (see {@link #appendAudit})
     */
    public record Options(int readerPoolSize, int maxGroupSize, int busyTimeoutMillis, int maxQueuedAuditRecords) {
        public static final int DEFAULT_MAX_QUEUED_AUDIT_RECORDS = 10_000;
        public static final Options DEFAULTS = new Options(4, 256, 5000);

        public Options(int readerPoolSize, int maxGroupSize, int busyTimeoutMillis) {
            this(readerPoolSize, maxGroupSize, busyTimeoutMillis, DEFAULT_MAX_QUEUED_AUDIT_RECORDS);
        }

        /** These options with another bound on queued audit records. */
        public Options withMaxQueuedAuditRecords(int n) {
            return new Options(readerPoolSize, maxGroupSize, busyTimeoutMillis, n);
        }

        public Options {
            if (maxQueuedAuditRecords < 1) {
                throw new IllegalArgumentException("maxQueuedAuditRecords: " + maxQueuedAuditRecords + " (expected: >= 1)");
            }
            if (readerPoolSize < 1) {
                throw new IllegalArgumentException("readerPoolSize: " + readerPoolSize + " (expected: >= 1)");
            }
            if (maxGroupSize < 1) {
                throw new IllegalArgumentException("maxGroupSize: " + maxGroupSize + " (expected: >= 1)");
            }
            if (busyTimeoutMillis < 0) {
                throw new IllegalArgumentException("busyTimeoutMillis: " + busyTimeoutMillis + " (expected: >= 0)");
            }
        }
    }

    /**
     * Write counters since open.
     *
     * @param transactions write works run (committed or rolled back to their savepoint)
     * @param commits      group commits, each one sync
     * @param largestGroup most works in one commit
     */
    public record Stats(long transactions, long commits, int largestGroup) {}

    private static final long READER_WAIT_MILLIS = 30_000;
    private static final Logger LOG = LoggerFactory.getLogger(SqliteObjectStore.class);

    private final Path file;
    private final Options options;
    private final BlockingQueue<Connection> readers;
    private final GroupWriter writer;
    private final ObjectEnvelope envelope;
    private final Object lifecycle = new Object();
    private final Semaphore auditQueue;
    private volatile boolean closed;

    private SqliteObjectStore(Path file, Options options, List<Connection> readerConnections, GroupWriter writer,
            ObjectEnvelope envelope) {
        this.file = file;
        this.envelope = envelope;
        this.options = options;
        this.readers = new ArrayBlockingQueue<>(readerConnections.size(), false, readerConnections);
        this.writer = writer;
        this.auditQueue = new Semaphore(options.maxQueuedAuditRecords());
    }

    /**
     * Opens (creating if absent) the database with default settings and brings its schema up to date;
     * objects are encrypted under {@code masterKey}, the only key of the store.
     */
    public static SqliteObjectStore open(Path databaseFile, MasterKey masterKey) {
        return open(databaseFile, masterKey, Options.DEFAULTS);
    }

    /** As {@link #open(Path, MasterKey)} with these settings. */
    public static SqliteObjectStore open(Path databaseFile, MasterKey masterKey, Options options) {
        Objects.requireNonNull(masterKey, "masterKey");
        return open(databaseFile, MasterKeyRing.of(masterKey), options);
    }

    /** As {@link #open(Path, MasterKeyRing, Options)} with default settings. */
    public static SqliteObjectStore open(Path databaseFile, MasterKeyRing ring) {
        return open(databaseFile, ring, Options.DEFAULTS);
    }

    /**
     * Opens (creating if absent) the database and brings its schema up to date. Objects are opened with any
     * key of {@code ring} and written under the key the database records as current (the ring's initial key
     * for a new database); fails if the ring does not hold that key.
     */
    public static SqliteObjectStore open(Path databaseFile, MasterKeyRing ring, Options options) {
        Objects.requireNonNull(ring, "ring");
        ObjectEnvelope envelope = new ObjectEnvelope(ring);
        Path file = databaseFile.toAbsolutePath();
        String name = file.getFileName().toString();
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
            write = connect(file, options, false);
            SchemaMigrator.migrate(write, name);
            checkCurrentKey(write, ring, name);
            for (int i = 0; i < options.readerPoolSize(); i++) {
                readerConnections.add(connect(file, options, true));
            }
            GroupWriter writer = new GroupWriter(write, options.maxGroupSize(), name, envelope);
            SqliteObjectStore store = new SqliteObjectStore(file, options, readerConnections, writer, envelope);
            writer.start();
            return store;
        } catch (SQLException e) {
            closeQuietly(write);
            readerConnections.forEach(SqliteObjectStore::closeQuietly);
            throw new StoreException("cannot open database " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(write);
            readerConnections.forEach(SqliteObjectStore::closeQuietly);
            throw e;
        }
    }

    /** Records the ring's initial key as current in a database that has none; fails if the ring lacks the current key. */
    static String checkCurrentKey(Connection c, MasterKeyRing ring, String databaseName) throws SQLException {
        try {
            if (MasterKeyState.read(c) == null) {
                MasterKeyState.initialize(c, ring.initial().id());
            }
            String current = MasterKeyState.read(c).currentKeyId();
            ring.find(current);
            return current;
        } catch (MasterKeyException e) {
            throw new StoreException("database " + databaseName + ": its current " + e.getMessage());
        }
    }

    static Connection connect(Path file, Options options, boolean readOnly) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(options.busyTimeoutMillis());
        config.setReadOnly(readOnly);
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
    public <T> T read(TransactionWork<ReadTransaction, T> work) throws KmipException {
        Connection c = borrowReader();
        SqliteTransaction tx = new SqliteTransaction(c, false, envelope);
        boolean ok = false;
        try {
            T result = work.run(tx);
            ok = true;
            return result;
        } finally {
            tx.finish();
            endRead(c, ok);
        }
    }

    private Connection borrowReader() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READER_WAIT_MILLIS);
        try {
            while (true) {
                checkOpen();
                Connection c = readers.poll(100, TimeUnit.MILLISECONDS);
                if (c != null) {
                    return c;
                }
                if (System.nanoTime() > deadline) {
                    throw new StoreException("store " + file.getFileName() + ": no read connection free after "
                            + READER_WAIT_MILLIS + " ms (pool size: " + options.readerPoolSize() + ")");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for a read connection of " + file.getFileName());
        }
    }

    private void endRead(Connection c, boolean ok) {
        SQLException failure = null;
        try {
            c.rollback(); // ends the read transaction and its snapshot
        } catch (SQLException e) {
            failure = e;
            closeQuietly(c);
            c = reconnectReader();
        }
        if (c != null) {
            giveBack(c);
        }
        if (failure != null && ok) {
            throw SqliteTransaction.failure("end of read transaction", failure);
        }
    }

    /** A fresh read connection to replace a broken one, or null if the database cannot be opened now. */
    private Connection reconnectReader() {
        try {
            return connect(file, options, true);
        } catch (SQLException e) {
            return null;
        }
    }

    private void giveBack(Connection c) {
        synchronized (lifecycle) {
            if (closed) {
                closeQuietly(c);
            } else {
                readers.add(c);
            }
        }
    }

    @Override
    public <T> T write(TransactionWork<WriteTransaction, T> work) throws KmipException {
        if (Thread.currentThread() == writer.thread()) {
            throw new IllegalStateException("write called from inside a write transaction");
        }
        GroupWriter.Pending<T> pending = new GroupWriter.Pending<>(work);
        synchronized (lifecycle) {
            checkOpen();
            writer.submit(pending);
        }
        return pending.await();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Without {@code waitForCommit} the records are queued to the writer, which commits them with the
     * next group; at most {@link Options#maxQueuedAuditRecords} wait at once, and a caller beyond that
     * waits for room (back-pressure, never a dropped record). A queued group that fails to commit is
     * logged with the number of records lost.
     */
    @Override
    public void appendAudit(List<AuditEvent> events, boolean waitForCommit) throws KmipException {
        if (events.isEmpty()) {
            return;
        }
        List<AuditEvent> copy = List.copyOf(events);
        TransactionWork<WriteTransaction, Void> work = tx -> {
            for (AuditEvent e : copy) {
                tx.appendAudit(e);
            }
            return null;
        };
        if (waitForCommit) {
            write(work);
            return;
        }
        if (Thread.currentThread() == writer.thread()) {
            throw new IllegalStateException("appendAudit called from inside a write transaction");
        }
        int permits = Math.min(copy.size(), options.maxQueuedAuditRecords());
        auditQueue.acquireUninterruptibly(permits);
        GroupWriter.Pending<Void> pending = new GroupWriter.Pending<>(work, failure -> {
            auditQueue.release(permits);
            if (failure != null) {
                LOG.error("store {}: {} audit record(s) could not be stored: {}", file.getFileName(), copy.size(),
                        Failures.describe(failure));
            }
        });
        synchronized (lifecycle) {
            if (closed) {
                auditQueue.release(permits);
                checkOpen();
            }
            writer.submit(pending);
        }
    }

    @Override
    public void auditListener(AuditListener listener) {
        writer.auditListener(listener);
    }

    /** Audit records queued for the writer and not yet committed (for tests and monitoring). */
    public int queuedAuditRecords() {
        return options.maxQueuedAuditRecords() - auditQueue.availablePermits();
    }

    /** Write counters since open. */
    public Stats stats() {
        return writer.stats();
    }

    /**
     * Time the writer spent in the group transactions it committed since open, from BEGIN to COMMIT (the
     * works' statements and the sync included); with {@link Stats#commits()} it gives the mean commit latency.
     */
    public long commitNanos() {
        return writer.commitNanos();
    }

    /** Group transactions whose commit failed since open (every work in them failed with it). */
    public long failedCommits() {
        return writer.failedCommits();
    }

    /** Works waiting for the writer (the write queue's depth); lets tests see a group forming. */
    public int queuedWrites() {
        return writer.queued();
    }

    @Override
    public void close() {
        if (Thread.currentThread() == writer.thread()) {
            throw new IllegalStateException("close called from inside a write transaction");
        }
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        List<Connection> idle = new ArrayList<>();
        synchronized (lifecycle) {
            readers.drainTo(idle);
        }
        idle.forEach(SqliteObjectStore::closeQuietly);
        // the write connection closes last: as the last connection it checkpoints the WAL into the
        // database and removes it, which read-only connections cannot do
        writer.shutdown(); // finishes what is queued, then closes the write connection
    }

    private void checkOpen() {
        if (closed) {
            throw new StoreException("store " + file.getFileName() + " is closed");
        }
    }

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
