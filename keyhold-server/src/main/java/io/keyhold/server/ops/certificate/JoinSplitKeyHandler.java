package io.keyhold.server.ops.certificate;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.KeyMaterial;
import io.keyhold.server.crypto.split.SecretSharing;
import io.keyhold.server.crypto.split.Share;
import io.keyhold.server.crypto.split.SplitParameters;
import io.keyhold.server.ops.Lifecycle;
import io.keyhold.server.ops.ManagedObjects;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.ops.object.NewObjects;
import io.keyhold.server.ops.object.Payloads;
import io.keyhold.server.ops.object.RequestAttributes;
import io.keyhold.server.store.StoredObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Join Split Key (KMIP 1.4 section 4.39, 2.1 section 6.1): joins the Split Key objects named by the
 * Unique Identifiers (at least their Split Key Threshold; all of them for XOR) into a new Symmetric Key
 * (Raw) or Secret Data (Opaque, of the requested Secret Data Type) with the request's attributes. The
 * parts must agree on Split Key Parts, Threshold, Method and Prime Field Size and have distinct Key Part
 * Identifiers (else Invalid Field). Fewer parts than the threshold is Missing Data: the request lacks the
 * parts needed. Cryptographic Algorithm and Length come from the attributes, else from the parts' Key Block.
 */
final class JoinSplitKeyHandler implements OperationHandler {

    @Override
    public Operation operation() {
        return Operation.JOIN_SPLIT_KEY;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        int objectType = Payloads.required(payload, Tag.OBJECT_TYPE, ItemType.ENUMERATION).enumValue();
        boolean secretData = objectType == ObjectType.SECRET_DATA.value();
        if (!secretData && objectType != ObjectType.SYMMETRIC_KEY.value()) {
            String name = ObjectType.fromValue(objectType).map(ObjectType::specName).orElse("0x" + Integer.toHexString(objectType));
            throw new KmipException(Payloads.reason(context, ResultReason.INVALID_OBJECT_TYPE, ResultReason.INVALID_FIELD),
                    "Join Split Key makes Symmetric Keys and Secret Data, not " + name);
        }
        Optional<TtlvItem> secretDataType = Payloads.optional(payload, Tag.SECRET_DATA_TYPE, ItemType.ENUMERATION);
        if (secretData && secretDataType.isEmpty()) {
            throw new KmipException(ResultReason.MISSING_DATA, "Secret Data Type is missing");
        }
        List<String> uids = new ArrayList<>();
        for (TtlvItem u : payload.childrenWith(Tag.UNIQUE_IDENTIFIER)) {
            if (u.type() != ItemType.TEXT_STRING) {
                throw new KmipException(ResultReason.INVALID_FIELD, "Unique Identifier must be a Text String");
            }
            uids.add(u.textValue());
        }
        if (uids.isEmpty()) {
            throw new KmipException(ResultReason.MISSING_DATA, "no Unique Identifier of a Split Key is given");
        }
        List<KmipAttribute> client = context.read(tx -> RequestAttributes.read(context, tx, payload, objectType));
        List<StoredObject> parts = context.read(tx -> {
            List<StoredObject> out = new ArrayList<>();
            for (String uid : uids) {
                out.add(ManagedObjects.load(context, tx, uid));
            }
            return out;
        });
        TtlvItem first = null;
        for (StoredObject part : parts) {
            Payloads.requireOnline(part);
            if (part.objectType() != ObjectType.SPLIT_KEY.value()) {
                throw new KmipException(Payloads.reason(context, ResultReason.INVALID_OBJECT_TYPE, ResultReason.INVALID_FIELD),
                        "object " + ManagedObjects.printable(part.uniqueIdentifier()) + " is not a Split Key");
            }
            if (Lifecycle.isDestroyed(part)) {
                throw Lifecycle.destroyed(context.version(), part);
            }
            if (first == null) {
                first = part.object();
            } else if (!sameSplit(first, part.object())) {
                throw new KmipException(ResultReason.INVALID_FIELD, "the Split Keys are not parts of the same split: their"
                        + " Split Key Parts, Threshold, Method or Prime Field Size differ");
            }
        }
        SplitParameters parameters = SplitKeys.parameters(field(first, Tag.SPLIT_KEY_METHOD).enumValue(),
                field(first, Tag.SPLIT_KEY_PARTS).intValue(), field(first, Tag.SPLIT_KEY_THRESHOLD).intValue(),
                first.child(Tag.PRIME_FIELD_SIZE).map(TtlvItem::bigIntegerValue).orElse(null));
        if (parts.size() < parameters.threshold()) {
            throw new KmipException(ResultReason.MISSING_DATA, parameters.threshold() + " parts are needed to join this"
                    + " Split Key, " + parts.size() + " given");
        }
        TtlvItem block = first.child(Tag.KEY_BLOCK).orElseThrow();
        Optional<TtlvItem> algorithm = client.stream().filter(a -> a.name().equals("Cryptographic Algorithm"))
                .map(KmipAttribute::value).findFirst().or(() -> block.child(Tag.CRYPTOGRAPHIC_ALGORITHM));
        Optional<TtlvItem> length = block.child(Tag.CRYPTOGRAPHIC_LENGTH);
        if (!secretData && algorithm.isEmpty()) {
            throw new KmipException(ResultReason.MISSING_DATA, "Cryptographic Algorithm is missing: the parts do not"
                    + " carry one, so the request must");
        }
        List<Share> shares = new ArrayList<>();
        byte[] secret;
        try {
            for (StoredObject part : parts) {
                byte[] value = KeyMaterial.secretBytes(part);
                shares.add(new Share(field(part.object(), Tag.KEY_PART_IDENTIFIER).intValue(), value));
                Arrays.fill(value, (byte) 0);
            }
            int secretBytes = length.map(l -> (l.intValue() + 7) / 8).orElse(0);
            secret = SecretSharing.join(parameters, shares, secretBytes);
        } catch (IllegalArgumentException e) {
            throw new KmipException(ResultReason.INVALID_FIELD, e.getMessage());
        } finally {
            shares.forEach(Share::erase);
        }
        TtlvItem object;
        List<TtlvItem> derived = new ArrayList<>();
        try {
            List<TtlvItem> keyBlock = new ArrayList<>();
            keyBlock.add(TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE,
                    secretData ? KeyFormatType.OPAQUE.value() : KeyFormatType.RAW.value()));
            keyBlock.add(TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, secret)));
            if (!secretData) {
                keyBlock.add(algorithm.get());
                TtlvItem bits = length.orElse(TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, secret.length * 8));
                keyBlock.add(bits);
                derived.add(algorithm.get());
                derived.add(bits);
                object = TtlvItem.structure(Tag.SYMMETRIC_KEY, TtlvItem.structure(Tag.KEY_BLOCK, keyBlock));
            } else {
                object = TtlvItem.structure(Tag.SECRET_DATA, secretDataType.get(), TtlvItem.structure(Tag.KEY_BLOCK, keyBlock));
            }
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
        StoredObject stored = NewObjects.build(context, objectType, object, client, derived);
        context.write(tx -> {
            tx.insert(stored);
            return null;
        });
        context.idPlaceholder(stored.uniqueIdentifier());
        return Payloads.response(Payloads.uniqueIdentifier(stored.uniqueIdentifier()));
    }

    private static boolean sameSplit(TtlvItem a, TtlvItem b) {
        for (int tag : new int[] {Tag.SPLIT_KEY_PARTS, Tag.SPLIT_KEY_THRESHOLD, Tag.SPLIT_KEY_METHOD, Tag.PRIME_FIELD_SIZE}) {
            if (!a.child(tag).equals(b.child(tag))) {
                return false;
            }
        }
        return true;
    }

    private static TtlvItem field(TtlvItem splitKey, int tag) throws KmipException {
        return splitKey.child(tag).orElseThrow(() -> new KmipException(ResultReason.INVALID_FIELD,
                "a Split Key lacks " + Payloads.name(tag)));
    }
}
