package io.keyhold.server.store.sql;

import io.keyhold.protocol.KmipException;
import io.keyhold.server.audit.AuditListener;
import io.keyhold.server.audit.AuditRecord;
import io.keyhold.server.store.StoreException;
import io.keyhold.server.store.TransactionWork;
import io.keyhold.server.store.WriteTransaction;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The writer thread and its queue. Each round takes every waiting work (up to the group bound), runs
 * them in one immediate transaction, each in its own savepoint (the deferred works that open a group
 * share one, see {@link #runDeferred}), commits once and then completes every caller: a work that threw
 * gets its own exception back, the others their results; if the commit fails, every work that had
 * succeeded gets a {@link StoreException}.
 *
 * <p>A work no caller waits for (the audit records of reads) is {@link #submitDeferred deferred}: it does
 * not wake the writer for itself. The first one waiting wakes it, and the writer then lets the others
 * gather for up to {@link #GATHER_NANOS} before committing them together, unless a work a caller waits
 * for arrives first (it takes them along) or a whole group's worth is waiting. Under a stream of reads
 * this makes one commit, and one disk sync, of many records, instead of one per read.
 *
 * <p>The writer also keeps the audit chain's head ({@link AuditRows}), taken from the database at the start
 * of each group (another process may have appended records): a work's records advance it, a work rolled
 * back to its savepoint or a group whose commit fails puts it back, and after each commit the {@link
 * AuditListener} learns of the records that became durable.
 */
final class GroupWriter {
    private static final Pending<Void> STOP = new Pending<>(tx -> null);
    /** Put in the queue to wake the writer for deferred works. */
    private static final Pending<Void> WAKE = new Pending<>(tx -> null);
    /** How long deferred works may wait for others to share their commit. */
    static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** The longest the writer sleeps without looking at the deferred works (a safety net: they wake it). */
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Attempts of one group at most (see {@link #runGroup}). */
    static final int MAX_ATTEMPTS = 4;
    private static final long RETRY_PAUSE_MILLIS = 200;

    private final Connections connections;
    private final Dialect dialect;
    private final int maxGroupSize;
    private final String databaseName;
    private final ObjectEnvelope envelope;
    private final AuditRows audit;
    private final StatementCache statements = new StatementCache();
    private volatile AuditListener auditListener = AuditListener.NONE;
    private final LinkedBlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedQueue<Pending<?>> deferred = new ConcurrentLinkedQueue<>();
    private final AtomicInteger deferredCount = new AtomicInteger();
    private final Thread thread;
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong commitNanos = new AtomicLong();
    private final AtomicLong failedCommits = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private volatile int largestGroup;

    GroupWriter(Connections connections, int maxGroupSize, ObjectEnvelope envelope) {
        this.connections = connections;
        this.dialect = connections.database().dialect();
        this.audit = AuditRows.empty(statements);
        this.envelope = envelope;
        this.maxGroupSize = maxGroupSize;
        this.databaseName = connections.database().name();
        this.thread = new Thread(this::run, "keyhold-store-writer-" + databaseName);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    Thread thread() {
        return thread;
    }

    void submit(Pending<?> pending) {
        queue.add(pending);
    }

    /**
     * Queues a work no caller waits for, to commit with the next group: the first one waiting wakes the
     * writer, which then gives others {@link #GATHER_NANOS} to join it.
     */
    void submitDeferred(Pending<?> pending) {
        deferred.add(pending);
        if (deferredCount.getAndIncrement() == 0) {
            queue.add(WAKE);
        }
    }

    void auditListener(AuditListener listener) {
        auditListener = listener == null ? AuditListener.NONE : listener;
    }

    int queued() {
        return queue.size() + deferred.size();
    }

    SqlObjectStore.Stats stats() {
        return new SqlObjectStore.Stats(transactions.get(), commits.get(), largestGroup);
    }

    long commitNanos() {
        return commitNanos.get();
    }

    long failedCommits() {
        return failedCommits.get();
    }

    long retries() {
        return retries.get();
    }

    /** Runs everything queued before this call and stops the thread. */
    void shutdown() {
        queue.add(STOP);
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        List<Pending<?>> prompt = new ArrayList<>();
        List<Pending<?>> group = new ArrayList<>();
        while (true) {
            prompt.clear();
            group.clear();
            Pending<?> first;
            try {
                first = deferred.isEmpty() ? queue.poll(IDLE_NANOS, TimeUnit.NANOSECONDS) : WAKE;
                if (first == WAKE && deferredCount.get() < maxGroupSize) {
                    first = queue.poll(GATHER_NANOS, TimeUnit.NANOSECONDS); // let more deferred works gather
                }
            } catch (InterruptedException e) {
                continue; // only shutdown stops the writer
            }
            if (first != null) {
                prompt.add(first);
            }
            queue.drainTo(prompt, maxGroupSize - prompt.size());
            prompt.removeIf(p -> p == WAKE);
            // the deferred works were queued first: their records keep that place in the chain
            Pending<?> d;
            while (group.size() + prompt.size() < maxGroupSize && (d = deferred.poll()) != null) {
                deferredCount.decrementAndGet();
                group.add(d);
            }
            int stop = prompt.indexOf(STOP);
            if (stop >= 0) {
                group.addAll(prompt.subList(0, stop));
                while ((d = deferred.poll()) != null) {
                    group.add(d); // queued before the stop
                }
                if (!group.isEmpty()) {
                    runGroup(group);
                }
                return;
            }
            group.addAll(prompt);
            if (!group.isEmpty()) {
                runGroup(group);
            }
        }
    }

    /**
     * Runs a group, again (at most {@link #MAX_ATTEMPTS} times, after a short pause) when it failed before
     * its commit was sent for a reason that another attempt can cure: the connection was lost, the
     * database refused a connection for now, or it reported a serialization failure or a deadlock. Nothing
     * of a failed attempt stayed (it was rolled back, or never reached the database), so its works run again
     * from the start. A failure while committing is never retried: the commit may have happened.
     */
    private void runGroup(List<Pending<?>> group) {
        for (int attempt = 1; ; attempt++) {
            Attempt outcome = attemptGroup(group);
            if (outcome == null) {
                return;
            }
            if (!outcome.committing() && retryable(outcome.failure()) && attempt < MAX_ATTEMPTS) {
                group.forEach(Pending::reset);
                retries.incrementAndGet();
                pause(RETRY_PAUSE_MILLIS << (attempt - 1));
                continue;
            }
            failedCommits.incrementAndGet();
            Throwable e = outcome.failure();
            StoreException failure = e instanceof StoreException se ? se
                    : new StoreException("store " + databaseName + ": commit of " + group.size()
                            + " write transaction(s) failed: " + e.getMessage(), e);
            for (Pending<?> p : group) {
                p.failIfSucceeded(failure);
                p.complete();
            }
            return;
        }
    }

    /** How an attempt failed: the failure, and whether the commit had been sent. */
    private record Attempt(Throwable failure, boolean committing) {}

    /** One attempt: null when the group committed (its callers are completed), else how it failed. */
    private Attempt attemptGroup(List<Pending<?>> group) {
        AuditRows.Mark groupStart = audit.mark();
        long started = System.nanoTime();
        Connection connection = null;
        boolean failed = true;
        boolean committing = false;
        try {
            connection = connections.writer();
            dialect.begin(connection);
            try {
                envelope.useCurrentKey(connection);
                audit.refresh(connection);
                int deferredFirst = 0;
                while (deferredFirst < group.size() && group.get(deferredFirst).deferred()) {
                    deferredFirst++;
                }
                runDeferred(connection, group.subList(0, deferredFirst));
                for (Pending<?> p : group.subList(deferredFirst, group.size())) {
                    runOne(connection, p);
                }
                audit.storeHead(connection);
                committing = true;
                dialect.commit(connection);
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly(connection);
                audit.groupRolledBack(groupStart);
                throw e;
            }
            failed = false;
        } catch (SQLException | RuntimeException | Error e) {
            return new Attempt(e, committing);
        } finally {
            if (failed) {
                statements.clear(); // the connection may be lost: prepare afresh on the next one
            }
            if (connection != null) {
                connections.releaseWriter(connection, failed);
            }
        }
        List<AuditRecord> durable = audit.committed();
        transactions.addAndGet(group.size());
        largestGroup = Math.max(largestGroup, group.size());
        commitNanos.addAndGet(System.nanoTime() - started);
        commits.incrementAndGet();
        group.forEach(Pending::complete);
        // forwarded once the callers have their answers: no caller waits for a forwarder, and a record
        // heard of is already out of the queue
        if (!durable.isEmpty()) {
            try {
                auditListener.committed(durable);
            } catch (RuntimeException ignored) {
                // forwarding is best effort; the records are stored
            }
        }
        return null;
    }

    /**
     * A failure another attempt may not meet: a lost or refused connection (SQLState class 08, 57P01 to
     * 57P03: the server shut down or is starting), a serialization failure (40001) or a deadlock (40P01).
     */
    static boolean retryable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException) {
                return true;
            }
            if (t instanceof SQLException e && e.getSQLState() != null) {
                String state = e.getSQLState();
                if (state.startsWith("08") || state.equals("40001") || state.equals("40P01")
                        || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
                    return true;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            // only shutdown stops the writer, and it lets queued works finish first
        }
    }

    /**
     * Runs the deferred works that open a group (audit records of reads, queued before the others) inside
     * one savepoint, rather than two per record. If one of them fails, even a statement its work caught,
     * they are all rolled back and run again each in its own savepoint, so that one failing record takes
     * no other with it.
     */
    private void runDeferred(Connection connection, List<Pending<?>> works) throws SQLException {
        if (works.size() < 2) {
            for (Pending<?> p : works) {
                runOne(connection, p);
            }
            return;
        }
        AuditRows.Mark before = audit.mark();
        statements.execute(connection, "SAVEPOINT records");
        boolean failed = false;
        for (Pending<?> p : works) {
            SqlTransaction tx = new SqlTransaction(connection, true, envelope, audit, statements).enclosed();
            try {
                p.run(tx);
            } finally {
                tx.finish();
            }
            if (p.failure != null || tx.failedStatement()) {
                failed = true;
                break;
            }
        }
        if (failed) {
            statements.execute(connection, "ROLLBACK TO records");
            audit.reset(before);
        }
        statements.execute(connection, "RELEASE records");
        if (failed) {
            for (Pending<?> p : works) {
                p.reset();
                runOne(connection, p);
            }
        }
    }

    /** Runs one work inside its savepoint; its own failure rolls back only its changes. */
    private void runOne(Connection connection, Pending<?> p) throws SQLException {
        SqlTransaction tx = new SqlTransaction(connection, true, envelope, audit, statements);
        AuditRows.Mark before = audit.mark();
        statements.execute(connection, "SAVEPOINT work");
        try {
            p.run(tx);
        } finally {
            tx.finish();
        }
        if (p.failure != null) {
            statements.execute(connection, "ROLLBACK TO work");
            audit.reset(before);
        }
        statements.execute(connection, "RELEASE work");
    }

    private void rollbackQuietly(Connection c) {
        try {
            dialect.rollback(c);
        } catch (SQLException ignored) {
            // the transaction is gone either way; the callers learn of the failure
        }
    }

    /** One caller's work and its outcome. */
    static final class Pending<T> {
        private final TransactionWork<WriteTransaction, T> work;
        private final CountDownLatch done = new CountDownLatch(1);
        private final Consumer<Throwable> whenDone;
        private T result;
        private Throwable failure;

        Pending(TransactionWork<WriteTransaction, T> work) {
            this(work, null);
        }

        /** A work no caller waits for: {@code whenDone} gets its failure (null on commit) instead. */
        Pending(TransactionWork<WriteTransaction, T> work, Consumer<Throwable> whenDone) {
            this.work = work;
            this.whenDone = whenDone;
        }

        /** Whether no caller waits for this work (see {@link GroupWriter#submitDeferred}). */
        boolean deferred() {
            return whenDone != null;
        }

        void run(WriteTransaction tx) {
            try {
                result = work.run(tx);
            } catch (Throwable t) {
                failure = t;
            }
        }

        /** Forgets the outcome of an attempt that was rolled back, before the work runs again. */
        void reset() {
            result = null;
            failure = null;
        }

        void failIfSucceeded(StoreException e) {
            if (failure == null) {
                result = null;
                failure = e;
            }
        }

        void complete() {
            done.countDown();
            if (whenDone != null) {
                whenDone.accept(failure);
            }
        }

        T await() throws KmipException {
            boolean interrupted = false;
            while (true) {
                try {
                    done.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the work may be running: wait for its outcome
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (failure == null) {
                return result;
            }
            if (failure instanceof KmipException k) {
                throw k;
            }
            if (failure instanceof RuntimeException r) {
                throw r;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            throw new StoreException("write transaction failed: " + failure.getClass().getSimpleName(), failure);
        }
    }
}
