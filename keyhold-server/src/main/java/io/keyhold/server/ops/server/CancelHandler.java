package io.keyhold.server.ops.server;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.CancellationResult;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.dispatch.AsyncResults;
import io.keyhold.server.dispatch.ItemResult;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;

/**
 * Cancel (KMIP 1.4 section 4.27, 2.1 section 6.1): cancels an asynchronous item that has not started
 * (Canceled); one running is Unable to Cancel, one finished is Completed or Failed. A later Poll of a
 * canceled item answers Operation Canceled By Requester.
 */
public final class CancelHandler implements OperationHandler {
    private final AsyncResults results;

    public CancelHandler(AsyncResults results) {
        this.results = results;
    }

    @Override
    public Operation operation() {
        return Operation.CANCEL;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        byte[] acv = Payloads.required(payload, Tag.ASYNCHRONOUS_CORRELATION_VALUE, ItemType.BYTE_STRING).bytesValue();
        AsyncResults.Entry entry = results.find(context.identity().name(), acv)
                .orElseThrow(() -> new KmipException(Payloads.notFoundReason(context.version()),
                        "no asynchronous operation with this Asynchronous Correlation Value"));
        CancellationResult outcome = entry.cancel(new ItemResult(ResultStatus.OPERATION_FAILED,
                ResultReason.OPERATION_CANCELED_BY_REQUESTER, "canceled by the client", null, null));
        return TtlvItem.structure(Tag.RESPONSE_PAYLOAD,
                TtlvItem.bytes(Tag.ASYNCHRONOUS_CORRELATION_VALUE, acv),
                TtlvItem.enumeration(Tag.CANCELLATION_RESULT, outcome.value()));
    }
}
