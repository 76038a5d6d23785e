package io.keyhold.server.ops.attribute;

import io.keyhold.server.ops.PayloadFields;
import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.SpecTable;
import io.keyhold.protocol.spec.TagDefinition;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.List;
import java.util.Optional;

/** Reading a single optional field of a payload. */
final class Payload {
    private Payload() {}

    static Optional<TtlvItem> optional(TtlvItem parent, int tag, ItemType type) throws KmipException {
        return PayloadFields.optional(parent, tag, type);
    }

    static String name(int tag) {
        return PayloadFields.name(tag);
    }
}
