package io.keyhold.protocol.spec;

import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Answers "does this tag, enumeration value, mask bit, operation or item type exist in KMIP version V",
 * and walks a tree to report what a given version does not have. A server encodes its answer in the
 * request's version and uses {@link #requireWithin} so that it never emits a field newer than that
 * version; unknown and vendor items are reported, not refused.
 */
public final class VersionRules {
    private final SpecTable table;

    public VersionRules(SpecTable table) {
        this.table = table;
    }

    public static VersionRules standard() {
        return new VersionRules(SpecTable.get());
    }

    /** What a check found. */
    public enum Kind {
        /** a tag in the KMIP range that the spec table does not know */
        UNKNOWN_TAG,
        /** a tag in the vendor extension range 0x54XXXX */
        VENDOR_TAG,
        /** an enumeration value the spec table does not know, outside the extension range */
        UNKNOWN_VALUE,
        /** an enumeration extension value 8XXXXXXX */
        EXTENSION_VALUE,
        /** a tag that the checked version does not have (newer, or removed in 2.0) */
        TAG_NOT_IN_VERSION,
        /** an enumeration value or mask bit that the checked version does not have */
        VALUE_NOT_IN_VERSION,
        /** an item type the checked version does not have (Date Time Extended before 2.0) */
        ITEM_TYPE_NOT_IN_VERSION;

        /** Whether emitting it in a message of the checked version would break the version's rules. */
        public boolean isOutsideVersion() {
            return this == TAG_NOT_IN_VERSION || this == VALUE_NOT_IN_VERSION || this == ITEM_TYPE_NOT_IN_VERSION;
        }
    }

    /** One finding, with the path of spec names to the item ("Request Message/Batch Item/Operation"). */
    public record Finding(Kind kind, String path, String message) {
        @Override
        public String toString() {
            return path + ": " + message;
        }
    }

    public boolean hasTag(int tag, KmipVersion version) {
        return table.tag(tag).map(t -> t.versions().contains(version)).orElse(false);
    }

    public boolean hasItemType(ItemType type, KmipVersion version) {
        VersionSet v = table.versionsOf(type);
        return v != null && v.contains(version);
    }

    /** Whether the operation exists in the version (Operation enumeration). */
    public boolean hasOperation(int operation, KmipVersion version) {
        return hasValue(Operation.SPEC_NAME, operation, version);
    }

    /** Whether the enumeration value (or mask bit) exists in the version. */
    public boolean hasValue(String enumeration, int value, KmipVersion version) {
        return table.enumeration(enumeration)
                .flatMap(e -> valueIn(e, value, version))
                .isPresent();
    }

    private static Optional<EnumerationValue> valueIn(EnumerationDefinition e, int value, KmipVersion version) {
        for (EnumerationValue v : e.values()) {
            if (v.value() == value && v.versions().contains(version)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /** Everything in the tree that is unknown, vendor-defined or newer than the version. */
    public List<Finding> check(TtlvItem item, KmipVersion version) {
        List<Finding> out = new ArrayList<>();
        walk(item, null, null, version, out);
        return out;
    }

    /**
     * Refuses a tree that holds anything newer than the version, naming the first such item; for an
     * encoder about to emit a message in that version.
     */
    public void requireWithin(TtlvItem item, KmipVersion version) throws CodecException {
        for (Finding f : check(item, version)) {
            if (f.kind().isOutsideVersion()) {
                throw new CodecException("cannot encode for KMIP " + version + ": " + f);
            }
        }
    }

    /**
     * Where an item sits, as its parent's path and its own name; the text form is built only for a finding,
     * since every message the server sends or reads is walked and most have none.
     */
    private record ItemPath(ItemPath parent, String name) {
        @Override
        public String toString() {
            return parent == null ? name : parent + "/" + name;
        }
    }

    private void walk(TtlvItem item, TagDefinition valueContext, ItemPath parentPath, KmipVersion version, List<Finding> out) {
        Optional<TagDefinition> def = table.tag(item.tag());
        ItemPath path = new ItemPath(parentPath, def.isPresent() ? def.get().name() : item.tagHex());
        if (def.isEmpty()) {
            if (SpecTable.isExtensionTag(item.tag())) {
                out.add(new Finding(Kind.VENDOR_TAG, path.toString(), "vendor extension tag"));
            } else {
                out.add(new Finding(Kind.UNKNOWN_TAG, path.toString(), "tag unknown to KMIP 1.0-2.1"));
            }
        } else if (!def.get().versions().contains(version)) {
            out.add(new Finding(Kind.TAG_NOT_IN_VERSION, path.toString(), "tag exists in KMIP " + def.get().versions() + " only"));
        }
        if (!hasItemType(item.type(), version)) {
            out.add(new Finding(Kind.ITEM_TYPE_NOT_IN_VERSION, path.toString(), item.type().xmlName() + " does not exist in KMIP " + version));
        }
        TagDefinition valueDef = item.tag() == Tag.ATTRIBUTE_VALUE && valueContext != null ? valueContext : def.orElse(null);
        switch (item.type()) {
            case STRUCTURE -> {
                TagDefinition attributeContext = item.tag() == Tag.ATTRIBUTE ? attributeNameOf(item) : null;
                for (TtlvItem child : item.children()) {
                    walk(child, attributeContext, path, version, out);
                }
            }
            case ENUMERATION -> checkEnumeration(item.enumValue(), valueDef, path, version, out);
            case INTEGER -> checkMask(item.intValue(), valueDef, path, version, out);
            default -> { }
        }
    }

    /** The tag named by a 1.x Attribute's Attribute Name, which types its Attribute Value. */
    private TagDefinition attributeNameOf(TtlvItem attribute) {
        return attribute.child(Tag.ATTRIBUTE_NAME)
                .filter(n -> n.type() == ItemType.TEXT_STRING)
                .flatMap(n -> table.tagByName(n.textValue()))
                .orElse(null);
    }

    private void checkEnumeration(int value, TagDefinition def, ItemPath path, KmipVersion version, List<Finding> out) {
        if (def == null || def.valuesFrom().isEmpty()) {
            return;
        }
        if (def.takesTagValues()) {
            Optional<TagDefinition> named = table.tag(value);
            if (named.isPresent() && !named.get().versions().contains(version)) {
                out.add(new Finding(Kind.VALUE_NOT_IN_VERSION, path.toString(), "tag " + named.get().name() + " exists in KMIP "
                        + named.get().versions() + " only"));
            }
            return;
        }
        Optional<EnumerationDefinition> e = table.enumeration(def.valuesFrom());
        if (e.isEmpty() || e.get().isMask()) {
            return;
        }
        Optional<EnumerationValue> known = e.get().byValue(value);
        if (known.isEmpty()) {
            boolean extension = EnumerationDefinition.isExtensionValue(value);
            out.add(new Finding(extension ? Kind.EXTENSION_VALUE : Kind.UNKNOWN_VALUE, path.toString(),
                    String.format("%s value 0x%08X is %s", e.get().name(), value, extension ? "an extension" : "unknown")));
        } else if (valueIn(e.get(), value, version).isEmpty()) {
            out.add(new Finding(Kind.VALUE_NOT_IN_VERSION, path.toString(), e.get().name() + " " + known.get().name() + " exists in KMIP "
                    + known.get().versions() + " only"));
        }
    }

    private void checkMask(int value, TagDefinition def, ItemPath path, KmipVersion version, List<Finding> out) {
        if (def == null || def.valuesFrom().isEmpty()) {
            return;
        }
        Optional<EnumerationDefinition> e = table.enumeration(def.valuesFrom());
        if (e.isEmpty() || !e.get().isMask()) {
            return;
        }
        int unknownBits = value;
        for (EnumerationValue bit : e.get().values()) {
            if ((value & bit.value()) == 0) {
                continue;
            }
            unknownBits &= ~bit.value();
            if (!bit.versions().contains(version)) {
                out.add(new Finding(Kind.VALUE_NOT_IN_VERSION, path.toString(), e.get().name() + " bit " + bit.name() + " exists in KMIP "
                        + bit.versions() + " only"));
            }
        }
        if (unknownBits != 0) {
            out.add(new Finding(Kind.UNKNOWN_VALUE, path.toString(), String.format("%s bits 0x%08X are unknown", e.get().name(), unknownBits)));
        }
    }
}
