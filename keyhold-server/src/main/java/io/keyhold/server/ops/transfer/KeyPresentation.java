package io.keyhold.server.ops.transfer;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.KeyWrapType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.VersionRules;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.format.KeyFormats;
import io.keyhold.server.crypto.wrap.KeyWrapping;
import io.keyhold.server.crypto.wrap.WrappingSpecification;
import io.keyhold.server.ops.Lifecycle;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.PayloadFields;
import io.keyhold.server.store.StoredObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The object as Get and Export return it (KMIP 1.4 sections 4.11 and 4.26, 2.1 sections 6.1.22 and 6.1.19):
 * in the requested Key Format Type (default: as stored), the stored Key Compression Type only, unwrapped for
 * Key Wrap Type Not Wrapped when the caller holds the unwrapping key, and wrapped per a Key Wrapping
 * Specification. Extractable False refuses the key material (Not Extractable); Sensitive True refuses it in
 * clear (Sensitive), also under Wrapping Method MAC/sign, which leaves the Key Value in clear. The caller has checked that the object is on-line and not destroyed.
 */
public final class KeyPresentation {
    private static final VersionRules RULES = VersionRules.standard();
    private final KeyWrapping wrapping;

    public KeyPresentation(KeyWrapping wrapping) {
        this.wrapping = java.util.Objects.requireNonNull(wrapping, "wrapping");
    }

    /** The object structure to answer with, for the request payload's Key Format Type, Key Compression Type, Key Wrap Type and Key Wrapping Specification. */
    public TtlvItem present(OperationContext context, StoredObject stored, TtlvItem payload) throws KmipException {
        Optional<TtlvItem> format = PayloadFields.optional(payload, Tag.KEY_FORMAT_TYPE, ItemType.ENUMERATION);
        Optional<TtlvItem> compression = PayloadFields.optional(payload, Tag.KEY_COMPRESSION_TYPE, ItemType.ENUMERATION);
        Optional<TtlvItem> wrapType = PayloadFields.optional(payload, Tag.KEY_WRAP_TYPE, ItemType.ENUMERATION);
        Optional<TtlvItem> specItem = PayloadFields.optional(payload, Tag.KEY_WRAPPING_SPECIFICATION, ItemType.STRUCTURE);
        TtlvItem object = stored.object();
        Optional<TtlvItem> block = object.child(Tag.KEY_BLOCK);
        boolean wrapped = block.flatMap(b -> b.child(Tag.KEY_WRAPPING_DATA)).isPresent();
        if (wrapType.isPresent() && wrapType.get().enumValue() != KeyWrapType.NOT_WRAPPED.value()
                && wrapType.get().enumValue() != KeyWrapType.AS_REGISTERED.value()) {
            throw new KmipException(Lifecycle.reason(context.version(), ResultReason.KEY_WRAP_TYPE_NOT_SUPPORTED,
                    ResultReason.FEATURE_NOT_SUPPORTED), "Key Wrap Type 0x" + Integer.toHexString(wrapType.get().enumValue())
                    + " is not supported");
        }
        boolean clearWanted = wrapType.isPresent() && wrapType.get().enumValue() == KeyWrapType.NOT_WRAPPED.value();
        int storedFormat = block.flatMap(b -> b.child(Tag.KEY_FORMAT_TYPE)).map(TtlvItem::enumValue).orElse(-1);
        boolean otherFormat = format.isPresent() && format.get().enumValue() != storedFormat;
        boolean unwrap = wrapped && (clearWanted || specItem.isPresent() || otherFormat);
        if (block.isPresent()) {
            if (flag(stored, "Extractable", false)) {
                throw new KmipException(Lifecycle.reason(context.version(), ResultReason.NOT_EXTRACTABLE,
                        ResultReason.PERMISSION_DENIED), "the object's Extractable attribute is False: its key material never"
                        + " leaves the server");
            }
            // MAC/sign leaves the Key Value in clear: only a specification that encrypts keeps it hidden
            boolean encrypted = specItem.isPresent() && WrappingSpecification.from(specItem.get()).encrypts();
            boolean storedClear = !wrapped || block.get().child(Tag.KEY_VALUE).map(TtlvItem::isStructure).orElse(false);
            boolean answeredInClear = !encrypted && (storedClear || unwrap);
            if (answeredInClear && flag(stored, "Sensitive", true)) {
                throw new KmipException(Lifecycle.reason(context.version(), ResultReason.SENSITIVE,
                        ResultReason.PERMISSION_DENIED), "the object's Sensitive attribute is True: its key material is returned"
                        + " only encrypted (give a Key Wrapping Specification with Wrapping Method Encrypt or Encrypt then"
                        + " MAC/sign)");
            }
        }
        if (unwrap) {
            if (KeyWrapping.unwrappingKeyOf(context, object).isEmpty()) {
                if (otherFormat && !clearWanted && specItem.isEmpty()) {
                    throw new KmipException(ResultReason.KEY_FORMAT_TYPE_NOT_SUPPORTED, "the key was registered wrapped with a"
                            + " key this server does not hold for you: it is returned only as registered");
                }
                throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, "the key was registered wrapped with a key this"
                        + " server does not hold for you, so it cannot be unwrapped");
            }
            object = wrapping.unwrap(context, object);
            block = object.child(Tag.KEY_BLOCK);
        }
        if (compression.isPresent()) {
            Optional<TtlvItem> have = block.flatMap(b -> b.child(Tag.KEY_COMPRESSION_TYPE));
            if (have.isEmpty() || have.get().enumValue() != compression.get().enumValue()) {
                throw new KmipException(ResultReason.KEY_COMPRESSION_TYPE_NOT_SUPPORTED,
                        "this server returns keys only in the compression they were registered with");
            }
        }
        if (format.isPresent()) {
            object = KeyFormats.convert(object, format.get().enumValue());
        }
        if (specItem.isPresent()) {
            WrappingSpecification spec = WrappingSpecification.from(specItem.get());
            object = wrapping.wrap(context, object, keyValueAttributes(stored, spec.attributeNames(), context.version()), spec);
        }
        return object;
    }

    /** True when the object has the Boolean attribute with the given value. */
    private static boolean flag(StoredObject stored, String name, boolean value) {
        return stored.attribute(name).map(a -> a.value().type() == ItemType.BOOLEAN && a.value().booleanValue() == value)
                .orElse(false);
    }

    /** The named attributes as they go into a Key Value: 1.x Attribute structures, one 2.x Attributes structure. */
    static List<TtlvItem> keyValueAttributes(StoredObject stored, List<String> names, KmipVersion version) {
        List<KmipAttribute> selected = new ArrayList<>();
        for (String name : names) {
            for (KmipAttribute a : stored.attributes(name)) {
                if (a.value().tag() == Tag.ATTRIBUTE_VALUE || RULES.hasTag(a.value().tag(), version)) {
                    selected.add(a);
                }
            }
        }
        List<TtlvItem> out = new ArrayList<>();
        if (selected.isEmpty()) {
            return out;
        }
        if (version.isTwoOrLater()) {
            out.add(AttributeMapping.toAttributes(Tag.ATTRIBUTES, selected));
        } else {
            for (KmipAttribute a : selected) {
                out.add(AttributeMapping.toAttribute(a));
            }
        }
        return out;
    }
}
