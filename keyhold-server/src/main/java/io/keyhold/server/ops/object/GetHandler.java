package io.keyhold.server.ops.object;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.KeyWrapType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.Lifecycle;
import io.keyhold.server.ops.ManagedObjects;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.store.StoredObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Get (KMIP 1.4 section 4.11, 2.1 section 6.1): returns Object Type, Unique Identifier and the object as
 * it was registered or created (a created symmetric key: Raw Key Block with only Key Material in the Key
 * Value, then Cryptographic Algorithm and Length). A symmetric key converts between Raw and Transparent
 * Symmetric Key; any other requested Key Format Type is Key Format Type Not Supported, a Key Compression
 * Type other than the stored one Key Compression Type Not Supported, and key wrapping (Key Wrapping
 * Specification, or Key Wrap Type Not Wrapped for a wrapped key) Feature Not Supported. Works in every state
 * that still has material (Deactivated and Compromised keys too); destroyed material is Object Destroyed in
 * 2.x and Item Not Found in 1.x; archived objects are Object Archived. The first Get clears Fresh.
 */
final class GetHandler implements OperationHandler {

    @Override
    public Operation operation() {
        return Operation.GET;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        String uid = ManagedObjects.uniqueIdentifier(context, payload);
        Optional<TtlvItem> format = Payloads.optional(payload, Tag.KEY_FORMAT_TYPE, ItemType.ENUMERATION);
        Optional<TtlvItem> compression = Payloads.optional(payload, Tag.KEY_COMPRESSION_TYPE, ItemType.ENUMERATION);
        Optional<TtlvItem> wrapType = Payloads.optional(payload, Tag.KEY_WRAP_TYPE, ItemType.ENUMERATION);
        boolean wrappingAsked = payload.child(Tag.KEY_WRAPPING_SPECIFICATION).isPresent();

        StoredObject[] views = context.read(tx -> {
            StoredObject asLoaded = ManagedObjects.load(context, tx, uid);
            return new StoredObject[] {tx.get(uid).orElseThrow(), asLoaded};
        });
        StoredObject loaded = views[1];
        TtlvItem object = present(context, loaded, format, compression, wrapType, wrappingAsked);
        boolean fresh = loaded.attribute("Fresh").map(a -> a.value().type() == ItemType.BOOLEAN && a.value().booleanValue())
                .orElse(false);
        // write only when something changes: the first Get of a fresh object, or a lifecycle date that
        // has come and is not yet stored
        if (fresh || views[0].state() != loaded.state()) {
            context.write(tx -> {
                StoredObject current = ManagedObjects.load(context, tx, uid);
                if (current.attribute("Fresh").isPresent()) {
                    current = Lifecycle.with(current, TtlvItem.bool(Tag.FRESH, false));
                }
                tx.update(current);
                return null;
            });
        }
        return Payloads.response(TtlvItem.enumeration(Tag.OBJECT_TYPE, loaded.objectType()),
                Payloads.uniqueIdentifier(uid), object);
    }

    private static TtlvItem present(OperationContext context, StoredObject stored, Optional<TtlvItem> format,
                                    Optional<TtlvItem> compression, Optional<TtlvItem> wrapType, boolean wrappingAsked)
            throws KmipException {
        Payloads.requireOnline(stored);
        if (stored.object() == null) {
            throw Lifecycle.destroyed(context.version(), stored);
        }
        TtlvItem object = stored.object();
        Optional<TtlvItem> block = object.child(Tag.KEY_BLOCK);
        boolean wrapped = block.flatMap(b -> b.child(Tag.KEY_WRAPPING_DATA)).isPresent();
        if (wrappingAsked) {
            throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, "this server does not wrap keys on Get");
        }
        if (wrapType.isPresent() && wrapType.get().enumValue() == KeyWrapType.NOT_WRAPPED.value() && wrapped) {
            throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, "the key was registered wrapped and this server"
                    + " cannot unwrap it");
        }
        if (wrapType.isPresent() && wrapType.get().enumValue() != KeyWrapType.NOT_WRAPPED.value()
                && wrapType.get().enumValue() != KeyWrapType.AS_REGISTERED.value()) {
            throw new KmipException(Payloads.reason(context, ResultReason.KEY_WRAP_TYPE_NOT_SUPPORTED,
                    ResultReason.FEATURE_NOT_SUPPORTED), "Key Wrap Type 0x" + Integer.toHexString(wrapType.get().enumValue())
                    + " is not supported");
        }
        if (compression.isPresent()) {
            Optional<TtlvItem> stored2 = block.flatMap(b -> b.child(Tag.KEY_COMPRESSION_TYPE));
            if (stored2.isEmpty() || stored2.get().enumValue() != compression.get().enumValue()) {
                throw new KmipException(ResultReason.KEY_COMPRESSION_TYPE_NOT_SUPPORTED,
                        "this server returns keys only in the compression they were registered with");
            }
        }
        if (format.isEmpty()) {
            return object;
        }
        int wanted = format.get().enumValue();
        if (block.isEmpty()) {
            throw new KmipException(ResultReason.KEY_FORMAT_TYPE_NOT_SUPPORTED, "a " + Payloads.name(object.tag())
                    + " has no Key Block to return in Key Format Type " + ObjectStructures.formatName(wanted));
        }
        int have = block.get().child(Tag.KEY_FORMAT_TYPE).map(TtlvItem::enumValue).orElse(-1);
        if (wanted == have) {
            return object;
        }
        if (object.tag() == Tag.SYMMETRIC_KEY && !wrapped) {
            if (have == KeyFormatType.RAW.value() && wanted == KeyFormatType.TRANSPARENT_SYMMETRIC_KEY.value()) {
                return convert(object, block.get(), wanted, m -> TtlvItem.structure(Tag.KEY_MATERIAL,
                        TtlvItem.bytes(Tag.KEY, m.bytesValue())));
            }
            if (have == KeyFormatType.TRANSPARENT_SYMMETRIC_KEY.value() && wanted == KeyFormatType.RAW.value()) {
                return convert(object, block.get(), wanted, m -> TtlvItem.bytes(Tag.KEY_MATERIAL,
                        m.child(Tag.KEY).orElseThrow().bytesValue()));
            }
        }
        throw new KmipException(ResultReason.KEY_FORMAT_TYPE_NOT_SUPPORTED, "this object is kept in Key Format Type "
                + ObjectStructures.formatName(have) + " and cannot be returned as " + ObjectStructures.formatName(wanted));
    }

    private interface MaterialConversion {
        TtlvItem apply(TtlvItem material);
    }

    /** The object with its Key Block in another format: Key Format Type and Key Material replaced, the rest kept. */
    private static TtlvItem convert(TtlvItem object, TtlvItem block, int format, MaterialConversion conversion) {
        List<TtlvItem> blockChildren = new ArrayList<>();
        for (TtlvItem c : block.children()) {
            if (c.tag() == Tag.KEY_FORMAT_TYPE) {
                blockChildren.add(TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, format));
            } else if (c.tag() == Tag.KEY_VALUE) {
                List<TtlvItem> valueChildren = new ArrayList<>();
                for (TtlvItem v : c.children()) {
                    valueChildren.add(v.tag() == Tag.KEY_MATERIAL ? conversion.apply(v) : v);
                }
                blockChildren.add(TtlvItem.structure(Tag.KEY_VALUE, valueChildren));
            } else {
                blockChildren.add(c);
            }
        }
        List<TtlvItem> objectChildren = new ArrayList<>();
        for (TtlvItem c : object.children()) {
            objectChildren.add(c.tag() == Tag.KEY_BLOCK ? TtlvItem.structure(Tag.KEY_BLOCK, blockChildren) : c);
        }
        return TtlvItem.structure(object.tag(), objectChildren);
    }
}
