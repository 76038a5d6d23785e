package io.keyhold.server.ops.server;

import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.dispatch.AsyncResults;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Query Asynchronous Requests (KMIP 2.1 section 6.1): the client's own asynchronous requests the server
 * still keeps, oldest first, each as an Asynchronous Request structure (Asynchronous Correlation Value,
 * Operation, Submission Date, Processing Stage: Submitted while queued, In Process while running, Completed
 * once its result waits for Poll). Requests of other identities are never listed. The request may narrow the
 * answer to given Asynchronous Correlation Values and to given Operations: as KMIP 2.1 section 6.1.41 gives
 * them, inside an Asynchronous Correlation Values structure and an Operations structure (7.1, 7.25), or as
 * bare fields. Given both, a request must match both; without them every kept request is listed.
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
        Set<ByteBuffer> wantedValues = new HashSet<>();
        Set<Integer> wantedOperations = new HashSet<>();
        for (TtlvItem field : payload.children()) {
            if (field.tag() == Tag.ASYNCHRONOUS_CORRELATION_VALUE && field.type() == ItemType.BYTE_STRING) {
                wantedValues.add(ByteBuffer.wrap(field.bytesValue()));
            } else if (field.tag() == Tag.ASYNCHRONOUS_CORRELATION_VALUES && field.isStructure()) {
                field.childrenWith(Tag.ASYNCHRONOUS_CORRELATION_VALUE).forEach(v -> wantedValues.add(ByteBuffer.wrap(v.bytesValue())));
            } else if (field.tag() == Tag.OPERATIONS && field.isStructure()) {
                field.childrenWith(Tag.OPERATION).forEach(o -> wantedOperations.add(o.enumValue()));
            } else if (field.tag() == Tag.OPERATION && field.type() == ItemType.ENUMERATION) {
                wantedOperations.add(field.enumValue());
            }
        }
        List<TtlvItem> requests = new ArrayList<>();
        for (AsyncResults.Entry e : results.ownedBy(context.identity().name())) {
            byte[] acv = e.correlationValue();
            if (!wantedValues.isEmpty() && !wantedValues.contains(ByteBuffer.wrap(acv))
                    || !wantedOperations.isEmpty() && !wantedOperations.contains(e.operation())) {
                continue;
            }
            long micros = Math.addExact(Math.multiplyExact(e.submitted().getEpochSecond(), 1_000_000L), e.submitted().getNano() / 1000);
            requests.add(TtlvItem.structure(Tag.ASYNCHRONOUS_REQUEST,
                    TtlvItem.bytes(Tag.ASYNCHRONOUS_CORRELATION_VALUE, acv),
                    TtlvItem.enumeration(Tag.OPERATION, e.operation()),
                    TtlvItem.dateTimeExtended(Tag.SUBMISSION_DATE, micros),
                    TtlvItem.enumeration(Tag.PROCESSING_STAGE, e.stage().value())));
        }
        return TtlvItem.structure(Tag.RESPONSE_PAYLOAD, requests);
    }
}
