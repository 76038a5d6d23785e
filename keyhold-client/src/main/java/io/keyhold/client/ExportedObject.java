package io.keyhold.client;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.ObjectType;
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

    @Override
    public String toString() {
        return "ExportedObject[" + objectType.specName() + " " + uniqueIdentifier + ", " + attributes.size() + " attributes]";
    }
}
