package io.keyhold.protocol.message;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.SpecTable;
import io.keyhold.protocol.spec.TagDefinition;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.List;
import java.util.Optional;

/**
 * Reads the fields of one structure while mapping a tree to a typed message: each read checks the item
 * type and names the field in its error, so a malformed message is answered with Invalid Message and a
 * precise Result Message.
 */
final class Fields {
    private final TtlvItem structure;
    private final String path;

    private Fields(TtlvItem structure, String path) {
        this.structure = structure;
        this.path = path;
    }

    static Fields of(TtlvItem item, int expectedTag) throws KmipException {
        String name = name(expectedTag);
        if (item.tag() != expectedTag) {
            throw invalid(name + " expected, found " + name(item.tag()));
        }
        if (!item.isStructure()) {
            throw invalid(name + " is a " + item.type().xmlName() + " (expected: Structure)");
        }
        return new Fields(item, name);
    }

    Fields nested(TtlvItem child) throws KmipException {
        Fields f = of(child, child.tag());
        return new Fields(f.structure, path + "/" + f.path);
    }

    Optional<TtlvItem> optional(int tag, ItemType type) throws KmipException {
        List<TtlvItem> found = structure.childrenWith(tag);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        if (found.size() > 1) {
            throw invalid(path + ": " + name(tag) + " appears " + found.size() + " times (expected: at most once)");
        }
        TtlvItem item = found.get(0);
        if (item.type() != type) {
            throw invalid(path + "/" + name(tag) + " is a " + item.type().xmlName() + " (expected: " + type.xmlName() + ")");
        }
        return Optional.of(item);
    }

    TtlvItem required(int tag, ItemType type) throws KmipException {
        return optional(tag, type).orElseThrow(() -> invalid(path + ": " + name(tag) + " is missing"));
    }

    List<TtlvItem> all(int tag, ItemType type) throws KmipException {
        List<TtlvItem> found = structure.childrenWith(tag);
        for (TtlvItem item : found) {
            if (item.type() != type) {
                throw invalid(path + "/" + name(tag) + " is a " + item.type().xmlName() + " (expected: " + type.xmlName() + ")");
            }
        }
        return found;
    }

    String path() {
        return path;
    }

    static String name(int tag) {
        return SpecTable.get().tag(tag).map(TagDefinition::name).orElseGet(() -> String.format("0x%06X", tag));
    }

    static KmipException invalid(String message) {
        return new KmipException(ResultReason.INVALID_MESSAGE, message);
    }
}
