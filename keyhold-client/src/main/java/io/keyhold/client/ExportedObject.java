package io.keyhold.client;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.List;
import java.util.Objects;

/**
 * A managed object as Export answers it and Import takes it (KMIP 1.4 sections 4.25-4.26): its Unique
 * Identifier, Object Type, every attribute, and the object structure (Symmetric Key, Certificate, ...).
 *
 * @param uniqueIdentifier Unique Identifier
 * @param objectType       Object Type
 * @param attributes       the object's attributes
 * @param object           the object structure, as Get returns it
 */
public record ExportedObject(String uniqueIdentifier, ObjectType objectType, List<KmipAttribute> attributes,
                             TtlvItem object) {
    public ExportedObject {
        Objects.requireNonNull(uniqueIdentifier, "uniqueIdentifier");
        Objects.requireNonNull(objectType, "objectType");
        Objects.requireNonNull(object, "object");
        attributes = List.copyOf(attributes);
    }

    /** The same object under another Unique Identifier (to Import it as a copy). */
    public ExportedObject withUniqueIdentifier(String uid) {
        return new ExportedObject(uid, objectType, attributes, object);
    }

    /**
     * The object as a KMIP 2.x Export Response Payload (Object Type, Unique Identifier, Attributes, the object),
     * whatever version it was exported in: the form {@code keyhold export} writes and {@code keyhold import} reads.
     */
    public TtlvItem toTtlv() {
        return TtlvItem.structure(Tag.RESPONSE_PAYLOAD, TtlvItem.enumeration(Tag.OBJECT_TYPE, objectType.value()),
                TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uniqueIdentifier), AttributeMapping.toAttributes(Tag.ATTRIBUTES, attributes),
                object);
    }

    /**
     * Reads {@link #toTtlv()}'s form back.
     *
     * @throws IllegalArgumentException when a field is missing or malformed
     */
    public static ExportedObject fromTtlv(TtlvItem payload) {
        TtlvItem type = payload.child(Tag.OBJECT_TYPE).filter(i -> i.type() == ItemType.ENUMERATION)
                .orElseThrow(() -> new IllegalArgumentException("no Object Type"));
        ObjectType t = ObjectType.fromValue(type.enumValue())
                .orElseThrow(() -> new IllegalArgumentException("unknown Object Type " + type.enumValue()));
        String uid = payload.child(Tag.UNIQUE_IDENTIFIER).filter(i -> i.type() == ItemType.TEXT_STRING)
                .map(TtlvItem::textValue).orElseThrow(() -> new IllegalArgumentException("no Unique Identifier"));
        List<KmipAttribute> attributes;
        try {
            attributes = payload.child(Tag.ATTRIBUTES).isEmpty() ? List.of()
                    : AttributeMapping.fromAttributes(payload.child(Tag.ATTRIBUTES).get());
        } catch (KmipException e) {
            throw new IllegalArgumentException("Attributes: " + e.getMessage(), e);
        }
        TtlvItem object = payload.children().stream().filter(i -> i.isStructure() && i.tag() != Tag.ATTRIBUTES).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no object structure"));
        return new ExportedObject(uid, t, attributes, object);
    }

    @Override
    public String toString() {
        return "ExportedObject[" + objectType.specName() + " " + uniqueIdentifier + ", " + attributes.size() + " attributes]";
    }
}
