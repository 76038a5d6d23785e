package io.keyhold.server.crypto.derive;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.BlockCipherMode;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.SecretDataType;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.KeyMaterial;
import io.keyhold.server.store.StoredObject;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;

/**
 * Derives a new Symmetric Key or Secret Data from the material of a base Symmetric Key or Secret Data
 * with a validated {@link DerivationSpec}, and returns the new object's structure: a Symmetric Key with a
 * Raw Key Block (Cryptographic Algorithm and Length), or a Secret Data of type Seed with an Opaque Key
 * Block. The caller checks the base object's state and usage mask first ({@code KeyUse}).
 */
public final class KeyDerivation {
    private KeyDerivation() {}

    /**
     * The derived object's structure.
     *
     * @param algorithm the Cryptographic Algorithm of a derived Symmetric Key; ignored for Secret Data
     * @throws KmipException Invalid Object Type for an output type other than Symmetric Key and Secret Data;
     *                       Invalid Field when the base key cannot serve the method; Cryptographic Failure
     *                       when the provider fails
     */
    public static TtlvItem deriveObject(DerivationSpec spec, StoredObject base, int objectType, int algorithm)
            throws KmipException {
        if (objectType != ObjectType.SYMMETRIC_KEY.value() && objectType != ObjectType.SECRET_DATA.value()) {
            throw new KmipException(ResultReason.INVALID_OBJECT_TYPE, "Derive Key makes Symmetric Keys and Secret Data only");
        }
        byte[] derived = derive(spec, base);
        try {
            if (objectType == ObjectType.SYMMETRIC_KEY.value()) {
                return TtlvItem.structure(Tag.SYMMETRIC_KEY, TtlvItem.structure(Tag.KEY_BLOCK,
                        TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.RAW.value()),
                        TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, derived)),
                        TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, algorithm),
                        TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, spec.outputBits())));
            }
            return TtlvItem.structure(Tag.SECRET_DATA,
                    TtlvItem.enumeration(Tag.SECRET_DATA_TYPE, SecretDataType.SEED.value()),
                    TtlvItem.structure(Tag.KEY_BLOCK,
                            TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.OPAQUE.value()),
                            TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, derived))));
        } finally {
            Arrays.fill(derived, (byte) 0);
        }
    }

    /** The derived bytes, {@code spec.outputBits() / 8} of them. */
    static byte[] derive(DerivationSpec spec, StoredObject base) throws KmipException {
        int baseType = base.objectType();
        if (baseType != ObjectType.SYMMETRIC_KEY.value() && baseType != ObjectType.SECRET_DATA.value()) {
            throw new KmipException(ResultReason.INVALID_OBJECT_TYPE, "the base object of Derive Key must be a Symmetric Key"
                    + " or Secret Data");
        }
        byte[] key = KeyMaterial.secretBytes(base);
        int n = spec.outputBits() / 8;
        try {
            return switch (spec.method()) {
                case PBKDF2 -> Kdfs.pbkdf2(spec.hash().mac(), key, spec.salt(), spec.iterations(), n);
                case HASH -> {
                    MessageDigest md = MessageDigest.getInstance(spec.hash().digest());
                    md.update(key);
                    byte[] data = spec.data();
                    if (data != null) {
                        md.update(data);
                    }
                    yield truncate(md.digest(), n);
                }
                case HMAC -> truncate(Kdfs.hmac(spec.hash().mac(), key).doFinal(spec.data()), n);
                case ENCRYPT -> encrypt(spec, base, key, n);
                case NIST800_108_C -> Kdfs.counterMode(spec.hash().mac(), key, spec.data(), n);
                case HKDF -> Kdfs.hkdf(spec.hash().mac(), key, spec.salt(), spec.data(), n);
                default -> throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, "Derivation Method "
                        + spec.method().specName() + " is not supported");
            };
        } catch (GeneralSecurityException e) {
            throw new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, spec.method().specName() + " derivation failed");
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private static byte[] encrypt(DerivationSpec spec, StoredObject base, byte[] key, int n)
            throws KmipException, GeneralSecurityException {
        java.util.Optional<Integer> stated = base.attribute("Cryptographic Algorithm").map(a -> a.value().enumValue());
        int alg = stated.isPresent() ? stated.get() : KeyMaterial.algorithm(base).orElse(-1);
        String jca;
        int block;
        if (alg == CryptographicAlgorithm.AES.value() && (key.length == 16 || key.length == 24 || key.length == 32)) {
            jca = "AES";
            block = 16;
        } else if (alg == CryptographicAlgorithm.DES3.value() && (key.length == 16 || key.length == 24)) {
            jca = "DESede";
            block = 8;
        } else {
            throw new KmipException(ResultReason.INVALID_FIELD, "ENCRYPT derivation needs an AES or 3DES base key");
        }
        byte[] data = spec.data();
        if (data.length % block != 0) {
            throw new KmipException(ResultReason.INVALID_FIELD, "Derivation Data of " + data.length + " bytes for ENCRYPT"
                    + " (expected: a multiple of the " + block + "-byte block, no padding is applied)");
        }
        byte[] k = jca.equals("DESede") && key.length == 16 ? Arrays.copyOf(key, 24) : key;
        if (k != key) {
            System.arraycopy(key, 0, k, 16, 8);
        }
        Cipher cipher;
        if (spec.mode() == BlockCipherMode.CBC) {
            byte[] iv = spec.iv();
            if (iv.length != block) {
                throw new KmipException(ResultReason.INVALID_FIELD, "Initialization Vector of " + iv.length + " bytes (expected: "
                        + block + ")");
            }
            cipher = Cipher.getInstance(jca + "/CBC/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(k, jca), new IvParameterSpec(iv));
        } else {
            cipher = Cipher.getInstance(jca + "/ECB/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(k, jca));
        }
        try {
            return truncate(cipher.doFinal(data), n);
        } finally {
            if (k != key) {
                Arrays.fill(k, (byte) 0);
            }
        }
    }

    private static byte[] truncate(byte[] full, int n) {
        if (full.length == n) {
            return full;
        }
        byte[] out = Arrays.copyOf(full, n);
        Arrays.fill(full, (byte) 0);
        return out;
    }
}
