package io.keyhold.server.store.sql;

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
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQL store: a SQLite database file (the embedded default, one process) or a PostgreSQL database
 * (several nodes sharing it), chosen by the {@link Database} it opens. Both keep the same tables, written
 * by the same statements; {@link Dialect} holds what differs.
 *
 * <p>Writes use group commit: one writer thread per store runs every write; {@link #write} queues the
 * work and waits while the writer takes every waiting work (up to {@link Options#maxGroupSize}), runs them
 * in one transaction holding the database's write lock ({@code BEGIN IMMEDIATE} on SQLite, a
 * transaction-scoped advisory lock on PostgreSQL, which every node's writer takes), each inside its own
 * savepoint (a work that throws is rolled back alone), and commits once, so one sync acknowledges the whole
 * group. Works run on the writer thread and must not call {@link #write} themselves. Reads run on the
 * caller's thread on a pool of read connections, each read transaction one snapshot (WAL on SQLite,
 * REPEATABLE READ on PostgreSQL); readers never wait for the writer. Locate is answered from the
 * attribute_value indexes.
 *
 * <p>Since every write, on every node, holds the same lock, the writes of a cluster are serializable and
 * each one sees what the others committed; nothing a node caches decides a write (the audit chain's head
 * and the current master key are read again at the start of each group).
 *
 * <p>The object column (key material, secret data, private keys, opaque objects) is encrypted under the
 * master keys of the {@link MasterKeyRing} given to {@link #open(Database, MasterKeyRing, Options)}: see
 * {@link ObjectEnvelope}. Which of them wraps new objects is recorded in the database
 * ({@code master_key_state}); a new database starts with the ring's initial key. Attributes are not
 * encrypted.
 */
public final class SqlObjectStore implements ObjectStore {

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

        /** These options with another number of read connections. */
        public Options withReaderPoolSize(int n) {
            return new Options(n, maxGroupSize, busyTimeoutMillis, maxQueuedAuditRecords);
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

    private static final Logger LOG = LoggerFactory.getLogger(SqlObjectStore.class);

    private final Database database;
    private final Options options;
    private final Connections connections;
    private final GroupWriter writer;
    private final ObjectEnvelope envelope;
    private final Object lifecycle = new Object();
    private final ExclusiveHolds holds;
    private final Semaphore auditQueue;
    private final boolean readsLocally;
    private volatile boolean closed;

    private SqlObjectStore(Options options, Connections connections, GroupWriter writer, ObjectEnvelope envelope,
                           boolean masterKeysInProcess) {
        this.database = connections.database();
        this.readsLocally = database.dialect() == Dialect.SQLITE && masterKeysInProcess;
        this.holds = new ExclusiveHolds(database);
        this.envelope = envelope;
        this.options = options;
        this.connections = connections;
        this.writer = writer;
        this.auditQueue = new Semaphore(options.maxQueuedAuditRecords());
    }

    /**
     * Opens (creating if absent) the SQLite database with default settings and brings its schema up to
     * date; objects are encrypted under {@code masterKey}, the only key of the store.
     */
    public static SqlObjectStore open(Path databaseFile, MasterKey masterKey) {
        return open(databaseFile, masterKey, Options.DEFAULTS);
    }

    /** As {@link #open(Path, MasterKey)} with these settings. */
    public static SqlObjectStore open(Path databaseFile, MasterKey masterKey, Options options) {
        Objects.requireNonNull(masterKey, "masterKey");
        return open(databaseFile, MasterKeyRing.of(masterKey), options);
    }

    /** As {@link #open(Path, MasterKeyRing, Options)} with default settings. */
    public static SqlObjectStore open(Path databaseFile, MasterKeyRing ring) {
        return open(databaseFile, ring, Options.DEFAULTS);
    }

    /** The SQLite database in this file: {@link #open(Database, MasterKeyRing, Options)}. */
    public static SqlObjectStore open(Path databaseFile, MasterKeyRing ring, Options options) {
        return open(Database.sqlite(databaseFile), ring, options);
    }

    /**
     * Opens (creating if absent) the database and brings its schema up to date. Objects are opened with any
     * key of {@code ring} and written under the key the database records as current (the ring's initial key
     * for a new database); fails if the ring does not hold that key.
     */
    public static SqlObjectStore open(Database database, MasterKeyRing ring, Options options) {
        Objects.requireNonNull(ring, "ring");
        ObjectEnvelope envelope = new ObjectEnvelope(ring, database.dialect());
        Connections connections = database instanceof Database.Postgres postgres
                ? PostgresConnections.open(postgres, options)
                : SqliteConnections.open((Database.Sqlite) database, options);
        try {
            Connection c = connections.writer();
            boolean failed = true;
            try {
                checkCurrentKey(c, ring, database);
                failed = false;
            } finally {
                connections.releaseWriter(c, failed);
            }
            GroupWriter writer = new GroupWriter(connections, options.maxGroupSize(), envelope);
            SqlObjectStore store = new SqlObjectStore(options, connections, writer, envelope, ring.inProcess());
            writer.start();
            return store;
        } catch (SQLException e) {
            connections.close();
            throw new StoreException("cannot open database " + database + ": " + PostgresConnections.message(e), e);
        } catch (RuntimeException e) {
            connections.close();
            throw e;
        }
    }

    /** Where this store keeps its data. */
    public Database database() {
        return database;
    }

    /** SQLite (a file of this machine) under master keys that work in this process, not in a token. */
    @Override
    public boolean readsLocally() {
        return readsLocally;
    }

    /** Records the ring's initial key as current in a database that has none; fails if the ring lacks the current key. */
    static String checkCurrentKey(Connection c, MasterKeyRing ring, Database database) throws SQLException {
        try {
            boolean manual = !c.getAutoCommit();
            if (MasterKeyState.read(c) == null) {
                MasterKeyState.initialize(c, ring.initial().id());
            }
            String current = MasterKeyState.read(c).currentKeyId();
            if (manual) {
                c.commit();
            }
            ring.find(current);
            return current;
        } catch (MasterKeyException e) {
            throw new StoreException("database " + database.name() + ": its current " + e.getMessage());
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>A read whose connection turns out to be lost (the database restarted or failed over, and the pool
     * had not noticed yet) runs once more on a fresh connection: a read changes nothing, so running it again
     * is safe.
     */
    @Override
    public <T> T read(TransactionWork<ReadTransaction, T> work) throws KmipException {
        try {
            return readOnce(work);
        } catch (StoreException e) {
            if (!GroupWriter.retryable(e)) {
                throw e;
            }
            return readOnce(work);
        }
    }

    private <T> T readOnce(TransactionWork<ReadTransaction, T> work) throws KmipException {
        checkOpen();
        Connection c;
        try {
            c = connections.reader();
        } catch (SQLException e) {
            throw SqlTransaction.failure("start of a read transaction", e);
        }
        SqlTransaction tx = new SqlTransaction(c, false, envelope, null, connections.statements(c));
        try {
            return work.run(tx);
        } finally {
            tx.finish();
            connections.releaseReader(c);
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
                LOG.error("store {}: {} audit record(s) could not be stored: {}", database.name(), copy.size(),
                        Failures.describe(failure));
            }
        });
        synchronized (lifecycle) {
            if (closed) {
                auditQueue.release(permits);
                checkOpen();
            }
            writer.submitDeferred(pending);
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

    /**
     * Group transactions run again after a failure another attempt could cure (a lost connection, a
     * serialization failure), since open.
     */
    public long retriedGroups() {
        return writer.retries();
    }

    /**
     * Reports the database connection pools (PostgreSQL: {@code hikaricp_connections_*} by pool
     * {@code keyhold-writer} and {@code keyhold-readers}) to this registry; once per store.
     */
    public void reportPoolsTo(io.micrometer.core.instrument.MeterRegistry registry) {
        connections.reportPoolsTo(registry);
    }

    @Override
    public java.util.Optional<Exclusive> tryExclusive(String task) {
        checkOpen();
        return holds.tryHold(task);
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
        writer.shutdown(); // finishes what is queued
        holds.close();
        connections.close();
    }

    private void checkOpen() {
        if (closed) {
            throw new StoreException("store " + database.name() + " is closed");
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
