package io.keyhold.client;

import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ProcessingStage;
import java.time.Instant;
import java.util.HexFormat;

/**
 * One of the client's asynchronous requests as Query Asynchronous Requests (KMIP 2.1) lists it.
 *
 * @param correlationValue Asynchronous Correlation Value, to poll or cancel it with
 * @param operation        Operation
 * @param submissionDate   Submission Date
 * @param stage            Processing Stage: Submitted, In Process or Completed
 */
public record AsynchronousRequest(byte[] correlationValue, Operation operation, Instant submissionDate,
                                  ProcessingStage stage) {
    public AsynchronousRequest {
        correlationValue = correlationValue.clone();
    }

    @Override
    public byte[] correlationValue() {
        return correlationValue.clone();
    }

    @Override
    public String toString() {
        return "AsynchronousRequest[" + HexFormat.of().formatHex(correlationValue) + ", " + operation.specName() + ", "
                + submissionDate + ", " + stage.specName() + "]";
    }
}
