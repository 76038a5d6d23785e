package io.keyhold.server.crypto;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.format.KeyFormats;
import io.keyhold.server.ops.PayloadFields;
import io.keyhold.server.store.StoredObject;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Optional;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * THE capability that reads key material out of a managed object. Nothing else in the server reads Key
 * Material bytes (grep for {@code KeyMaterial.} to audit every use); cryptographic services receive the
 * JCA keys it returns and handlers never see either.
 *
 * <p>Reads the object structure's Key Block: Raw, Opaque and Transparent Symmetric Key for secret keys;
 * for private keys every format {@link KeyFormats} reads (PKCS#8, PKCS#1, ECPrivateKey, the Transparent
 * structures); for public keys likewise (X.509 SubjectPublicKeyInfo, PKCS#1, Transparent). Wrapped Key Blocks
 * are Key Value Not Present.
 *
 * <p>The only other code that handles Key Material is {@code crypto.format.KeyFormats} and
 * {@code crypto.wrap.KeyWrapping}, which re-encode and (un)wrap whole Key Blocks for Get, Export, Register and
 * Import; the wrapping keys they use come from this class.
 */
public final class KeyMaterial {
    private KeyMaterial() {}

    /** The Key Block of the object's structure. */
    static TtlvItem keyBlock(StoredObject object) throws KmipException {
        TtlvItem structure = object.object();
        if (structure == null) {
            throw new KmipException(ResultReason.OBJECT_DESTROYED, "the object's key material has been destroyed");
        }
        return structure.child(Tag.KEY_BLOCK).orElseThrow(() -> new KmipException(ResultReason.INVALID_OBJECT_TYPE,
                "the object holds no Key Block"));
    }

    static int formatOf(TtlvItem keyBlock) throws KmipException {
        return keyBlock.child(Tag.KEY_FORMAT_TYPE).orElseThrow(() -> new KmipException(ResultReason.INVALID_FIELD,
                "the Key Block has no Key Format Type")).enumValue();
    }

    /** The Key Material item of an unwrapped Key Block. */
    static TtlvItem keyMaterialItem(TtlvItem keyBlock) throws KmipException {
        if (keyBlock.child(Tag.KEY_WRAPPING_DATA).isPresent()) {
            throw new KmipException(ResultReason.KEY_VALUE_NOT_PRESENT, "the key is stored wrapped");
        }
        TtlvItem value = keyBlock.child(Tag.KEY_VALUE).orElseThrow(() -> new KmipException(ResultReason.KEY_VALUE_NOT_PRESENT,
                "the Key Block has no Key Value"));
        if (value.type() == ItemType.BYTE_STRING) {
            throw new KmipException(ResultReason.KEY_VALUE_NOT_PRESENT, "the key is stored wrapped");
        }
        return value.child(Tag.KEY_MATERIAL).orElseThrow(() -> new KmipException(ResultReason.KEY_VALUE_NOT_PRESENT,
                "the Key Value has no Key Material"));
    }

    /** The secret bytes of a Symmetric Key or Secret Data (Raw, Opaque or Transparent Symmetric Key). */
    public static byte[] secretBytes(StoredObject object) throws KmipException {
        TtlvItem block = keyBlock(object);
        int format = formatOf(block);
        TtlvItem material = keyMaterialItem(block);
        if (format == KeyFormatType.RAW.value() || format == KeyFormatType.OPAQUE.value()) {
            return material.bytesValue();
        }
        if (format == KeyFormatType.TRANSPARENT_SYMMETRIC_KEY.value()) {
            return material.child(Tag.KEY).orElseThrow(() -> new KmipException(ResultReason.INVALID_FIELD,
                    "Transparent Symmetric Key without Key")).bytesValue();
        }
        throw new KmipException(ResultReason.KEY_FORMAT_TYPE_NOT_SUPPORTED, "a secret key in format "
                + KeyFormatType.fromValue(format).map(KeyFormatType::specName).orElse("" + format) + " cannot be used");
    }

    /** The object's key as a JCA secret key for the given JCA algorithm name. */
    public static SecretKey secretKey(StoredObject object, String jcaAlgorithm) throws KmipException {
        return new SecretKeySpec(secretBytes(object), jcaAlgorithm);
    }

    /** The object's private key (stored in any format {@link KeyFormats} reads) for the given JCA key algorithm ("RSA", "EC", "Ed25519", …). */
    public static PrivateKey privateKey(StoredObject object, String jcaKeyAlgorithm) throws KmipException {
        TtlvItem block = keyBlock(object);
        keyMaterialItem(block);
        byte[] pkcs8 = KeyFormats.privateKeyInfo(block);
        try {
            return KeyFactory.getInstance(jcaKeyAlgorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, "the stored private key cannot be read as " + jcaKeyAlgorithm);
        }
    }

    /** The object's public key (stored in any format {@link KeyFormats} reads) for the given JCA key algorithm. */
    public static PublicKey publicKey(StoredObject object, String jcaKeyAlgorithm) throws KmipException {
        TtlvItem block = keyBlock(object);
        keyMaterialItem(block);
        byte[] spki = KeyFormats.subjectPublicKeyInfo(block);
        try {
            return KeyFactory.getInstance(jcaKeyAlgorithm).generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, "the stored public key cannot be read as " + jcaKeyAlgorithm);
        }
    }

    /** The Cryptographic Length in the object's Key Block, if any. */
    public static Optional<Integer> length(StoredObject object) throws KmipException {
        return keyBlock(object).child(Tag.CRYPTOGRAPHIC_LENGTH).map(TtlvItem::intValue);
    }

    /** The Cryptographic Algorithm value in the object's Key Block, if any. */
    public static Optional<Integer> algorithm(StoredObject object) throws KmipException {
        return keyBlock(object).child(Tag.CRYPTOGRAPHIC_ALGORITHM).map(TtlvItem::enumValue);
    }

    /**
     * The Key Material of a Key Value (as a client submits it to Register), for checks that need its form but
     * not its bytes; empty when the Key Value has no Key Material.
     */
    public static Optional<Inspection> inspect(TtlvItem keyValue) {
        return keyValue.child(Tag.KEY_MATERIAL).map(Inspection::new);
    }

    /**
     * The SHA-256 digest of a Key Value's Key Material as stored: of the bytes of a Byte String, of the TTLV
     * encoding of a structure (the Digest attribute of KMIP 1.4 section 3.17); empty without Key Material.
     */
    public static Optional<byte[]> sha256(TtlvItem keyValue) {
        return keyValue.child(Tag.KEY_MATERIAL).map(m -> sha256(m.type() == ItemType.BYTE_STRING ? m.bytesValue()
                : new TtlvEncoder().encode(m)));
    }

    /** SHA-256 of the bytes. */
    public static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }

    /** The form of one Key Material item: its item type, length and fields, never its bytes (toString too). */
    public static final class Inspection {
        private final TtlvItem material;

        private Inspection(TtlvItem material) {
            this.material = material;
        }

        /** Byte String for Raw and Opaque material, Structure for the Transparent formats. */
        public ItemType type() {
            return material.type();
        }

        /** The length of Byte String material, 0 for a structure. */
        public int lengthBytes() {
            return material.type() == ItemType.BYTE_STRING ? material.bytesLength() : 0;
        }

        /**
         * Checks that structured material has the field once and of the type.
         *
         * @throws KmipException Missing Data when absent, Invalid Message when repeated or of another type
         */
        public void requireField(int tag, ItemType type) throws KmipException {
            PayloadFields.optional(material, tag, type).orElseThrow(() -> new KmipException(ResultReason.MISSING_DATA,
                    PayloadFields.name(tag) + " is missing"));
        }

        @Override
        public String toString() {
            return "Key Material (" + material.type().xmlName() + ", " + lengthBytes() + " bytes)";
        }
    }
}
