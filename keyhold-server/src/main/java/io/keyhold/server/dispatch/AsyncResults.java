package io.keyhold.server.dispatch;

import io.keyhold.protocol.spec.CancellationResult;
import io.keyhold.protocol.spec.ProcessingStage;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The batch items running or finished in the background (requests with Asynchronous Indicator true),
 * keyed by their Asynchronous Correlation Value. Each belongs to the identity that sent it: another
 * identity neither sees nor cancels it. Bounded in number; a finished result is kept for the retention
 * period, then forgotten. Thread-safe.
 */
public final class AsyncResults {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int maxEntries;
    private final Duration retention;
    private final Clock clock;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    public AsyncResults(int maxEntries, Duration retention, Clock clock) {
        this.maxEntries = maxEntries;
        this.retention = retention;
        this.clock = clock;
    }

    /** Registers a new pending item of the operation, or returns empty when the limit is reached. */
    synchronized Optional<Entry> register(String owner, int operation) {
        purgeExpired();
        if (entries.size() >= maxEntries) {
            return Optional.empty();
        }
        byte[] acv = new byte[16];
        RANDOM.nextBytes(acv);
        Entry e = new Entry(owner, acv, operation, clock.instant());
        entries.put(HexFormat.of().formatHex(acv), e);
        return Optional.of(e);
    }

    synchronized void remove(Entry e) {
        entries.remove(HexFormat.of().formatHex(e.correlationValue));
    }

    /** The item with this correlation value if it belongs to the owner. */
    public synchronized Optional<Entry> find(String owner, byte[] correlationValue) {
        purgeExpired();
        Entry e = entries.get(HexFormat.of().formatHex(correlationValue));
        return e != null && e.owner.equals(owner) ? Optional.of(e) : Optional.empty();
    }

    /** The items of this owner still kept (queued, running, or finished and not yet forgotten), oldest first. */
    public synchronized List<Entry> ownedBy(String owner) {
        purgeExpired();
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.owner.equals(owner)) {
                out.add(e);
            }
        }
        return out;
    }

    /** Number of items kept. */
    public synchronized int size() {
        purgeExpired();
        return entries.size();
    }

    private void purgeExpired() {
        long now = clock.millis();
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            Long done = e.finishedAtMillis();
            if (done != null && now - done > retention.toMillis()) {
                it.remove();
            }
        }
    }

    /** One background batch item. */
    public final class Entry {
        private final String owner;
        private final byte[] correlationValue;
        private final int operation;
        private final java.time.Instant submitted;
        private State state = State.QUEUED;
        private ItemResult result;
        private Long finishedAtMillis;

        private Entry(String owner, byte[] correlationValue, int operation, java.time.Instant submitted) {
            this.owner = owner;
            this.correlationValue = correlationValue;
            this.operation = operation;
            this.submitted = submitted;
        }

        public byte[] correlationValue() {
            return correlationValue.clone();
        }

        /** The Operation of the batch item (its enumeration value). */
        public int operation() {
            return operation;
        }

        /** When the request was accepted. */
        public java.time.Instant submitted() {
            return submitted;
        }

        /**
         * Waits until the item is finished or canceled, at most {@code timeout}; true when it is.
         *
         * @throws InterruptedException when the waiting thread is interrupted
         */
        public synchronized boolean awaitCompletion(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (result == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }

        /** The final result, or empty while the item is queued or running. */
        public synchronized Optional<ItemResult> result() {
            return Optional.ofNullable(result);
        }

        /** Where the item is: queued (Submitted), running (In Process), or finished or canceled (Completed). */
        public synchronized ProcessingStage stage() {
            return switch (state) {
                case QUEUED -> ProcessingStage.SUBMITTED;
                case RUNNING -> ProcessingStage.IN_PROCESS;
                case DONE, CANCELED -> ProcessingStage.COMPLETED;
            };
        }

        /** Marks the item running; false when it was canceled first. */
        synchronized boolean start() {
            if (state != State.QUEUED) {
                return false;
            }
            state = State.RUNNING;
            return true;
        }

        synchronized void complete(ItemResult r) {
            if (result == null) {
                result = r;
                state = State.DONE;
                finishedAtMillis = clock.millis();
                notifyAll();
            }
        }

        /** Cancels the item if it has not started (KMIP Cancel); the outcome as a Cancellation Result. */
        public synchronized CancellationResult cancel(ItemResult canceledResult) {
            switch (state) {
                case QUEUED -> {
                    state = State.CANCELED;
                    result = canceledResult;
                    finishedAtMillis = clock.millis();
                    notifyAll();
                    return CancellationResult.CANCELED;
                }
                case RUNNING -> {
                    return CancellationResult.UNABLE_TO_CANCEL;
                }
                case CANCELED -> {
                    return CancellationResult.CANCELED;
                }
                default -> {
                    return result.status() == io.keyhold.protocol.spec.ResultStatus.OPERATION_FAILED
                            ? CancellationResult.FAILED : CancellationResult.COMPLETED;
                }
            }
        }

        private synchronized Long finishedAtMillis() {
            return finishedAtMillis;
        }
    }

    private enum State { QUEUED, RUNNING, DONE, CANCELED }
}
