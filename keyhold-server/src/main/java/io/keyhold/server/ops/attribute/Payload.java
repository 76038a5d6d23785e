package io.keyhold.server.ops.attribute;

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
        List<TtlvItem> found = parent.childrenWith(tag);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        if (found.size() > 1) {
            throw new KmipException(ResultReason.INVALID_MESSAGE,
                    name(tag) + " appears " + found.size() + " times (expected: at most once)");
        }
        return Optional.of(Attributes.typed(found.get(0), type));
    }

    static String name(int tag) {
        return SpecTable.get().tag(tag).map(TagDefinition::name).orElse(String.format("0x%06X", tag));
    }
}
