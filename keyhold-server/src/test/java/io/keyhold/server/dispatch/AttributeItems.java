package io.keyhold.server.dispatch;

import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;

/** Attribute request fields for tests. */
public final class AttributeItems {
    private AttributeItems() {}

    /** A 1.x Attribute with a text value. */
    public static TtlvItem attribute1x(String name, String text) {
        return TtlvItem.structure(Tag.ATTRIBUTE, TtlvItem.text(Tag.ATTRIBUTE_NAME, name),
                TtlvItem.text(Tag.ATTRIBUTE_VALUE, text));
    }

    /** A 1.x Attribute with an index and any value (retagged to Attribute Value). */
    public static TtlvItem attribute1x(String name, int index, TtlvItem value) {
        return TtlvItem.structure(Tag.ATTRIBUTE, TtlvItem.text(Tag.ATTRIBUTE_NAME, name),
                TtlvItem.integer(Tag.ATTRIBUTE_INDEX, index), retag(value));
    }

    /** A 1.x Attribute without index and any value. */
    public static TtlvItem attribute1x(String name, TtlvItem value) {
        return TtlvItem.structure(Tag.ATTRIBUTE, TtlvItem.text(Tag.ATTRIBUTE_NAME, name), retag(value));
    }

    public static TtlvItem uid(String uid) {
        return TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uid);
    }

    public static TtlvItem newAttribute(TtlvItem attribute) {
        return TtlvItem.structure(Tag.NEW_ATTRIBUTE, attribute);
    }

    public static TtlvItem currentAttribute(TtlvItem attribute) {
        return TtlvItem.structure(Tag.CURRENT_ATTRIBUTE, attribute);
    }

    public static TtlvItem reference(int tag) {
        return TtlvItem.enumeration(Tag.ATTRIBUTE_REFERENCE, tag);
    }

    public static TtlvItem vendorAttribute(String vendor, String name, String text) {
        return TtlvItem.structure(Tag.ATTRIBUTE, TtlvItem.text(Tag.VENDOR_IDENTIFICATION, vendor),
                TtlvItem.text(Tag.ATTRIBUTE_NAME, name), TtlvItem.text(Tag.ATTRIBUTE_VALUE, text));
    }

    private static TtlvItem retag(TtlvItem v) {
        return switch (v.type()) {
            case STRUCTURE -> TtlvItem.structure(Tag.ATTRIBUTE_VALUE, v.children());
            case INTEGER -> TtlvItem.integer(Tag.ATTRIBUTE_VALUE, v.intValue());
            case ENUMERATION -> TtlvItem.enumeration(Tag.ATTRIBUTE_VALUE, v.enumValue());
            case TEXT_STRING -> TtlvItem.text(Tag.ATTRIBUTE_VALUE, v.textValue());
            case DATE_TIME -> TtlvItem.dateTime(Tag.ATTRIBUTE_VALUE, v.dateTimeValue());
            case BOOLEAN -> TtlvItem.bool(Tag.ATTRIBUTE_VALUE, v.booleanValue());
            default -> throw new IllegalArgumentException(v.type().toString());
        };
    }
}
