package io.keyhold.server.ops.cipher;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.SpecTable;
import io.keyhold.protocol.spec.TagDefinition;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.List;
import java.util.Optional;

/** Request payload fields read with their item types checked (wrong type or repeated: Invalid Message). */
final class Fields {
    private Fields() {}

    static Optional<TtlvItem> optional(TtlvItem payload, int tag, ItemType type) throws KmipException {
        List<TtlvItem> found = payload.childrenWith(tag);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        if (found.size() > 1) {
            throw new KmipException(ResultReason.INVALID_MESSAGE, name(tag) + " appears " + found.size() + " times (expected: at most once)");
        }
        if (found.get(0).type() != type) {
            throw new KmipException(ResultReason.INVALID_MESSAGE, name(tag) + " is a " + found.get(0).type().xmlName()
                    + " (expected: " + type.xmlName() + ")");
        }
        return Optional.of(found.get(0));
    }

    static byte[] bytes(TtlvItem payload, int tag) throws KmipException {
        return optional(payload, tag, ItemType.BYTE_STRING).map(TtlvItem::bytesValue).orElse(null);
    }

    static boolean flag(TtlvItem payload, int tag) throws KmipException {
        return optional(payload, tag, ItemType.BOOLEAN).map(TtlvItem::booleanValue).orElse(false);
    }

    static String name(int tag) {
        return SpecTable.get().tag(tag).map(TagDefinition::name).orElse(String.format("0x%06X", tag));
    }
}
