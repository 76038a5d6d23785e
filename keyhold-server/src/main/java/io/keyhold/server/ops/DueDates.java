package io.keyhold.server.ops;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.LocateQuery;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoredObject;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies Activation and Deactivation Dates when they arrive. Every operation that loads an object
 * already sees the state its dates call for ({@link Lifecycle#applyDueDates}); this keeps the stored
 * State right too, so that Locate by State finds an object whose date has come. Runs once a second by
 * default, a bounded number of objects per transaction.
 */
public final class DueDates implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DueDates.class);
    private static final int BATCH = 500;

    private final ObjectStore store;
    private final Clock clock;
    private final ScheduledExecutorService timer;

    private DueDates(ObjectStore store, Clock clock, long periodMillis) {
        this.store = store;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "keyhold-due-dates");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::runSafely, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** Starts applying due dates every {@code periodMillis}. */
    public static DueDates start(ObjectStore store, Clock clock, long periodMillis) {
        return new DueDates(store, clock, periodMillis);
    }

    private void runSafely() {
        try {
            applyNow();
        } catch (RuntimeException | KmipException e) {
            LOG.warn("applying due lifecycle dates failed: {}", e.toString());
        }
    }

    /** Applies every date that has come; returns how many objects changed state. */
    public int applyNow() throws KmipException {
        int total = 0;
        int changed;
        do {
            long now = clock.instant().getEpochSecond();
            // look first in a read transaction: a write costs a disk sync, and usually nothing is due
            boolean anyDue = store.read(tx -> !due(tx, State.PRE_ACTIVE, "Activation Date", now).isEmpty()
                    || !due(tx, State.ACTIVE, "Deactivation Date", now).isEmpty());
            if (!anyDue) {
                break;
            }
            changed = store.write(tx -> {
                int n = 0;
                for (String uid : due(tx, State.PRE_ACTIVE, "Activation Date", now)) {
                    n += update(tx, uid, now);
                }
                for (String uid : due(tx, State.ACTIVE, "Deactivation Date", now)) {
                    n += update(tx, uid, now);
                }
                return n;
            });
            total += changed;
        } while (changed >= BATCH);
        return total;
    }

    private static List<String> due(io.keyhold.server.store.ReadTransaction tx, State state, String date, long now) {
        return tx.locate(new LocateQuery(null, List.of(
                new LocateQuery.Equals("State", TtlvItem.enumeration(Tag.STATE, state.value())),
                new LocateQuery.Between(date, Long.MIN_VALUE, now)), EnumSet.allOf(StorageStatus.class), 0, BATCH));
    }

    private static int update(io.keyhold.server.store.WriteTransaction tx, String uid, long now) {
        Optional<StoredObject> o = tx.get(uid);
        if (o.isEmpty()) {
            return 0;
        }
        StoredObject applied = Lifecycle.applyDueDates(o.get(), now);
        if (applied == o.get()) {
            return 0;
        }
        tx.update(applied);
        return 1;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
