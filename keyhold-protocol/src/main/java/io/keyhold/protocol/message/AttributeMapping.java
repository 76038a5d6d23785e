package io.keyhold.protocol.message;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.SpecTable;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.TagDefinition;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Converts attributes between the KMIP 1.x model (Attribute with Attribute Name, Attribute Index and
 * Attribute Value; Template-Attribute holding them) and the 2.x model (the Attributes structure holding
 * each attribute under its own tag; vendor attributes for custom ones), through {@link KmipAttribute}.
 *
 * <p>1.x custom attribute names ("x-Department", "y-…") map to 2.x vendor attributes (an Attribute
 * structure of Vendor Identification, Attribute Name and Attribute Value) whose Vendor Identification
 * is the prefix ("x") and whose Attribute Name is the rest.
 */
public final class AttributeMapping {
    private static final SpecTable TABLE = SpecTable.get();

    private AttributeMapping() {}

    /** The spec name of an attribute tag, or its hex form when the table does not know it. */
    static String nameOf(int tag) {
        return TABLE.tag(tag).map(TagDefinition::name).orElseGet(() -> String.format("0x%06X", tag));
    }

    /** Reads a 1.x Attribute structure. */
    public static KmipAttribute fromAttribute(TtlvItem attribute) throws KmipException {
        Fields f = Fields.of(attribute, Tag.ATTRIBUTE);
        String name = f.required(Tag.ATTRIBUTE_NAME, ItemType.TEXT_STRING).textValue();
        int index = f.optional(Tag.ATTRIBUTE_INDEX, ItemType.INTEGER).map(TtlvItem::intValue).orElse(0);
        if (index < 0) {
            throw new KmipException(ResultReason.INVALID_FIELD, "Attribute " + name + ": Attribute Index " + index + " is negative");
        }
        Optional<TtlvItem> raw = attribute.child(Tag.ATTRIBUTE_VALUE);
        if (raw.isEmpty()) {
            throw Fields.invalid(f.path() + " " + name + ": Attribute Value is missing");
        }
        Optional<TagDefinition> def = TABLE.tagByName(name);
        if (def.isEmpty()) {
            if (!isCustomName(name)) {
                throw new KmipException(ResultReason.INVALID_FIELD, "Attribute Name '" + name + "' is not a KMIP attribute");
            }
            return new KmipAttribute(name, index, raw.get());
        }
        return new KmipAttribute(def.get().name(), index, retag(raw.get(), def.get().value()));
    }

    /** Writes the 1.x Attribute structure of an attribute. */
    public static TtlvItem toAttribute(KmipAttribute a) {
        List<TtlvItem> c = new ArrayList<>(3);
        c.add(TtlvItem.text(Tag.ATTRIBUTE_NAME, a.name()));
        if (a.index() != 0) {
            c.add(TtlvItem.integer(Tag.ATTRIBUTE_INDEX, a.index()));
        }
        c.add(retag(a.value(), Tag.ATTRIBUTE_VALUE));
        return TtlvItem.structure(Tag.ATTRIBUTE, c);
    }

    /**
     * Reads the attributes of a 1.x Template-Attribute (or Common/Private/Public Key Template-Attribute).
     * Names of templates it references are not attributes and are not returned.
     */
    public static List<KmipAttribute> fromTemplateAttribute(TtlvItem templateAttribute) throws KmipException {
        List<KmipAttribute> out = new ArrayList<>();
        for (TtlvItem a : Fields.of(templateAttribute, templateAttribute.tag()).all(Tag.ATTRIBUTE, ItemType.STRUCTURE)) {
            out.add(fromAttribute(a));
        }
        return out;
    }

    /** Writes a 1.x Template-Attribute under the given tag (Template-Attribute, Common Template-Attribute, …). */
    public static TtlvItem toTemplateAttribute(int tag, List<KmipAttribute> attributes) {
        List<TtlvItem> c = new ArrayList<>(attributes.size());
        for (KmipAttribute a : attributes) {
            c.add(toAttribute(a));
        }
        return TtlvItem.structure(tag, c);
    }

    /** Reads a 2.x Attributes structure (or Common/Private/Public Key Attributes). */
    public static List<KmipAttribute> fromAttributes(TtlvItem attributes) throws KmipException {
        Fields.of(attributes, attributes.tag());
        List<KmipAttribute> out = new ArrayList<>();
        for (TtlvItem item : attributes.children()) {
            out.add(fromAttributeItem(item));
        }
        return out;
    }

    /** Reads one 2.x attribute item (as found in Attributes, New Attribute or Current Attribute). */
    public static KmipAttribute fromAttributeItem(TtlvItem item) throws KmipException {
        if (item.tag() == Tag.ATTRIBUTE) {
            Fields f = Fields.of(item, Tag.ATTRIBUTE);
            String vendor = f.required(Tag.VENDOR_IDENTIFICATION, ItemType.TEXT_STRING).textValue();
            String name = f.required(Tag.ATTRIBUTE_NAME, ItemType.TEXT_STRING).textValue();
            TtlvItem value = item.child(Tag.ATTRIBUTE_VALUE)
                    .orElseThrow(() -> Fields.invalid("vendor attribute " + vendor + "-" + name + ": Attribute Value is missing"));
            return new KmipAttribute(vendor + "-" + name, 0, value);
        }
        Optional<TagDefinition> def = TABLE.tag(item.tag());
        if (def.isEmpty()) {
            throw new KmipException(ResultReason.INVALID_FIELD, "attribute tag " + item.tagHex() + " is not a KMIP attribute");
        }
        return new KmipAttribute(def.get().name(), 0, item);
    }

    /** Writes one attribute in the 2.x form. */
    public static TtlvItem toAttributeItem(KmipAttribute a) {
        if (a.value().tag() == Tag.ATTRIBUTE_VALUE) {
            int dash = a.name().indexOf('-');
            String vendor = dash > 0 ? a.name().substring(0, dash) : "x";
            String name = dash > 0 ? a.name().substring(dash + 1) : a.name();
            return TtlvItem.structure(Tag.ATTRIBUTE,
                    TtlvItem.text(Tag.VENDOR_IDENTIFICATION, vendor),
                    TtlvItem.text(Tag.ATTRIBUTE_NAME, name),
                    a.value());
        }
        return a.value();
    }

    /** Writes a 2.x Attributes structure under the given tag (Attributes, Common Attributes, …). */
    public static TtlvItem toAttributes(int tag, List<KmipAttribute> attributes) {
        List<TtlvItem> c = new ArrayList<>(attributes.size());
        for (KmipAttribute a : attributes) {
            c.add(toAttributeItem(a));
        }
        return TtlvItem.structure(tag, c);
    }

    /** True for 1.x custom attribute names: "x-…" (client) and "y-…" (server). */
    public static boolean isCustomName(String name) {
        return name.length() > 2 && (name.startsWith("x-") || name.startsWith("y-"));
    }

    /** The same item under another tag. */
    static TtlvItem retag(TtlvItem item, int tag) {
        if (item.tag() == tag) {
            return item;
        }
        return switch (item.type()) {
            case STRUCTURE -> TtlvItem.structure(tag, item.children());
            case INTEGER -> TtlvItem.integer(tag, item.intValue());
            case LONG_INTEGER -> TtlvItem.longInteger(tag, item.longValue());
            case BIG_INTEGER -> TtlvItem.bigInteger(tag, item.bigIntegerValue());
            case ENUMERATION -> TtlvItem.enumeration(tag, item.enumValue());
            case BOOLEAN -> TtlvItem.bool(tag, item.booleanValue());
            case TEXT_STRING -> TtlvItem.text(tag, item.textValue());
            case BYTE_STRING -> TtlvItem.bytes(tag, item.bytesValue());
            case DATE_TIME -> TtlvItem.dateTime(tag, item.dateTimeValue());
            case INTERVAL -> TtlvItem.interval(tag, item.intervalValue());
            case DATE_TIME_EXTENDED -> TtlvItem.dateTimeExtended(tag, item.dateTimeExtendedValue());
        };
    }
}
