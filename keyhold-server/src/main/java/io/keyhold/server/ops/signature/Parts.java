package io.keyhold.server.ops.signature;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.CryptoPolicy;
import io.keyhold.server.crypto.KeyUse;
import io.keyhold.server.crypto.Streams;
import io.keyhold.server.ops.ManagedObjects;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.PayloadFields;
import io.keyhold.server.store.StoredObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the Sign, Signature Verify, MAC, MAC Verify and Hash payloads share: typed fields, the multi-part
 * indicators (Init Indicator, Final Indicator, Correlation Value) and finding a usable key.
 *
 * <p>Multi-part: a request with Init Indicator true and without Final Indicator starts a stream and is answered
 * with a Correlation Value; requests with that Correlation Value continue it; the one with Final Indicator true
 * ends it and carries the result. A request with neither Init Indicator nor Correlation Value is single-part.
 */
final class Parts {
    private Parts() {}

    /** The multi-part indicators of one request. */
    record Part(boolean init, boolean fin, byte[] correlation) {
        /** Starts a stream (and is not also its end). */
        boolean starts() {
            return correlation == null && init && !fin;
        }

        boolean continues() {
            return correlation != null;
        }
    }

    static Part part(TtlvItem payload) throws KmipException {
        boolean init = PayloadFields.flag(payload, Tag.INIT_INDICATOR);
        boolean fin = PayloadFields.flag(payload, Tag.FINAL_INDICATOR);
        byte[] correlation = PayloadFields.bytes(payload, Tag.CORRELATION_VALUE).orElse(null);
        if (init && correlation != null) {
            throw new KmipException(ResultReason.INVALID_FIELD, "a request with Init Indicator starts a stream and"
                    + " cannot carry a Correlation Value");
        }
        return new Part(init, fin, correlation);
    }

    /** Refuses a Hashing Algorithm in the Cryptographic Parameters that the policy does not allow (Invalid Field). */
    static void requireHash(CryptoPolicy policy, Optional<TtlvItem> parameters) throws KmipException {
        Optional<TtlvItem> hash = parameters.flatMap(p -> p.child(Tag.HASHING_ALGORITHM))
                .filter(h -> h.type() == ItemType.ENUMERATION);
        if (hash.isPresent()) {
            policy.requireHash(hash.get().enumValue());
        }
    }

    static Optional<TtlvItem> parameters(TtlvItem payload) throws KmipException {
        return PayloadFields.optional(payload, Tag.CRYPTOGRAPHIC_PARAMETERS, ItemType.STRUCTURE);
    }

    /** Data, required in a single-part request and optional in the parts of a stream. */
    static byte[] data(TtlvItem payload, Part part) throws KmipException {
        Optional<byte[]> data = PayloadFields.bytes(payload, Tag.DATA);
        if (data.isEmpty() && !part.init() && !part.continues()) {
            throw new KmipException(ResultReason.MISSING_DATA, "Data is missing");
        }
        return data.orElse(new byte[0]);
    }

    /**
     * The key the request names (or the ID Placeholder), checked for object type, state, usage periods and
     * usage mask.
     */
    static StoredObject key(OperationContext context, String uid, ObjectType type, KeyUse.Purpose purpose,
                            CryptographicUsageMask usage) throws KmipException {
        StoredObject key = context.read(tx -> ManagedObjects.load(context, tx, uid));
        if (key.objectType() != type.value()) {
            throw new KmipException(ResultReason.INVALID_OBJECT_TYPE, "this operation needs a " + type.specName()
                    + "; " + ManagedObjects.printable(uid) + " is a "
                    + ObjectType.fromValue(key.objectType()).map(ObjectType::specName).orElse("different object"));
        }
        KeyUse.require(key, purpose, usage, context.now());
        return key;
    }

    static String uid(OperationContext context, TtlvItem payload) throws KmipException {
        return ManagedObjects.uniqueIdentifier(context, payload);
    }

    /**
     * The key of a continued stream: the request's Unique Identifier, when given, must be the stream's, and the
     * key is checked again (it may have been revoked meanwhile).
     */
    static StoredObject streamKey(OperationContext context, TtlvItem payload, Streams.State state, ObjectType type,
                                  KeyUse.Purpose purpose, CryptographicUsageMask usage) throws KmipException {
        Optional<TtlvItem> given = payload.child(Tag.UNIQUE_IDENTIFIER);
        if (given.isPresent() && given.get().type() == ItemType.TEXT_STRING
                && !given.get().textValue().equals(state.uniqueIdentifier())) {
            throw new KmipException(ResultReason.INVALID_FIELD, "the stream was started with another key");
        }
        return key(context, state.uniqueIdentifier(), type, purpose, usage);
    }

    static TtlvItem response(TtlvItem... fields) {
        List<TtlvItem> c = new ArrayList<>();
        for (TtlvItem f : fields) {
            if (f != null) {
                c.add(f);
            }
        }
        return TtlvItem.structure(Tag.RESPONSE_PAYLOAD, c);
    }

    static TtlvItem uidItem(String uid) {
        return TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uid);
    }

    static TtlvItem correlationItem(byte[] correlation) {
        return TtlvItem.bytes(Tag.CORRELATION_VALUE, correlation);
    }
}
