package io.keyhold.server.ops.object;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.KeyMaterial;
import io.keyhold.server.crypto.format.KeyFormats;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The managed object structures of KMIP 1.4 section 2.2 and 2.1 section 2.2: which tag carries each object
 * type, the checks Register makes on them, the attributes the server reads from them, and the bytes their
 * Digest covers. Material is stored exactly as registered.
 */
public final class ObjectStructures {
    private ObjectStructures() {}

    /** The tag of the object structure for an Object Type, or -1 for types that cannot be registered. */
    public static int tagOf(int objectType) {
        return ObjectType.fromValue(objectType).map(t -> switch (t) {
            case CERTIFICATE -> Tag.CERTIFICATE;
            case SYMMETRIC_KEY -> Tag.SYMMETRIC_KEY;
            case PUBLIC_KEY -> Tag.PUBLIC_KEY;
            case PRIVATE_KEY -> Tag.PRIVATE_KEY;
            case SPLIT_KEY -> Tag.SPLIT_KEY;
            case TEMPLATE -> Tag.TEMPLATE;
            case SECRET_DATA -> Tag.SECRET_DATA;
            case OPAQUE_OBJECT -> Tag.OPAQUE_OBJECT;
            case PGP_KEY -> Tag.PGP_KEY;
            default -> -1;
        }).orElse(-1);
    }

    /** True for the object types whose structure holds a Key Block. */
    public static boolean hasKeyBlock(int objectType) {
        return objectType == ObjectType.SYMMETRIC_KEY.value() || objectType == ObjectType.PUBLIC_KEY.value()
                || objectType == ObjectType.PRIVATE_KEY.value() || objectType == ObjectType.SPLIT_KEY.value()
                || objectType == ObjectType.SECRET_DATA.value() || objectType == ObjectType.PGP_KEY.value();
    }

    /**
     * Checks a registered object's structure and returns the attribute values the server reads from it
     * (Cryptographic Algorithm and Length from a Key Block; the certificate attributes; the Names a 1.0
     * Template carries inside itself, which name the template).
     *
     * @throws KmipException Invalid Field when the structure is malformed
     */
    public static List<TtlvItem> inspect(int objectType, TtlvItem object, KmipVersion version) throws KmipException {
        List<TtlvItem> derived = new ArrayList<>();
        if (!object.isStructure()) {
            throw invalid(Payloads.name(object.tag()) + " must be a Structure");
        }
        try {
            if (hasKeyBlock(objectType)) {
                if (objectType == ObjectType.SECRET_DATA.value()) {
                    Payloads.required(object, Tag.SECRET_DATA_TYPE, ItemType.ENUMERATION);
                } else if (objectType == ObjectType.SPLIT_KEY.value()) {
                    Payloads.required(object, Tag.SPLIT_KEY_PARTS, ItemType.INTEGER);
                    Payloads.required(object, Tag.KEY_PART_IDENTIFIER, ItemType.INTEGER);
                    Payloads.required(object, Tag.SPLIT_KEY_THRESHOLD, ItemType.INTEGER);
                    Payloads.required(object, Tag.SPLIT_KEY_METHOD, ItemType.ENUMERATION);
                } else if (objectType == ObjectType.PGP_KEY.value()) {
                    Payloads.required(object, Tag.PGP_KEY_VERSION, ItemType.INTEGER);
                }
                TtlvItem block = Payloads.required(object, Tag.KEY_BLOCK, ItemType.STRUCTURE);
                int format = Payloads.required(block, Tag.KEY_FORMAT_TYPE, ItemType.ENUMERATION).enumValue();
                TtlvItem keyValue = block.child(Tag.KEY_VALUE)
                        .orElseThrow(() -> invalid("Key Block: Key Value is missing"));
                Optional<TtlvItem> algorithm = Payloads.optional(block, Tag.CRYPTOGRAPHIC_ALGORITHM, ItemType.ENUMERATION);
                Optional<TtlvItem> length = Payloads.optional(block, Tag.CRYPTOGRAPHIC_LENGTH, ItemType.INTEGER);
                algorithm.ifPresent(derived::add);
                boolean wrapped = block.child(Tag.KEY_WRAPPING_DATA).isPresent();
                if (keyValue.isStructure()) {
                    KeyMaterial.Inspection material = KeyMaterial.inspect(keyValue)
                            .orElseThrow(() -> invalid("Key Value: Key Material is missing"));
                    if (format == KeyFormatType.RAW.value() || format == KeyFormatType.OPAQUE.value()) {
                        if (material.type() != ItemType.BYTE_STRING) {
                            throw invalid("Key Material of a " + formatName(format) + " key must be a Byte String");
                        }
                        if (material.lengthBytes() == 0) {
                            throw invalid("Key Material is empty");
                        }
                    }
                    if (format == KeyFormatType.TRANSPARENT_SYMMETRIC_KEY.value()) {
                        material.requireField(Tag.KEY, ItemType.BYTE_STRING);
                    }
                    if (length.isEmpty() && format == KeyFormatType.RAW.value() && !wrapped
                            && objectType == ObjectType.SYMMETRIC_KEY.value()) {
                        derived.add(TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, material.lengthBytes() * 8));
                    }
                } else if (keyValue.type() != ItemType.BYTE_STRING || !wrapped) {
                    throw invalid("Key Value must be a Structure (or a Byte String when Key Wrapping Data is present)");
                }
                length.ifPresent(derived::add);
            } else if (objectType == ObjectType.CERTIFICATE.value()) {
                derived.addAll(Certificates.attributes(object, version));
            } else if (objectType == ObjectType.OPAQUE_OBJECT.value()) {
                Payloads.required(object, Tag.OPAQUE_DATA_TYPE, ItemType.ENUMERATION);
                Payloads.required(object, Tag.OPAQUE_DATA_VALUE, ItemType.BYTE_STRING);
            } else if (objectType == ObjectType.TEMPLATE.value()) {
                for (var a : AttributeMapping.fromTemplateAttribute(object)) {
                    if (a.name().equals("Name")) {
                        derived.add(a.value());
                    }
                }
            }
        } catch (KmipException e) {
            if (e.reason() == ResultReason.INVALID_FIELD) {
                throw e;
            }
            throw invalid(Payloads.name(object.tag()) + ": " + e.getMessage());
        }
        return derived;
    }

    /**
     * The SHA-256 value of the Digest: over the key material as stored (through {@link KeyMaterial}), a wrapped
     * Key Value, the certificate or the opaque data; none for Templates.
     */
    static Optional<byte[]> digestValue(TtlvItem object) {
        Optional<TtlvItem> block = object.child(Tag.KEY_BLOCK);
        if (block.isPresent()) {
            Optional<TtlvItem> keyValue = block.get().child(Tag.KEY_VALUE);
            if (keyValue.isEmpty()) {
                return Optional.empty();
            }
            TtlvItem v = keyValue.get();
            if (v.type() == ItemType.BYTE_STRING) {
                return Optional.of(KeyMaterial.sha256(v.bytesValue()));
            }
            return KeyMaterial.sha256(v);
        }
        return object.child(Tag.CERTIFICATE_VALUE).or(() -> object.child(Tag.OPAQUE_DATA_VALUE))
                .filter(v -> v.type() == ItemType.BYTE_STRING).map(v -> KeyMaterial.sha256(v.bytesValue()));
    }

    /**
     * The object with its key material in the default Key Format Type of its type, over which the Digest is
     * computed (KMIP 1.4 section 3.17, 2.1 section 4): PKCS#1 for RSA Private and Public
     * Keys, Raw for Symmetric Keys. Any other object, a wrapped key, or one that does not convert is used
     * as stored.
     */
    static TtlvItem inDefaultFormat(TtlvItem object) {
        Optional<TtlvItem> block = object.child(Tag.KEY_BLOCK);
        if (block.isEmpty() || block.get().child(Tag.KEY_WRAPPING_DATA).isPresent()) {
            return object;
        }
        boolean rsa = block.get().child(Tag.CRYPTOGRAPHIC_ALGORITHM).filter(a -> a.type() == ItemType.ENUMERATION)
                .map(a -> a.enumValue() == CryptographicAlgorithm.RSA.value()).orElse(false);
        int wanted;
        if ((object.tag() == Tag.PRIVATE_KEY || object.tag() == Tag.PUBLIC_KEY) && rsa) {
            wanted = KeyFormatType.PKCS_1.value();
        } else if (object.tag() == Tag.SYMMETRIC_KEY) {
            wanted = KeyFormatType.RAW.value();
        } else {
            return object;
        }
        try {
            return KeyFormats.convert(object, wanted);
        } catch (KmipException e) {
            return object;
        }
    }

    static Optional<Integer> keyFormatType(TtlvItem object) {
        return object.child(Tag.KEY_BLOCK).flatMap(b -> b.child(Tag.KEY_FORMAT_TYPE))
                .filter(f -> f.type() == ItemType.ENUMERATION).map(TtlvItem::enumValue);
    }

    static String formatName(int format) {
        return KeyFormatType.fromValue(format).map(KeyFormatType::specName).orElse("0x" + Integer.toHexString(format));
    }

    private static KmipException invalid(String message) {
        return new KmipException(ResultReason.INVALID_FIELD, message);
    }
}
