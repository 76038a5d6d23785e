package io.keyhold.protocol.message;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.ArrayList;
import java.util.List;

/**
 * A Batch Item of a response (KMIP 1.4 section 7.3, 2.1 section 8.3). Optional fields are null when
 * absent.
 *
 * @param operationValue               Operation (required when the request had it)
 * @param uniqueBatchItemId            Unique Batch Item ID, echoed from the request
 * @param resultStatus                 Result Status value
 * @param resultReason                 Result Reason value (required when the status is Operation Failed)
 * @param resultMessage                Result Message
 * @param asynchronousCorrelationValue Asynchronous Correlation Value (status Operation Pending)
 * @param payload                      Response Payload
 * @param messageExtension             Message Extension
 */
public record ResponseBatchItem(Integer operationValue, byte[] uniqueBatchItemId, int resultStatus, Integer resultReason,
                                String resultMessage, byte[] asynchronousCorrelationValue, TtlvItem payload,
                                MessageExtension messageExtension) {

    public ResponseBatchItem {
        uniqueBatchItemId = uniqueBatchItemId == null ? null : uniqueBatchItemId.clone();
        asynchronousCorrelationValue = asynchronousCorrelationValue == null ? null : asynchronousCorrelationValue.clone();
    }

    /** A successful item. */
    public static ResponseBatchItem success(Operation operation, byte[] uniqueBatchItemId, TtlvItem payload) {
        return new ResponseBatchItem(operation.value(), uniqueBatchItemId, ResultStatus.SUCCESS.value(), null, null, null,
                payload, null);
    }

    /** A failed item: Operation Failed with the reason and a message for the client. */
    public static ResponseBatchItem failure(Integer operationValue, byte[] uniqueBatchItemId, ResultReason reason,
                                            String message) {
        return new ResponseBatchItem(operationValue, uniqueBatchItemId, ResultStatus.OPERATION_FAILED.value(),
                reason.value(), message, null, null, null);
    }

    @Override
    public byte[] uniqueBatchItemId() {
        return uniqueBatchItemId == null ? null : uniqueBatchItemId.clone();
    }

    @Override
    public byte[] asynchronousCorrelationValue() {
        return asynchronousCorrelationValue == null ? null : asynchronousCorrelationValue.clone();
    }

    static ResponseBatchItem from(Fields parent, TtlvItem item) throws KmipException {
        Fields f = parent.nested(item);
        return new ResponseBatchItem(
                f.optional(Tag.OPERATION, ItemType.ENUMERATION).map(TtlvItem::enumValue).orElse(null),
                f.optional(Tag.UNIQUE_BATCH_ITEM_ID, ItemType.BYTE_STRING).map(TtlvItem::bytesValue).orElse(null),
                f.required(Tag.RESULT_STATUS, ItemType.ENUMERATION).enumValue(),
                f.optional(Tag.RESULT_REASON, ItemType.ENUMERATION).map(TtlvItem::enumValue).orElse(null),
                f.optional(Tag.RESULT_MESSAGE, ItemType.TEXT_STRING).map(TtlvItem::textValue).orElse(null),
                f.optional(Tag.ASYNCHRONOUS_CORRELATION_VALUE, ItemType.BYTE_STRING).map(TtlvItem::bytesValue).orElse(null),
                f.optional(Tag.RESPONSE_PAYLOAD, ItemType.STRUCTURE).orElse(null),
                f.optional(Tag.MESSAGE_EXTENSION, ItemType.STRUCTURE).isPresent()
                        ? MessageExtension.from(f, f.required(Tag.MESSAGE_EXTENSION, ItemType.STRUCTURE)) : null);
    }

    TtlvItem toTtlv() {
        List<TtlvItem> c = new ArrayList<>();
        if (operationValue != null) {
            c.add(TtlvItem.enumeration(Tag.OPERATION, operationValue));
        }
        if (uniqueBatchItemId != null) {
            c.add(TtlvItem.bytes(Tag.UNIQUE_BATCH_ITEM_ID, uniqueBatchItemId));
        }
        c.add(TtlvItem.enumeration(Tag.RESULT_STATUS, resultStatus));
        if (resultReason != null) {
            c.add(TtlvItem.enumeration(Tag.RESULT_REASON, resultReason));
        }
        if (resultMessage != null) {
            c.add(TtlvItem.text(Tag.RESULT_MESSAGE, resultMessage));
        }
        if (asynchronousCorrelationValue != null) {
            c.add(TtlvItem.bytes(Tag.ASYNCHRONOUS_CORRELATION_VALUE, asynchronousCorrelationValue));
        }
        if (payload != null) {
            c.add(payload);
        }
        if (messageExtension != null) {
            c.add(messageExtension.toTtlv());
        }
        return TtlvItem.structure(Tag.BATCH_ITEM, c);
    }
}
