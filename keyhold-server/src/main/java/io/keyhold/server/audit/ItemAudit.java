package io.keyhold.server.audit;

import io.keyhold.server.dispatch.RequestContext;
import io.keyhold.server.store.ReadTransaction;
import io.keyhold.server.store.WriteTransaction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The audit state of one batch item while it runs: the objects it touched and whether a record of it
 * has already gone into a write transaction. {@link io.keyhold.server.ops.OperationContext} passes every
 * transaction through {@link #observe} and calls {@link #appendChange} at the end of each write, so the
 * record of an item that changes the store commits or vanishes with the change.
 */
public final class ItemAudit {
    private static final ItemAudit NONE = new ItemAudit(null, null, null, null);

    private final AuditRecorder recorder;
    private final RequestContext request;
    private final String protocolVersion;
    private final String operation;
    private final Set<String> objects = new LinkedHashSet<>();
    private int committedRecords;
    private boolean pending;
    private boolean denied;
    private String detail;

    ItemAudit(AuditRecorder recorder, RequestContext request, String protocolVersion, String operation) {
        this.recorder = recorder;
        this.request = request;
        this.protocolVersion = protocolVersion;
        this.operation = operation;
    }

    /** No auditing: for handlers run outside the dispatcher (tests). */
    public static ItemAudit none() {
        return NONE;
    }

    public ReadTransaction observe(ReadTransaction tx) {
        return this == NONE ? tx : new ObservedTransaction(tx, null, this);
    }

    public WriteTransaction observe(WriteTransaction tx) {
        return this == NONE ? tx : new ObservedTransaction(tx, tx, this);
    }

    /**
     * Appends this item's record, as a success, to the write transaction its change is in. Call after the
     * handler's work has returned, inside the same transaction; then {@link #committed} or {@link
     * #rolledBack} once the transaction's fate is known.
     */
    public void appendChange(WriteTransaction tx) {
        if (this == NONE) {
            return;
        }
        tx.appendAudit(event(recorder.now(), AuditRecorder.SUCCESS, null));
        pending = true;
    }

    /** The transaction holding the record committed (or, in an Undo batch, the record is in the batch's transaction). */
    public void committed() {
        if (pending) {
            committedRecords++;
            pending = false;
        }
    }

    /** The transaction holding the record was rolled back: the record is gone with it. */
    public void rolledBack() {
        pending = false;
    }

    /** True when a record of this item is already in a committed (or the batch's) transaction. */
    public boolean recorded() {
        return committedRecords > 0;
    }

    /**
     * The item failed because the client may not use an object it names: it is answered as if the object
     * were missing, and its record says {@link AuditEvent#ACCESS_DENIED}.
     */
    public void denied() {
        if (this != NONE) {
            denied = true;
        }
    }

    /**
     * What the record of this item says besides its objects if it succeeds (the certificate Re-Provision
     * retired, for example). Never key material or other secrets: records are kept and forwarded.
     */
    public void detail(String text) {
        if (this != NONE) {
            detail = text;
        }
    }

    void involved(String uniqueIdentifier) {
        if (uniqueIdentifier != null) {
            objects.add(uniqueIdentifier);
        }
    }

    /** This item's record with the given outcome. */
    AuditEvent event(Instant time, String status, String reason) {
        List<String> first = new ArrayList<>(Math.min(objects.size(), AuditEvent.MAX_IDENTIFIERS));
        for (String uid : objects) {
            if (first.size() == AuditEvent.MAX_IDENTIFIERS) {
                break;
            }
            first.add(uid);
        }
        return new AuditEvent(time, request.identity().name(), request.remoteAddress(), protocolVersion, operation,
                first, objects.size(), status, reason, denied ? AuditEvent.ACCESS_DENIED
                : AuditRecorder.SUCCESS.equals(status) ? detail : null);
    }
}
