package io.keyhold.server.ops.object;

import io.keyhold.server.ops.PayloadFields;
import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.SpecTable;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.TagDefinition;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.Lifecycle;
import io.keyhold.server.ops.ManagedObjects;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoredObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reading request payload fields with their item types checked, and writing response payloads. A field of
 * the wrong type, or one given twice, is Invalid Message (KMIP 1.4 section 11.1, "error parsing batch item
 * or payload"); a required field that is absent is Missing Data.
 */
public final class Payloads {
    private Payloads() {}

    public static Optional<TtlvItem> optional(TtlvItem payload, int tag, ItemType type) throws KmipException {
        return PayloadFields.optional(payload, tag, type);
    }

    public static TtlvItem required(TtlvItem payload, int tag, ItemType type) throws KmipException {
        return optional(payload, tag, type)
                .orElseThrow(() -> new KmipException(ResultReason.MISSING_DATA, name(tag) + " is missing"));
    }

    public static String name(int tag) {
        return PayloadFields.name(tag);
    }

    public static TtlvItem response(TtlvItem... children) {
        return TtlvItem.structure(Tag.RESPONSE_PAYLOAD, children);
    }

    public static TtlvItem response(List<TtlvItem> children) {
        return TtlvItem.structure(Tag.RESPONSE_PAYLOAD, children);
    }

    public static TtlvItem uniqueIdentifier(String uid) {
        return TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uid);
    }

    /** A response payload holding only the Unique Identifier. */
    static TtlvItem uidOnly(String uid) {
        return response(uniqueIdentifier(uid));
    }

    /** Refuses an object moved to archival storage: it must be recovered first (Object Archived). */
    public static void requireOnline(StoredObject object) throws KmipException {
        if (object.storageStatus() == StorageStatus.ARCHIVED) {
            throw new KmipException(ResultReason.OBJECT_ARCHIVED, "object "
                    + ManagedObjects.printable(object.uniqueIdentifier()) + " is archived: recover it first");
        }
    }

    /** {@code preferred} when the request's version defines it, else {@code fallback}. */
    public static ResultReason reason(OperationContext context, ResultReason preferred, ResultReason fallback) {
        return Lifecycle.reason(context.version(), preferred, fallback);
    }

    static List<TtlvItem> list(TtlvItem... items) {
        return new ArrayList<>(Arrays.asList(items));
    }
}
