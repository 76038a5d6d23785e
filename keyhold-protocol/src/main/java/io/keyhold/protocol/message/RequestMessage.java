package io.keyhold.protocol.message;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.ArrayList;
import java.util.List;

/**
 * Request Message (KMIP 1.4 section 7.1, 2.1 section 8.1): a header and one or more batch items.
 * {@link #from(TtlvItem)} maps a decoded tree, failing with Invalid Message where the structure is
 * wrong; payloads stay trees, mapped by each operation's handler.
 */
public record RequestMessage(RequestHeader header, List<RequestBatchItem> batchItems) {

    public RequestMessage {
        batchItems = List.copyOf(batchItems);
    }

    public static RequestMessage from(TtlvItem tree) throws KmipException {
        Fields f = Fields.of(tree, Tag.REQUEST_MESSAGE);
        RequestHeader header = RequestHeader.from(f, f.required(Tag.REQUEST_HEADER, ItemType.STRUCTURE));
        List<RequestBatchItem> items = new ArrayList<>();
        for (TtlvItem item : f.all(Tag.BATCH_ITEM, ItemType.STRUCTURE)) {
            items.add(RequestBatchItem.from(f, item));
        }
        if (items.isEmpty()) {
            throw Fields.invalid("Request Message: no Batch Item");
        }
        if (header.batchCount() != items.size()) {
            throw Fields.invalid("Request Message: Batch Count " + header.batchCount() + " but " + items.size()
                    + " Batch Item" + (items.size() == 1 ? "" : "s"));
        }
        return new RequestMessage(header, items);
    }

    public TtlvItem toTtlv() {
        List<TtlvItem> c = new ArrayList<>(batchItems.size() + 1);
        c.add(header.toTtlv());
        for (RequestBatchItem item : batchItems) {
            c.add(item.toTtlv());
        }
        return TtlvItem.structure(Tag.REQUEST_MESSAGE, c);
    }
}
