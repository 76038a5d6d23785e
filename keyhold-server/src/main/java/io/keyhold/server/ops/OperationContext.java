package io.keyhold.server.ops;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.server.audit.ItemAudit;
import io.keyhold.server.auth.AccessPolicy;
import io.keyhold.server.auth.Identity;
import io.keyhold.server.dispatch.RequestContext;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.ReadTransaction;
import io.keyhold.server.store.TransactionWork;
import io.keyhold.server.store.WriteTransaction;
import java.time.Clock;
import java.util.Objects;

/**
 * What a handler knows about the batch item it executes: the protocol version to read and answer in, the
 * client, the time, the store, and the ID Placeholder shared by the items of one batch.
 *
 * <p>Handlers reach the store only through {@link #read} and {@link #write}. When the dispatcher runs a
 * whole batch in one transaction (Batch Error Continuation Option Undo), those calls join it. Both note
 * the objects the item touches for its audit record, and every write appends that record inside its own
 * transaction, so a change never commits without its record.
 */
public final class OperationContext {
    private final KmipVersion version;
    private final RequestContext request;
    private final Clock clock;
    private final ObjectStore store;
    private final BatchState batch;
    private final WriteTransaction boundTransaction;
    private final Operation operation;
    private final AccessPolicy access;
    private final ItemAudit audit;

    /** A context for a handler run outside the dispatcher (tests), with no operation named. */
    public OperationContext(KmipVersion version, RequestContext request, Clock clock, ObjectStore store, BatchState batch,
                            WriteTransaction boundTransaction) {
        this(version, request, clock, store, batch, boundTransaction, null);
    }

    /** A context under the default access policy (owners and stored grants, no administrators or groups). */
    public OperationContext(KmipVersion version, RequestContext request, Clock clock, ObjectStore store, BatchState batch,
                            WriteTransaction boundTransaction, Operation operation) {
        this(version, request, clock, store, batch, boundTransaction, operation, AccessPolicy.DEFAULT);
    }

    public OperationContext(KmipVersion version, RequestContext request, Clock clock, ObjectStore store, BatchState batch,
                            WriteTransaction boundTransaction, Operation operation, AccessPolicy access) {
        this(version, request, clock, store, batch, boundTransaction, operation, access, ItemAudit.none());
    }

    /** A context for a batch item run by the dispatcher, recording into {@code audit}. */
    public OperationContext(KmipVersion version, RequestContext request, Clock clock, ObjectStore store, BatchState batch,
                            WriteTransaction boundTransaction, Operation operation, AccessPolicy access, ItemAudit audit) {
        this.audit = Objects.requireNonNull(audit, "audit");
        this.operation = operation;
        this.access = Objects.requireNonNull(access, "access");
        this.version = Objects.requireNonNull(version, "version");
        this.request = Objects.requireNonNull(request, "request");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.store = Objects.requireNonNull(store, "store");
        this.batch = Objects.requireNonNull(batch, "batch");
        this.boundTransaction = boundTransaction;
    }

    /** The request's protocol version: the payload is read in it and the answer must be written in it. */
    public KmipVersion version() {
        return version;
    }

    /** The operation of the batch item being executed; empty for a handler run outside the dispatcher. */
    public java.util.Optional<Operation> operation() {
        return java.util.Optional.ofNullable(operation);
    }

    /** True when the request's version is at least the given one. */
    public boolean atLeast(KmipVersion v) {
        return version.compareTo(v) >= 0;
    }

    public Identity identity() {
        return request.identity();
    }

    /** Who may use which object: every object a handler reads or changes is checked against it. */
    public AccessPolicy access() {
        return access;
    }

    public RequestContext request() {
        return request;
    }

    public Clock clock() {
        return clock;
    }

    /** Now, in whole POSIX seconds (the resolution of KMIP Date-Time). */
    public long now() {
        return clock.instant().getEpochSecond();
    }

    public <T> T read(TransactionWork<ReadTransaction, T> work) throws KmipException {
        if (boundTransaction != null) {
            return work.run(audit.observe((ReadTransaction) boundTransaction));
        }
        return store.read(tx -> work.run(audit.observe(tx)));
    }

    /** What this item's audit record should say besides its objects; set before {@link #write}. */
    public void auditDetail(String text) {
        audit.detail(text);
    }

    /**
     * Whether this item runs in its batch's one transaction (Batch Error Continuation Option Undo), whose
     * changes a later item's failure takes back.
     */
    public boolean inBatchTransaction() {
        return boundTransaction != null;
    }

    /**
     * Runs the work in a write transaction (or the batch's) and appends this item's audit record to the
     * same transaction once the work has returned: the change and its record commit together or not at all.
     */
    public <T> T write(TransactionWork<WriteTransaction, T> work) throws KmipException {
        if (boundTransaction != null) {
            T result = work.run(audit.observe(boundTransaction));
            audit.appendChange(boundTransaction);
            audit.committed(); // in the batch's transaction: the dispatcher rewrites it if the batch rolls back
            return result;
        }
        T result;
        try {
            result = store.write(tx -> {
                T r = work.run(audit.observe(tx));
                audit.appendChange(tx);
                return r;
            });
        } catch (KmipException | RuntimeException | Error e) {
            audit.rolledBack();
            throw e;
        }
        audit.committed();
        return result;
    }

    /**
     * The ID Placeholder: the Unique Identifier that the previous item of this batch created or named,
     * used when a request omits its Unique Identifier. Empty when none was set.
     */
    public java.util.Optional<String> idPlaceholder() {
        return java.util.Optional.ofNullable(batch.idPlaceholder);
    }

    /** Sets the ID Placeholder for the following items of the batch. */
    public void idPlaceholder(String uniqueIdentifier) {
        batch.idPlaceholder = uniqueIdentifier;
    }

    /** State shared by the items of one request message. */
    public static final class BatchState {
        private String idPlaceholder;
    }
}
