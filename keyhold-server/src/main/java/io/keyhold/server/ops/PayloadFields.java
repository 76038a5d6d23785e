package io.keyhold.server.ops;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.SpecTable;
import io.keyhold.protocol.spec.TagDefinition;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.List;
import java.util.Optional;

/**
 * Reading request payload fields with their item types checked, the same way in every operation: a
 * field of the wrong type, or given twice where the spec allows one, is Invalid Message (KMIP 1.4
 * section 11.1, "error parsing batch item or payload").
 */
public final class PayloadFields {
    private PayloadFields() {}

    /** The field with this tag, if present once, checked to be of the type. */
    public static Optional<TtlvItem> optional(TtlvItem payload, int tag, ItemType type) throws KmipException {
        List<TtlvItem> found = payload.childrenWith(tag);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        if (found.size() > 1) {
            throw new KmipException(ResultReason.INVALID_MESSAGE, name(tag) + " appears " + found.size()
                    + " times (expected: at most once)");
        }
        return Optional.of(typed(found.get(0), type));
    }

    /** The Byte String field with this tag, if present once. */
    public static Optional<byte[]> bytes(TtlvItem payload, int tag) throws KmipException {
        return optional(payload, tag, ItemType.BYTE_STRING).map(TtlvItem::bytesValue);
    }

    /** The Boolean field with this tag, false when absent. */
    public static boolean flag(TtlvItem payload, int tag) throws KmipException {
        return optional(payload, tag, ItemType.BOOLEAN).map(TtlvItem::booleanValue).orElse(false);
    }

    /** The item, checked to be of the type. */
    public static TtlvItem typed(TtlvItem item, ItemType type) throws KmipException {
        if (item.type() != type) {
            throw new KmipException(ResultReason.INVALID_MESSAGE, name(item.tag()) + " is a " + item.type().xmlName()
                    + " (expected: " + type.xmlName() + ")");
        }
        return item;
    }

    /** The spec name of a tag, or its hex form when the spec table does not know it. */
    public static String name(int tag) {
        return SpecTable.get().tag(tag).map(TagDefinition::name).orElseGet(() -> String.format("0x%06X", tag));
    }
}
