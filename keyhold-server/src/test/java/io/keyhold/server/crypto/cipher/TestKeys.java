package io.keyhold.server.crypto.cipher;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoredObject;
import java.util.HexFormat;
import java.util.List;

/** Stored keys for the cipher tests, built directly (no handlers). */
final class TestKeys {
    private TestKeys() {}

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    static StoredObject symmetric(String hexKey, CryptographicAlgorithm algorithm) {
        byte[] key = hex(hexKey);
        TtlvItem object = TtlvItem.structure(Tag.SYMMETRIC_KEY, TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.RAW.value()),
                TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, key)),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, algorithm.value()),
                TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, key.length * 8)));
        return stored(ObjectType.SYMMETRIC_KEY, algorithm, object);
    }

    static StoredObject asymmetric(ObjectType type, KeyFormatType format, byte[] encoded) {
        TtlvItem object = TtlvItem.structure(type == ObjectType.PUBLIC_KEY ? Tag.PUBLIC_KEY : Tag.PRIVATE_KEY,
                TtlvItem.structure(Tag.KEY_BLOCK, TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, format.value()),
                        TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, encoded)),
                        TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.RSA.value()),
                        TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 2048)));
        return stored(type, CryptographicAlgorithm.RSA, object);
    }

    private static StoredObject stored(ObjectType type, CryptographicAlgorithm algorithm, TtlvItem object) {
        return new StoredObject("k1", "client1", StorageStatus.ONLINE, List.of(
                KmipAttribute.of(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "k1")),
                KmipAttribute.of(TtlvItem.enumeration(Tag.OBJECT_TYPE, type.value())),
                KmipAttribute.of(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, algorithm.value())),
                KmipAttribute.of(TtlvItem.enumeration(Tag.STATE, State.ACTIVE.value())),
                KmipAttribute.of(TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK, 12))), object);
    }
}
