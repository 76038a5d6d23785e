package io.keyhold.server.ops.server;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.dispatch.AsyncResults;
import io.keyhold.server.dispatch.ItemResult;
import io.keyhold.server.dispatch.ItemResultHandler;
import io.keyhold.server.ops.OperationContext;

/**
 * Poll (KMIP 1.4 section 4.28, 2.1 section 6.1): the final result of an asynchronous item in place of
 * the Poll's own (status, reason, message and payload of the original operation), or Operation Pending
 * while it runs. Only the identity that started it may poll it; any other correlation value is unknown
 * (Invalid Asynchronous Correlation Value in 2.x, Item Not Found in 1.x).
 */
public final class PollHandler implements ItemResultHandler {
    private final AsyncResults results;

    public PollHandler(AsyncResults results) {
        this.results = results;
    }

    @Override
    public Operation operation() {
        return Operation.POLL;
    }

    @Override
    public ItemResult execute(OperationContext context, TtlvItem payload) throws KmipException {
        byte[] acv = Payloads.required(payload, Tag.ASYNCHRONOUS_CORRELATION_VALUE, ItemType.BYTE_STRING).bytesValue();
        AsyncResults.Entry entry = results.find(context.identity().name(), acv)
                .orElseThrow(() -> new KmipException(Payloads.notFoundReason(context.version()),
                        "no asynchronous operation with this Asynchronous Correlation Value"));
        return entry.result().orElseGet(() -> new ItemResult(ResultStatus.OPERATION_PENDING, null, null, acv, null));
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        TtlvItem p = execute(context, payload).payload();
        return p != null ? p : TtlvItem.structure(Tag.RESPONSE_PAYLOAD);
    }
}
