package io.keyhold.server.ops.server;

import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ProcessingStage;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.dispatch.AsyncResults;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import java.util.ArrayList;
import java.util.List;

/**
 * Query Asynchronous Requests (KMIP 2.1 section 6.1): the Asynchronous Correlation Values of the client's
 * own asynchronous requests that are still pending (queued or running), oldest first, in one Asynchronous
 * Correlation Values structure; an empty structure when there are none. Requests of other identities are
 * never listed, and finished ones are not pending: their result is collected with Poll. The request
 * payload has no fields.
 */
public final class QueryAsynchronousRequestsHandler implements OperationHandler {
    private final AsyncResults results;

    public QueryAsynchronousRequestsHandler(AsyncResults results) {
        this.results = results;
    }

    @Override
    public Operation operation() {
        return Operation.QUERY_ASYNCHRONOUS_REQUESTS;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) {
        List<TtlvItem> values = new ArrayList<>();
        for (AsyncResults.Entry e : results.ownedBy(context.identity().name())) {
            if (e.stage() != ProcessingStage.COMPLETED) {
                values.add(TtlvItem.bytes(Tag.ASYNCHRONOUS_CORRELATION_VALUE, e.correlationValue()));
            }
        }
        return TtlvItem.structure(Tag.RESPONSE_PAYLOAD, TtlvItem.structure(Tag.ASYNCHRONOUS_CORRELATION_VALUES, values));
    }
}
