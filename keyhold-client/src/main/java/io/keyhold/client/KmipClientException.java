package io.keyhold.client;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import java.util.Optional;

/**
 * The server answered a request with a Result Status other than Success (KMIP 1.4 section 6.9, 2.1 section
 * 11.x): {@link #resultReason()} is the Result Reason it gave (General Failure when it gave none, or one this
 * library does not know, whose raw value {@link #resultReasonValue()} keeps) and {@link #resultMessage()} its
 * Result Message. Never raised for a failure to reach the server; see {@link KmipTransportException}.
 */
public final class KmipClientException extends KmipException {
    private static final long serialVersionUID = 1L;

    private final Operation operation;
    private final int resultStatus;
    private final int resultReasonValue;
    private final String resultMessage;

    /**
     * @param operation         the operation that failed, or null for a request of several batch items
     * @param resultStatus      the Result Status value (Operation Failed, Operation Pending, Operation Undone)
     * @param resultReasonValue the Result Reason value sent, or -1 when there was none
     * @param resultMessage     the Result Message sent, or null
     */
    public KmipClientException(Operation operation, int resultStatus, int resultReasonValue, String resultMessage) {
        super(reasonOf(resultReasonValue), describe(operation, resultStatus, resultReasonValue, resultMessage));
        this.operation = operation;
        this.resultStatus = resultStatus;
        this.resultReasonValue = resultReasonValue;
        this.resultMessage = resultMessage;
    }

    private static ResultReason reasonOf(int value) {
        return value < 0 ? ResultReason.GENERAL_FAILURE : ResultReason.fromValue(value).orElse(ResultReason.GENERAL_FAILURE);
    }

    private static String describe(Operation operation, int status, int reason, String message) {
        StringBuilder sb = new StringBuilder(operation == null ? "request" : operation.specName()).append(" failed: ");
        if (status != ResultStatus.OPERATION_FAILED.value()) {
            sb.append(ResultStatus.fromValue(status).map(ResultStatus::specName).orElse("Result Status " + status)).append(", ");
        }
        sb.append(reason < 0 ? "no Result Reason"
                : ResultReason.fromValue(reason).map(ResultReason::specName).orElse(String.format("Result Reason 0x%08X", reason)));
        if (message != null && !message.isEmpty()) {
            sb.append(" (").append(message).append(')');
        }
        return sb.toString();
    }

    /** The Result Reason the server gave; General Failure when it gave none or an unknown one. */
    public ResultReason resultReason() {
        return reason();
    }

    /** The raw Result Reason value, or -1 when the response carried none. */
    public int resultReasonValue() {
        return resultReasonValue;
    }

    /** The server's Result Message, if it sent one. */
    public Optional<String> resultMessage() {
        return Optional.ofNullable(resultMessage);
    }

    /** The Result Status value (1 Operation Failed, 2 Operation Pending, 3 Operation Undone). */
    public int resultStatus() {
        return resultStatus;
    }

    /** The operation that failed; empty for a request of several batch items. */
    public Optional<Operation> operation() {
        return Optional.ofNullable(operation);
    }

    /** True when the Result Reason is the given one. */
    public boolean is(ResultReason reason) {
        return resultReason() == reason;
    }
}
