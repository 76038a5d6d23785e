package io.keyhold.server.ops.attribute;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.SpecTable;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.TagDefinition;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.store.ValueKeys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What the attribute operations share: reading names and attributes in both models, writing answers. */
final class Attributes {
    static final String LAST_CHANGE_DATE = "Last Change Date";
    private static final SpecTable TABLE = SpecTable.get();

    private Attributes() {}

    /** The names a Get Attributes request asks for: 1.x Attribute Name, 2.x Attribute Reference. */
    static List<String> requestedNames(TtlvItem payload, KmipVersion version) throws KmipException {
        List<String> names = new ArrayList<>();
        for (TtlvItem n : payload.childrenWith(Tag.ATTRIBUTE_NAME)) {
            names.add(typed(n, ItemType.TEXT_STRING).textValue());
        }
        for (TtlvItem r : payload.childrenWith(Tag.ATTRIBUTE_REFERENCE)) {
            names.add(referenceName(r));
        }
        return names;
    }

    /** The attribute name an Attribute Reference (2.x) names: a tag enumeration or a vendor structure. */
    static String referenceName(TtlvItem reference) throws KmipException {
        if (reference.type() == ItemType.ENUMERATION) {
            return TABLE.tag(reference.enumValue()).map(TagDefinition::name)
                    .orElseThrow(() -> new KmipException(ResultReason.INVALID_FIELD,
                            String.format("Attribute Reference 0x%06X is not a KMIP attribute", reference.enumValue())));
        }
        if (reference.type() == ItemType.STRUCTURE) {
            String vendor = required(reference, Tag.VENDOR_IDENTIFICATION, ItemType.TEXT_STRING).textValue();
            String name = required(reference, Tag.ATTRIBUTE_NAME, ItemType.TEXT_STRING).textValue();
            return vendor + "-" + name;
        }
        throw new KmipException(ResultReason.INVALID_MESSAGE, "Attribute Reference is a " + reference.type().xmlName()
                + " (expected: Enumeration or Structure)");
    }

    /** The one attribute inside a 2.x New Attribute or Current Attribute structure. */
    static KmipAttribute wrapped(TtlvItem holder) throws KmipException {
        typed(holder, ItemType.STRUCTURE);
        if (holder.children().size() != 1) {
            throw new KmipException(ResultReason.INVALID_MESSAGE, Payload.name(holder.tag()) + " holds "
                    + holder.children().size() + " items (expected: exactly one attribute)");
        }
        return AttributeMapping.fromAttributeItem(holder.children().get(0));
    }

    /** Adds the attributes to a response in the version's model (1.x Attribute items, 2.x one Attributes). */
    static void render(List<TtlvItem> response, List<KmipAttribute> attributes, KmipVersion version) {
        if (version.isTwoOrLater()) {
            response.add(AttributeMapping.toAttributes(Tag.ATTRIBUTES, attributes));
        } else {
            for (KmipAttribute a : attributes) {
                response.add(AttributeMapping.toAttribute(a));
            }
        }
    }

    static TtlvItem responseWithIdentifier(String uid, List<TtlvItem> more) {
        List<TtlvItem> c = new ArrayList<>(more.size() + 1);
        c.add(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uid));
        c.addAll(more);
        return TtlvItem.structure(Tag.RESPONSE_PAYLOAD, c);
    }

    /**
     * The object with the new attribute list and Last Change Date set to now. Always Sensitive turns False
     * once Sensitive is not True, and Never Extractable once Extractable is not False (KMIP 1.4 section 3,
     * 2.1 section 4): both say what held for the object's whole life.
     */
    static StoredObject changed(StoredObject o, List<KmipAttribute> attributes, long now) {
        boolean sensitive = flag(attributes, "Sensitive", false);
        boolean extractable = flag(attributes, "Extractable", true);
        List<KmipAttribute> out = new ArrayList<>(attributes.size() + 1);
        for (KmipAttribute a : attributes) {
            if (a.name().equals("Always Sensitive") && !sensitive) {
                out.add(new KmipAttribute(a.name(), a.index(), TtlvItem.bool(a.value().tag(), false)));
            } else if (a.name().equals("Never Extractable") && extractable) {
                out.add(new KmipAttribute(a.name(), a.index(), TtlvItem.bool(a.value().tag(), false)));
            } else if (!a.name().equals(LAST_CHANGE_DATE)) {
                out.add(a);
            }
        }
        out.add(new KmipAttribute(LAST_CHANGE_DATE, 0, TtlvItem.dateTime(Tag.LAST_CHANGE_DATE, now)));
        return o.withAttributes(out);
    }

    private static boolean flag(List<KmipAttribute> attributes, String name, boolean absent) {
        return attributes.stream().filter(a -> a.name().equals(name) && a.value().type() == ItemType.BOOLEAN)
                .map(a -> a.value().booleanValue()).findFirst().orElse(absent);
    }

    /** The instance of the name with this 1.x index. */
    static Optional<KmipAttribute> instance(StoredObject o, String name, int index) {
        return o.attributes(name).stream().filter(a -> a.index() == index).findFirst();
    }

    /** The instance of the name whose value equals the given one (2.x Current Attribute). */
    static Optional<KmipAttribute> instanceWithValue(StoredObject o, KmipAttribute current) {
        byte[] key = ValueKeys.key(current.value());
        return o.attributes(current.name()).stream().filter(a -> Arrays.equals(ValueKeys.key(a.value()), key)).findFirst();
    }

    static int nextIndex(StoredObject o, String name) {
        return o.attributes(name).stream().mapToInt(KmipAttribute::index).max().orElse(-1) + 1;
    }

    static List<KmipAttribute> replace(List<KmipAttribute> all, KmipAttribute old, KmipAttribute replacement) {
        List<KmipAttribute> out = new ArrayList<>(all.size());
        for (KmipAttribute a : all) {
            out.add(a.equals(old) ? replacement : a);
        }
        return out;
    }

    static List<KmipAttribute> without(List<KmipAttribute> all, List<KmipAttribute> removed) {
        List<KmipAttribute> out = new ArrayList<>(all);
        out.removeAll(removed);
        return out;
    }

    static KmipException notFound(String name, KmipVersion version) {
        return new KmipException(version.isTwoOrLater() ? ResultReason.ATTRIBUTE_NOT_FOUND : ResultReason.ITEM_NOT_FOUND,
                "the object has no attribute " + name);
    }

    static KmipException instanceNotFound(String name, String which, KmipVersion version) {
        return new KmipException(version.isTwoOrLater() ? ResultReason.ATTRIBUTE_INSTANCE_NOT_FOUND : ResultReason.ITEM_NOT_FOUND,
                "the object has no instance of " + name + " " + which);
    }

    static TtlvItem typed(TtlvItem item, ItemType type) throws KmipException {
        return io.keyhold.server.ops.PayloadFields.typed(item, type);
    }

    static TtlvItem required(TtlvItem parent, int tag, ItemType type) throws KmipException {
        return Payload.optional(parent, tag, type)
                .orElseThrow(() -> new KmipException(ResultReason.INVALID_MESSAGE, Payload.name(tag) + " is missing"));
    }
}
