package io.keyhold.server.dispatch;

import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;

/**
 * What the {@link KmipDispatcher} tells monitoring about the requests it answers: the outcome of each
 * batch item (its Operation, Result Status and Result Reason) and of each request message refused as a
 * whole before any item ran. Called on the thread that answered, on every request: implementations must be
 * quick, thread-safe and must not throw.
 */
public interface DispatchObserver {
    /** Observes nothing (the dispatcher's default). */
    DispatchObserver NONE = new DispatchObserver() {
        @Override
        public void itemDone(Operation operation, ResultStatus status, ResultReason reason, long nanos) {
        }
    };

    /**
     * One batch item answered.
     *
     * @param operation the item's Operation; null when the client sent a value that is no known operation
     * @param status    the Result Status answered: Operation Pending for an item of an asynchronous request
     *                  (which is observed again, with its outcome, when it has run in the background);
     *                  Operation Undone for an item of an Undo batch rolled back after a later item failed
     * @param reason    the Result Reason when the item failed, else null
     * @param nanos     the time from the start of the item until its answer was ready (audit record
     *                  included); every item of an Undo batch takes the batch's time, since none is done
     *                  before its transaction commits
     */
    void itemDone(Operation operation, ResultStatus status, ResultReason reason, long nanos);

    /** A request message answered with a failure as a whole, no batch item run (unreadable, over a limit...). */
    default void messageRefused(ResultReason reason) {
    }
}
