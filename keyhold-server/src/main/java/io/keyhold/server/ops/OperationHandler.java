package io.keyhold.server.ops;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.ttlv.TtlvItem;

/**
 * Executes one KMIP operation. A handler reads its Request Payload (in the context's protocol version),
 * does the work through the context's store transactions and returns the Response Payload, written for
 * the same version. It fails only by throwing {@link KmipException} with the Result Reason; it never
 * catches exceptions, writes audit records or builds error responses: the dispatcher does all three.
 */
public interface OperationHandler {

    Operation operation();

    /** Returns the Response Payload structure (tag Response Payload). */
    TtlvItem handle(OperationContext context, TtlvItem requestPayload) throws KmipException;
}
