package io.keyhold.protocol.message;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.ArrayList;
import java.util.List;

/** Response Message (KMIP 1.4 section 7.1, 2.1 section 8.1): a header and its batch items. */
public record ResponseMessage(ResponseHeader header, List<ResponseBatchItem> batchItems) {

    public ResponseMessage {
        batchItems = List.copyOf(batchItems);
    }

    public static ResponseMessage from(TtlvItem tree) throws KmipException {
        Fields f = Fields.of(tree, Tag.RESPONSE_MESSAGE);
        ResponseHeader header = ResponseHeader.from(f, f.required(Tag.RESPONSE_HEADER, ItemType.STRUCTURE));
        List<ResponseBatchItem> items = new ArrayList<>();
        for (TtlvItem item : f.all(Tag.BATCH_ITEM, ItemType.STRUCTURE)) {
            items.add(ResponseBatchItem.from(f, item));
        }
        if (header.batchCount() != items.size()) {
            throw Fields.invalid("Response Message: Batch Count " + header.batchCount() + " but " + items.size()
                    + " Batch Item" + (items.size() == 1 ? "" : "s"));
        }
        return new ResponseMessage(header, items);
    }

    public TtlvItem toTtlv() {
        List<TtlvItem> c = new ArrayList<>(batchItems.size() + 1);
        c.add(header.toTtlv());
        for (ResponseBatchItem item : batchItems) {
            c.add(item.toTtlv());
        }
        return TtlvItem.structure(Tag.RESPONSE_MESSAGE, c);
    }
}
