package io.keyhold.server.store;

import io.keyhold.protocol.KmipException;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.audit.AuditListener;
import java.util.List;

/**
 * Where managed objects live. Implementations: SQLite (the embedded default) and, later, PostgreSQL;
 * {@link io.keyhold.server.store.memory.InMemoryObjectStore} for tests.
 *
 * <p>{@link #write} is durable: when it returns, the transaction has reached the disk (an implementation
 * may commit several waiting transactions with one sync, but never acknowledges before that sync). Write
 * transactions are serializable: a read-modify-write inside one sees no concurrent change. Reads see the
 * last committed state. Thread-safe.
 */
public interface ObjectStore extends AutoCloseable {

    <T> T read(TransactionWork<ReadTransaction, T> work) throws KmipException;

    /**
     * Runs the work in a write transaction and commits it. If the work throws a {@link KmipException} (or
     * any runtime exception), its changes are rolled back and the exception is rethrown; other
     * transactions committed in the same group are not affected.
     */
    <T> T write(TransactionWork<WriteTransaction, T> work) throws KmipException;

    /**
     * Appends audit records in a transaction of their own, for items that changed nothing (reads,
     * failures). They commit with the next group of writes, without a sync of their own. With {@code
     * waitForCommit} this returns once they are durable; without it, once they are queued (the queue is
     * bounded: a full queue makes the caller wait, never drops a record). Records of changes go into the
     * change's transaction instead: {@link WriteTransaction#appendAudit}.
     */
    void appendAudit(List<AuditEvent> events, boolean waitForCommit) throws KmipException;

    /** Sets who is told of audit records after they commit (at most one listener; replaces the previous one). */
    void auditListener(AuditListener listener);

    /**
     * Holds the cluster-wide right to run a task (such as a round of scheduled rotation) until the returned
     * hold is closed: empty when another holder (another node on the same database) has it now. Every node on
     * one database sees the same holds. The default, for a store that only one process uses, always holds.
     */
    default java.util.Optional<Exclusive> tryExclusive(String task) {
        return java.util.Optional.of(() -> { });
    }

    /**
     * Whether a read is answered from this process and its own disk in microseconds, never waiting on a
     * network or a device: then a short read may run on a connection's event loop (see {@code
     * RequestProcessor#quick}). False by default.
     */
    default boolean readsLocally() {
        return false;
    }

    /** A cluster-wide hold from {@link #tryExclusive}; closing it lets others have it. */
    interface Exclusive extends AutoCloseable {
        @Override
        void close();
    }

    /** Finishes the transactions in progress, then releases the database. Idempotent. */
    @Override
    void close();
}
