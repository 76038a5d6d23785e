package io.keyhold.protocol.message;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Batch Item of a request (KMIP 1.4 section 7.2, 2.1 section 8.3). The operation is kept as its raw
 * value so that an operation this library does not know can be answered with Operation Not Supported.
 *
 * @param operationValue    Operation enumeration value
 * @param ephemeral         Ephemeral (2.0+), null when absent
 * @param uniqueBatchItemId Unique Batch Item ID, null when absent
 * @param payload           Request Payload, kept as a tree for the operation's handler
 * @param messageExtension  Message Extension, null when absent
 */
public record RequestBatchItem(int operationValue, Boolean ephemeral, byte[] uniqueBatchItemId, TtlvItem payload,
                               MessageExtension messageExtension) {

    public RequestBatchItem {
        uniqueBatchItemId = uniqueBatchItemId == null ? null : uniqueBatchItemId.clone();
    }

    public static RequestBatchItem of(Operation operation, TtlvItem payload) {
        return new RequestBatchItem(operation.value(), null, null, payload, null);
    }

    /** The operation, or empty when the value is not one of the spec table's. */
    public Optional<Operation> operation() {
        return Operation.fromValue(operationValue);
    }

    @Override
    public byte[] uniqueBatchItemId() {
        return uniqueBatchItemId == null ? null : uniqueBatchItemId.clone();
    }

    static RequestBatchItem from(Fields parent, TtlvItem item) throws KmipException {
        Fields f = parent.nested(item);
        return new RequestBatchItem(
                f.required(Tag.OPERATION, ItemType.ENUMERATION).enumValue(),
                f.optional(Tag.EPHEMERAL, ItemType.BOOLEAN).map(TtlvItem::booleanValue).orElse(null),
                f.optional(Tag.UNIQUE_BATCH_ITEM_ID, ItemType.BYTE_STRING).map(TtlvItem::bytesValue).orElse(null),
                f.required(Tag.REQUEST_PAYLOAD, ItemType.STRUCTURE),
                f.optional(Tag.MESSAGE_EXTENSION, ItemType.STRUCTURE).isPresent()
                        ? MessageExtension.from(f, f.required(Tag.MESSAGE_EXTENSION, ItemType.STRUCTURE)) : null);
    }

    TtlvItem toTtlv() {
        List<TtlvItem> c = new ArrayList<>();
        c.add(TtlvItem.enumeration(Tag.OPERATION, operationValue));
        if (ephemeral != null) {
            c.add(TtlvItem.bool(Tag.EPHEMERAL, ephemeral));
        }
        if (uniqueBatchItemId != null) {
            c.add(TtlvItem.bytes(Tag.UNIQUE_BATCH_ITEM_ID, uniqueBatchItemId));
        }
        c.add(payload);
        if (messageExtension != null) {
            c.add(messageExtension.toTtlv());
        }
        return TtlvItem.structure(Tag.BATCH_ITEM, c);
    }
}
