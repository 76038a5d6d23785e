package io.keyhold.server.ops.object;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The symmetric key algorithms Create generates keys for, with the lengths each accepts: those the KMIP
 * Cryptographic Algorithm enumeration names and the JDK or BouncyCastle implements. A key is random bytes
 * from the server's {@link SecureRandom}; DES and Triple DES keys get odd parity.
 */
public final class SymmetricKeys {
    /** Lengths in bits: an explicit set, or a range with a step; {@code defaultBits} when one length is natural. */
    record Lengths(Set<Integer> allowed, int minBits, int maxBits, int stepBits, Integer defaultBits) {
        boolean accepts(int bits) {
            if (allowed != null) {
                return allowed.contains(bits);
            }
            return bits >= minBits && bits <= maxBits && (bits - minBits) % stepBits == 0;
        }

        String describe() {
            return allowed != null ? allowed.toString() : minBits + " to " + maxBits + " in steps of " + stepBits;
        }
    }

    private static final Map<CryptographicAlgorithm, Lengths> SUPPORTED = new EnumMap<>(CryptographicAlgorithm.class);

    static {
        Lengths aesLike = set(null, 128, 192, 256);
        SUPPORTED.put(CryptographicAlgorithm.AES, aesLike);
        SUPPORTED.put(CryptographicAlgorithm.CAMELLIA, aesLike);
        SUPPORTED.put(CryptographicAlgorithm.ARIA, aesLike);
        SUPPORTED.put(CryptographicAlgorithm.TWOFISH, aesLike);
        SUPPORTED.put(CryptographicAlgorithm.DES, set(64, 56, 64));
        SUPPORTED.put(CryptographicAlgorithm.DES3, set(null, 112, 168, 192));
        SUPPORTED.put(CryptographicAlgorithm.HMAC_MD5, hmac(128));
        SUPPORTED.put(CryptographicAlgorithm.HMAC_SHA1, hmac(160));
        SUPPORTED.put(CryptographicAlgorithm.HMAC_SHA224, hmac(224));
        SUPPORTED.put(CryptographicAlgorithm.HMAC_SHA256, hmac(256));
        SUPPORTED.put(CryptographicAlgorithm.HMAC_SHA384, hmac(384));
        SUPPORTED.put(CryptographicAlgorithm.HMAC_SHA512, hmac(512));
        SUPPORTED.put(CryptographicAlgorithm.HMAC_SHA3_224, hmac(224));
        SUPPORTED.put(CryptographicAlgorithm.HMAC_SHA3_256, hmac(256));
        SUPPORTED.put(CryptographicAlgorithm.HMAC_SHA3_384, hmac(384));
        SUPPORTED.put(CryptographicAlgorithm.HMAC_SHA3_512, hmac(512));
        SUPPORTED.put(CryptographicAlgorithm.CHACHA20, set(256, 256));
        SUPPORTED.put(CryptographicAlgorithm.CHACHA20POLY1305, set(256, 256));
        SUPPORTED.put(CryptographicAlgorithm.POLY1305, set(256, 256));
        SUPPORTED.put(CryptographicAlgorithm.BLOWFISH, new Lengths(null, 32, 448, 8, null));
        SUPPORTED.put(CryptographicAlgorithm.CAST5, new Lengths(null, 40, 128, 8, null));
        SUPPORTED.put(CryptographicAlgorithm.IDEA, set(128, 128));
        SUPPORTED.put(CryptographicAlgorithm.RC2, new Lengths(null, 40, 1024, 8, null));
        SUPPORTED.put(CryptographicAlgorithm.RC4, new Lengths(null, 40, 2048, 8, null));
        SUPPORTED.put(CryptographicAlgorithm.RC5, new Lengths(null, 8, 2040, 8, null));
        SUPPORTED.put(CryptographicAlgorithm.SKIPJACK, set(80, 80));
        SUPPORTED.put(CryptographicAlgorithm.SEED, set(128, 128));
        SUPPORTED.put(CryptographicAlgorithm.SM4, set(128, 128));
        SUPPORTED.put(CryptographicAlgorithm.GOST_28147_89, set(256, 256));
    }

    /** Symmetric algorithms the enumeration names that no provider here implements. */
    private static final Set<CryptographicAlgorithm> SYMMETRIC_UNSUPPORTED = Set.of(CryptographicAlgorithm.MARS,
            CryptographicAlgorithm.ONE_TIME_PAD, CryptographicAlgorithm.GOST_R_34_13_2015);

    private SymmetricKeys() {}

    /** A key the server made: its bytes and its Cryptographic Length in bits. */
    public record Generated(byte[] material, int lengthBits) {
        /** The Cryptographic Length attribute of the key. */
        public TtlvItem lengthItem() {
            return TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, lengthBits);
        }

        /**
         * The Symmetric Key structure of the key: a Raw Key Block with Key Material, Cryptographic Algorithm and
         * Length. Zeroes this record's copy of the material, which the structure has copied.
         */
        public TtlvItem toObject(int algorithmValue) {
            TtlvItem object = TtlvItem.structure(Tag.SYMMETRIC_KEY, TtlvItem.structure(Tag.KEY_BLOCK,
                    TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.RAW.value()),
                    TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, material)),
                    TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, algorithmValue),
                    lengthItem()));
            Arrays.fill(material, (byte) 0);
            return object;
        }

        @Override
        public String toString() {
            return "Generated[" + lengthBits + "-bit key material]";
        }
    }

    /**
     * A new random key.
     *
     * @throws KmipException Invalid Field for an algorithm that is not a symmetric one or a length it does not
     *                       take; Feature Not Supported for a symmetric algorithm not implemented here; Missing
     *                       Data when the length is needed and absent
     */
    public static Generated generate(int algorithmValue, Integer lengthBits, SecureRandom random) throws KmipException {
        Optional<CryptographicAlgorithm> algorithm = CryptographicAlgorithm.fromValue(algorithmValue);
        if (algorithm.isEmpty()) {
            throw new KmipException(ResultReason.INVALID_FIELD, "Cryptographic Algorithm 0x"
                    + Integer.toHexString(algorithmValue) + " is not known");
        }
        CryptographicAlgorithm alg = algorithm.get();
        Lengths lengths = SUPPORTED.get(alg);
        if (lengths == null) {
            if (SYMMETRIC_UNSUPPORTED.contains(alg)) {
                throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, "Cryptographic Algorithm " + alg.specName()
                        + " is not supported by this server");
            }
            throw new KmipException(ResultReason.INVALID_FIELD, "Cryptographic Algorithm " + alg.specName()
                    + " is not a symmetric key algorithm");
        }
        int bits;
        if (lengthBits == null) {
            if (lengths.defaultBits() == null) {
                throw new KmipException(ResultReason.MISSING_DATA, "Cryptographic Length is missing (" + alg.specName()
                        + " takes " + lengths.describe() + " bits)");
            }
            bits = lengths.defaultBits();
        } else {
            bits = lengthBits;
        }
        if (!lengths.accepts(bits)) {
            throw new KmipException(ResultReason.INVALID_FIELD, "Cryptographic Length " + bits + " for " + alg.specName()
                    + " (expected: " + lengths.describe() + ")");
        }
        byte[] key = new byte[byteLength(alg, bits)];
        random.nextBytes(key);
        if (alg == CryptographicAlgorithm.DES || alg == CryptographicAlgorithm.DES3) {
            setOddParity(key);
        }
        return new Generated(key, bits);
    }

    private static int byteLength(CryptographicAlgorithm alg, int bits) {
        if (alg == CryptographicAlgorithm.DES) {
            return 8;
        }
        if (alg == CryptographicAlgorithm.DES3) {
            return bits == 112 ? 16 : 24;
        }
        return bits / 8;
    }

    static void setOddParity(byte[] key) {
        for (int i = 0; i < key.length; i++) {
            int b = key[i] & 0xFE;
            key[i] = (byte) (b | ((Integer.bitCount(b) & 1) == 0 ? 1 : 0));
        }
    }

    private static Lengths set(Integer defaultBits, Integer... bits) {
        return new Lengths(Set.of(bits), 0, 0, 1, defaultBits);
    }

    private static Lengths hmac(int hashBits) {
        return new Lengths(null, 8, 8192, 8, hashBits);
    }
}
