package io.keyhold.server.ops;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.auth.AccessDenied;
import io.keyhold.server.store.ReadTransaction;
import io.keyhold.server.store.StoredObject;
import java.util.Optional;

/** Finding the object a request names, the same way for every operation. */
public final class ManagedObjects {
    private ManagedObjects() {}

    /**
     * The Unique Identifier a request payload names: its Unique Identifier field, or the batch's ID
     * Placeholder when the field is absent (or, in 2.x, is the enumeration ID Placeholder).
     *
     * @throws KmipException Invalid Field (1.x) / Missing Data when neither is there
     */
    public static String uniqueIdentifier(OperationContext context, TtlvItem payload) throws KmipException {
        Optional<TtlvItem> field = payload.child(Tag.UNIQUE_IDENTIFIER);
        if (field.isPresent() && field.get().type() == ItemType.TEXT_STRING) {
            return field.get().textValue();
        }
        if (field.isPresent() && field.get().type() != ItemType.ENUMERATION) {
            throw new KmipException(ResultReason.INVALID_FIELD, "Unique Identifier must be a Text String");
        }
        return context.idPlaceholder().orElseThrow(() -> new KmipException(ResultReason.ITEM_NOT_FOUND,
                "no Unique Identifier given and no ID Placeholder set by an earlier batch item"));
    }

    /**
     * The object with this identifier as the client may see it, with due lifecycle dates applied. Objects
     * the client may not use in this operation ({@link io.keyhold.server.auth.AccessPolicy}) are reported
     * exactly like missing ones (Object Not Found, which 1.x answers as Item Not Found; same message) through {@link AccessDenied}, so their
     * existence is not revealed.
     */
    public static StoredObject load(OperationContext context, ReadTransaction tx, String uniqueIdentifier)
            throws KmipException {
        return loadWithStored(context, tx, uniqueIdentifier).current();
    }

    /**
     * Like {@link #load}, reading the object once and returning both the object as stored and the view with
     * due lifecycle dates applied, so that a caller can tell whether a date that has come is not stored yet.
     */
    public static Loaded loadWithStored(OperationContext context, ReadTransaction tx, String uniqueIdentifier)
            throws KmipException {
        Optional<StoredObject> found = tx.get(uniqueIdentifier);
        String missing = "no object with Unique Identifier " + printable(uniqueIdentifier);
        if (found.isEmpty()) {
            throw new KmipException(ResultReason.OBJECT_NOT_FOUND, missing);
        }
        if (!permitted(context, tx, found.get())) {
            throw AccessDenied.objectNotFound(missing, uniqueIdentifier);
        }
        return new Loaded(found.get(), Lifecycle.applyDueDates(found.get(), context.now()));
    }

    /**
     * Whether the client may use this object in the batch item's operation: for objects found other than
     * through {@link #load} (linked public keys, wrapping keys, templates), which the caller must then treat
     * exactly as absent when this is false.
     */
    public static boolean permitted(OperationContext context, ReadTransaction tx, StoredObject object) {
        return context.access().permits(context.identity(), context.operation(), object, tx);
    }

    /**
     * An object as stored and as it is now (due lifecycle dates applied).
     *
     * @param stored  the object as the store holds it
     * @param current the object with due lifecycle dates applied
     */
    public record Loaded(StoredObject stored, StoredObject current) {
        /** Whether applying the due dates changed the State, which the store does not hold yet. */
        public boolean stateChanged() {
            return stored.state() != current.state();
        }
    }

    /**
     * The new object as the replacement of {@code replaced} (Re-key, Re-key Key Pair, Re-certify): it belongs
     * to the replaced object's owner, whoever ran the operation (the owner, a grantee or an administrator).
     */
    public static StoredObject replacementOf(StoredObject replaced, StoredObject created) {
        return created.owner().equals(replaced.owner()) ? created : new StoredObject(created.uniqueIdentifier(),
                replaced.owner(), created.storageStatus(), created.attributes(), created.object());
    }

    /** The identifier as it may appear in a Result Message: at most 64 printable ASCII characters. */
    public static String printable(String uniqueIdentifier) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < uniqueIdentifier.length() && sb.length() < 64; i++) {
            char c = uniqueIdentifier.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.length() < uniqueIdentifier.length() ? sb + "…" : sb.toString();
    }
}
