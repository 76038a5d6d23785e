package io.keyhold.server.audit;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.server.dispatch.RequestContext;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.WriteTransaction;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes the audit record of every request batch item, and of every message refused before any item
 * ran, into the store's audit log.
 *
 * <p>An item that changes the store gets its record inside the transaction of the change ({@link
 * ItemAudit#appendChange}); every other item (reads, failures whose changes were rolled back) gets its
 * record here, in a transaction of its own queued to the store's writer. Such records cost no sync of
 * their own: they commit with the next group. With {@code durableReads} the caller waits for that commit;
 * without it the answer may leave before the record is on disk (a crash in that window loses the
 * records of the last reads answered, never of a change). The store's queue is bounded: when it is full,
 * callers wait rather than records being dropped.
 */
public final class AuditRecorder {
    static final String SUCCESS = ResultStatus.SUCCESS.specName();

    private final ObjectStore store;
    private final Clock clock;
    private final boolean durableReads;

    public AuditRecorder(ObjectStore store, Clock clock, boolean durableReads) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.durableReads = durableReads;
    }

    /** The audit state of one batch item about to run. */
    public ItemAudit item(RequestContext request, KmipVersion version, String operation) {
        return new ItemAudit(this, request, version == null ? null : version.toString(), operation);
    }

    /**
     * Records an item that ran on its own (not in an Undo batch), unless the transaction of its change
     * already carried its record. An item that failed after a change of it committed gets a second record
     * with the failure, so the log never shows less than what happened.
     *
     * @throws KmipException when the record cannot be stored
     */
    public void finish(ItemAudit item, ResultStatus status, Integer reason) throws KmipException {
        if (item == ItemAudit.none() || (item.recorded() && status != ResultStatus.OPERATION_FAILED)) {
            return;
        }
        store.appendAudit(List.of(item.event(now(), status.specName(), reasonName(reason))), durableReads);
    }

    /** Records an item of an Undo batch inside the batch's transaction (commits or vanishes with it). */
    public void appendInside(WriteTransaction tx, ItemAudit item, ResultStatus status, Integer reason) {
        if (item == ItemAudit.none()) {
            return;
        }
        tx.appendAudit(item.event(now(), status.specName(), reasonName(reason)));
    }

    /** Records an item whose earlier record was rolled back with its batch (Undo), with its final outcome. */
    public void recordAlone(List<ItemAudit> items, List<ResultStatus> statuses, List<Integer> reasons) throws KmipException {
        Instant now = now();
        List<AuditEvent> events = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i) != ItemAudit.none()) {
                events.add(items.get(i).event(now, statuses.get(i).specName(), reasonName(reasons.get(i))));
            }
        }
        if (!events.isEmpty()) {
            store.appendAudit(events, durableReads);
        }
    }

    /** Records a message refused as a whole, before any of its items ran. */
    public void refused(RequestContext request, KmipVersion version, ResultReason reason) throws KmipException {
        store.appendAudit(List.of(new AuditEvent(now(), request.identity().name(), request.remoteAddress(),
                version == null ? null : version.toString(), null, List.of(), 0,
                ResultStatus.OPERATION_FAILED.specName(), reason.specName(), null)), durableReads);
    }

    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    static String reasonName(Integer reason) {
        if (reason == null) {
            return null;
        }
        return ResultReason.fromValue(reason).map(ResultReason::specName).orElse(String.format("0x%08X", reason));
    }
}
