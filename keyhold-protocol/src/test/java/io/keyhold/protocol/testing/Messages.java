package io.keyhold.protocol.testing;

import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;

/** Real KMIP messages built from the tree factories, for codec tests. */
public final class Messages {
    private Messages() {}

    /** A KMIP 1.4 Get request with one batch item. */
    public static TtlvItem getRequest() {
        return TtlvItem.structure(Tag.REQUEST_MESSAGE,
                TtlvItem.structure(Tag.REQUEST_HEADER,
                        TtlvItem.structure(Tag.PROTOCOL_VERSION,
                                TtlvItem.integer(Tag.PROTOCOL_VERSION_MAJOR, 1),
                                TtlvItem.integer(Tag.PROTOCOL_VERSION_MINOR, 4)),
                        TtlvItem.integer(Tag.BATCH_COUNT, 1)),
                TtlvItem.structure(Tag.BATCH_ITEM,
                        TtlvItem.enumeration(Tag.OPERATION, Operation.GET.value()),
                        TtlvItem.structure(Tag.REQUEST_PAYLOAD,
                                TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "49a1ca88-6bea-4fb2-b450-7e58802c3038"))));
    }
}
