package io.keyhold.server.crypto.signature;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoredObject;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Keys for tests, stored directly as the server keeps them: Private Key as PKCS#8, Public Key as X.509
 * SubjectPublicKeyInfo, Symmetric Key as Raw, each with Object Type, State, Cryptographic Algorithm and Usage Mask.
 */
public final class TestKeys {
    public static final String OWNER = "client1";

    private TestKeys() {}

    public static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    public static KeyPair rsa(int bits) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits);
        return g.generateKeyPair();
    }

    public static KeyPair ec(String curve) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    public static KeyPair edwards(String name) throws GeneralSecurityException {
        return KeyPairGenerator.getInstance(name).generateKeyPair();
    }

    public static StoredObject privateKey(String uid, byte[] pkcs8, CryptographicAlgorithm alg, int mask, State state,
                                          KmipAttribute... extra) {
        return object(uid, ObjectType.PRIVATE_KEY, Tag.PRIVATE_KEY, KeyFormatType.PKCS_8, pkcs8, alg, mask, state, extra);
    }

    public static StoredObject publicKey(String uid, byte[] spki, CryptographicAlgorithm alg, int mask, State state,
                                         KmipAttribute... extra) {
        return object(uid, ObjectType.PUBLIC_KEY, Tag.PUBLIC_KEY, KeyFormatType.X_509, spki, alg, mask, state, extra);
    }

    public static StoredObject symmetricKey(String uid, byte[] key, CryptographicAlgorithm alg, int mask, State state,
                                            KmipAttribute... extra) {
        return object(uid, ObjectType.SYMMETRIC_KEY, Tag.SYMMETRIC_KEY, KeyFormatType.RAW, key, alg, mask, state, extra);
    }

    /** A Cryptographic Parameters structure of the given fields. */
    public static TtlvItem parameters(TtlvItem... fields) {
        return TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS, fields);
    }

    private static StoredObject object(String uid, ObjectType type, int tag, KeyFormatType format, byte[] material,
                                       CryptographicAlgorithm alg, int mask, State state, KmipAttribute... extra) {
        TtlvItem structure = TtlvItem.structure(tag, TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, format.value()),
                TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, material)),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, alg.value())));
        List<KmipAttribute> attributes = new ArrayList<>(List.of(
                KmipAttribute.of(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uid)),
                KmipAttribute.of(TtlvItem.enumeration(Tag.OBJECT_TYPE, type.value())),
                KmipAttribute.of(TtlvItem.enumeration(Tag.STATE, state.value())),
                KmipAttribute.of(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, alg.value())),
                KmipAttribute.of(TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK, mask))));
        attributes.addAll(List.of(extra));
        return new StoredObject(uid, OWNER, StorageStatus.ONLINE, attributes, structure);
    }
}
