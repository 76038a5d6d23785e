package io.keyhold.server.store;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A managed object as the store keeps it.
 *
 * <p>The attributes are authoritative, in the canonical form of {@link KmipAttribute} (each value under
 * the attribute's own tag, custom attributes under Attribute Value). They include the server-maintained
 * ones — Unique Identifier, Object Type, State, Initial Date, … — and the store derives its indexed
 * columns (object type, state, names, groups, …) from them. The object is the KMIP object structure
 * itself (a Symmetric Key, Certificate, Secret Data, … structure as Get returns it), or null once the
 * object has been destroyed and its material erased.
 *
 * @param uniqueIdentifier the Unique Identifier
 * @param owner            the identity that created or registered the object
 * @param storageStatus    on-line or archived
 * @param attributes       every attribute the object has, in canonical form
 * @param object           the KMIP object structure, null when destroyed
 */
public record StoredObject(String uniqueIdentifier, String owner, StorageStatus storageStatus,
                           List<KmipAttribute> attributes, TtlvItem object) {

    public StoredObject {
        Objects.requireNonNull(uniqueIdentifier, "uniqueIdentifier");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(storageStatus, "storageStatus");
        attributes = List.copyOf(attributes);
    }

    /** The first instance (lowest index) of the named attribute. */
    public Optional<KmipAttribute> attribute(String name) {
        KmipAttribute best = null;
        for (KmipAttribute a : attributes) {
            if (a.name().equals(name) && (best == null || a.index() < best.index())) {
                best = a;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Every instance of the named attribute, in the order stored. */
    public List<KmipAttribute> attributes(String name) {
        List<KmipAttribute> out = new ArrayList<>();
        for (KmipAttribute a : attributes) {
            if (a.name().equals(name)) {
                out.add(a);
            }
        }
        return out;
    }

    /** The Object Type enumeration value; every stored object has one. */
    public int objectType() {
        return attribute("Object Type").orElseThrow(() -> new IllegalStateException("object without Object Type"))
                .value().enumValue();
    }

    /** The State enumeration value, or -1 for objects without a State (Templates, Opaque Objects in 1.x). */
    public int state() {
        return attribute("State").map(a -> a.value().enumValue()).orElse(-1);
    }

    public StoredObject withAttributes(List<KmipAttribute> newAttributes) {
        return new StoredObject(uniqueIdentifier, owner, storageStatus, newAttributes, object);
    }

    public StoredObject withObject(TtlvItem newObject) {
        return new StoredObject(uniqueIdentifier, owner, storageStatus, attributes, newObject);
    }

    public StoredObject withStorageStatus(StorageStatus status) {
        return new StoredObject(uniqueIdentifier, owner, status, attributes, object);
    }

    @Override
    public String toString() {
        return "StoredObject[" + uniqueIdentifier + ", owner=" + owner + ", " + storageStatus + ", "
                + attributes.size() + " attributes" + (object == null ? ", no material" : "") + "]";
    }
}
