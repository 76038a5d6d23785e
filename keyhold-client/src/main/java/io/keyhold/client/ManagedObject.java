package io.keyhold.client;

import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.Optional;

/**
 * An object a Get returned: its Unique Identifier and Object Type, what its Key Block says (Key Format
 * Type, Cryptographic Algorithm and Length; null for objects without one), and its value as bytes: the Key
 * Material of a key or Secret Data in a byte format (Raw, Opaque, PKCS#1, PKCS#8, X.509, ...), the
 * Certificate Value of a certificate, the Opaque Data Value of an Opaque Object; null when the value is a
 * structure (Transparent formats, wrapped keys). {@link #object()} keeps the whole object structure.
 */
public record ManagedObject(String uniqueIdentifier, ObjectType objectType, KeyFormatType keyFormatType,
                            CryptographicAlgorithm algorithm, Integer length, byte[] value, TtlvItem object) {
    public ManagedObject {
        value = value == null ? null : value.clone();
    }

    @Override
    public byte[] value() {
        return value == null ? null : value.clone();
    }

    /** The value as bytes, when the object holds it as bytes. */
    public Optional<byte[]> bytes() {
        return Optional.ofNullable(value());
    }

    /** Reads the object structure of a Get response. */
    static ManagedObject from(String uid, ObjectType type, TtlvItem object) {
        Optional<TtlvItem> block = object.child(Tag.KEY_BLOCK);
        KeyFormatType format = block.flatMap(b -> b.child(Tag.KEY_FORMAT_TYPE))
                .flatMap(f -> KeyFormatType.fromValue(f.enumValue())).orElse(null);
        CryptographicAlgorithm algorithm = block.flatMap(b -> b.child(Tag.CRYPTOGRAPHIC_ALGORITHM))
                .flatMap(a -> CryptographicAlgorithm.fromValue(a.enumValue())).orElse(null);
        Integer length = block.flatMap(b -> b.child(Tag.CRYPTOGRAPHIC_LENGTH)).map(TtlvItem::intValue).orElse(null);
        byte[] value = null;
        if (block.isPresent()) {
            Optional<TtlvItem> keyValue = block.get().child(Tag.KEY_VALUE);
            if (keyValue.isPresent() && keyValue.get().isStructure()) {
                value = keyValue.get().child(Tag.KEY_MATERIAL).filter(m -> m.type() == ItemType.BYTE_STRING)
                        .map(TtlvItem::bytesValue).orElse(null);
            }
        } else {
            value = object.child(Tag.CERTIFICATE_VALUE).or(() -> object.child(Tag.OPAQUE_DATA_VALUE))
                    .filter(v -> v.type() == ItemType.BYTE_STRING).map(TtlvItem::bytesValue).orElse(null);
        }
        return new ManagedObject(uid, type, format, algorithm, length, value, object);
    }
}
