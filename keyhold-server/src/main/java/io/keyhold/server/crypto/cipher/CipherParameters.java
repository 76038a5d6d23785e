package io.keyhold.server.crypto.cipher;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.BlockCipherMode;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.KmipEnumeration;
import io.keyhold.protocol.spec.MaskGenerator;
import io.keyhold.protocol.spec.PaddingMethod;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.cipher.CipherSpec.Algorithm;
import io.keyhold.server.crypto.cipher.CipherSpec.Hash;
import io.keyhold.server.crypto.cipher.CipherSpec.Mode;
import io.keyhold.server.crypto.cipher.CipherSpec.Padding;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Maps KMIP Cryptographic Parameters (KMIP 1.4 section 3.6, 2.1 section 4.11) to a {@link CipherSpec}.
 *
 * <p>The request's Cryptographic Parameters are used when given; else the key's Cryptographic Parameters
 * attribute; else the defaults for the key's algorithm: AES and Triple DES use CBC with PKCS5 padding (and a
 * server-chosen IV when the client sends none), ChaCha20-Poly1305 its AEAD construction, a ChaCha20 key the
 * plain ChaCha20 stream cipher (AEAD when the mode says so), RSA OAEP with SHA-1
 * and MGF1 with SHA-1 (the PKCS #1 defaults). Within given parameters an absent Block Cipher Mode takes the
 * same default, an absent Padding Method means None for symmetric ciphers (as the OASIS test cases
 * CS-BC-M-1 and CS-BC-M-4 expect of ECB) and OAEP for RSA.
 * A P Source is the OAEP label (ignored, like the OAEP hashes, with another padding). Counter Length other
 * than 128 bits, Fixed Field Length, Invocation Field Length and Initial Counter Value are refused as unsupported.
 */
public final class CipherParameters {
    private CipherParameters() {}

    /**
     * @param requested     the request's Cryptographic Parameters structure, or null
     * @param objectDefault the key's Cryptographic Parameters attribute value, or null
     * @param keyAlgorithm  the key's Cryptographic Algorithm enumeration value
     */
    public static CipherSpec resolve(TtlvItem requested, TtlvItem objectDefault, int keyAlgorithm) throws KmipException {
        TtlvItem p = requested != null ? requested : objectDefault;
        Integer modeValue = p == null ? null : enumField(p, Tag.BLOCK_CIPHER_MODE).orElse(null);
        Algorithm algorithm = algorithmOf(keyAlgorithm, modeValue);
        if (p == null) {
            return CipherSpec.of(algorithm, defaultMode(algorithm), defaultPadding(algorithm, defaultMode(algorithm)), 0,
                    null, null, false, 0);
        }
        Optional<Integer> requestedAlgorithm = enumField(p, Tag.CRYPTOGRAPHIC_ALGORITHM);
        if (requestedAlgorithm.isPresent() && requestedAlgorithm.get() != keyAlgorithm
                && !(isChaCha(requestedAlgorithm.get()) && isChaCha(keyAlgorithm))) {
            throw new KmipException(ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS, "Cryptographic Algorithm "
                    + name(requestedAlgorithm.get(), CryptographicAlgorithm::fromValue) + " does not match the key's "
                    + name(keyAlgorithm, CryptographicAlgorithm::fromValue));
        }
        Mode mode = modeValue == null ? defaultMode(algorithm) : mode(modeValue);
        if (modeValue != null && mode != Mode.AEAD && (algorithm == Algorithm.CHACHA20_POLY1305 || algorithm == Algorithm.CHACHA20)) {
            throw new KmipException(ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS, "a ChaCha20 key is used with Block Cipher Mode AEAD");
        }
        Mode m = mode;
        Integer paddingValue = enumField(p, Tag.PADDING_METHOD).orElse(null);
        Padding padding = paddingValue == null ? (algorithm == Algorithm.RSA ? Padding.OAEP : Padding.NONE) : padding(paddingValue);
        Integer hashValue = enumField(p, Tag.HASHING_ALGORITHM).orElse(null);
        Hash oaep = hashValue == null ? null : hash(hashValue);
        Optional<Integer> mgf = enumField(p, Tag.MASK_GENERATOR);
        if (mgf.isPresent() && mgf.get() != MaskGenerator.MGF1.value()) {
            throw unsupported("Mask Generator " + name(mgf.get(), MaskGenerator::fromValue) + " (expected: MGF1)");
        }
        Integer mgfHashValue = enumField(p, Tag.MASK_GENERATOR_HASHING_ALGORITHM).orElse(null);
        Hash mgfHash = mgfHashValue == null ? null : hash(mgfHashValue);
        if (padding != Padding.OAEP) {
            oaep = null;
            mgfHash = null;
        }
        boolean randomIv = field(p, Tag.RANDOM_IV, ItemType.BOOLEAN).map(TtlvItem::booleanValue).orElse(false);
        int ivBits = field(p, Tag.IV_LENGTH, ItemType.INTEGER).map(TtlvItem::intValue).orElse(0);
        if (ivBits < 0 || ivBits % 8 != 0) {
            throw new KmipException(ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS, "IV Length " + ivBits + " (expected: a positive multiple of 8 bits)");
        }
        int tagBytes = field(p, Tag.TAG_LENGTH, ItemType.INTEGER).map(TtlvItem::intValue).orElse(0);
        if (tagBytes < 0 || (tagBytes == 0 && p.child(Tag.TAG_LENGTH).isPresent())) {
            throw new KmipException(ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS, "Tag Length " + tagBytes + " (expected: > 0 bytes)");
        }
        Optional<Integer> counterBits = field(p, Tag.COUNTER_LENGTH, ItemType.INTEGER).map(TtlvItem::intValue);
        if (counterBits.isPresent() && (m != Mode.CTR || counterBits.get() != 128)) {
            throw unsupported("Counter Length " + counterBits.get() + " (supported: 128 bits, with CTR: the whole IV/Counter/Nonce is the counter block)");
        }
        for (int tag : new int[] {Tag.FIXED_FIELD_LENGTH, Tag.INVOCATION_FIELD_LENGTH, Tag.INITIAL_COUNTER_VALUE}) {
            if (p.child(tag).isPresent()) {
                throw unsupported(io.keyhold.protocol.spec.SpecTable.get().tag(tag).map(t -> t.name()).orElse("field")
                        + " is not supported; send the whole IV/Counter/Nonce instead");
            }
        }
        byte[] label = field(p, Tag.P_SOURCE, ItemType.BYTE_STRING).map(TtlvItem::bytesValue).orElse(new byte[0]);
        CipherSpec spec = CipherSpec.of(algorithm, m, padding, tagBytes, oaep, mgfHash, randomIv, ivBits / 8);
        return padding == Padding.OAEP ? spec.withOaepLabel(label) : spec;
    }

    /**
     * The cipher algorithm for a key's KMIP Cryptographic Algorithm; a ChaCha20 key is plain ChaCha20 unless
     * the Block Cipher Mode is AEAD.
     */
    static Algorithm algorithmOf(int keyAlgorithm, Integer modeValue) throws KmipException {
        if (keyAlgorithm == CryptographicAlgorithm.CHACHA20.value()
                && (modeValue == null || modeValue != BlockCipherMode.AEAD.value())) {
            return Algorithm.CHACHA20;
        }
        if (keyAlgorithm == CryptographicAlgorithm.AES.value()) {
            return Algorithm.AES;
        }
        if (keyAlgorithm == CryptographicAlgorithm.DES3.value()) {
            return Algorithm.TRIPLE_DES;
        }
        if (isChaCha(keyAlgorithm)) {
            return Algorithm.CHACHA20_POLY1305;
        }
        if (keyAlgorithm == CryptographicAlgorithm.RSA.value()) {
            return Algorithm.RSA;
        }
        throw unsupported("keys of Cryptographic Algorithm " + name(keyAlgorithm, CryptographicAlgorithm::fromValue)
                + " cannot encrypt or decrypt here (supported: AES, 3DES, ChaCha20, ChaCha20Poly1305, RSA)");
    }

    private static boolean isChaCha(int algorithm) {
        return algorithm == CryptographicAlgorithm.CHACHA20POLY1305.value() || algorithm == CryptographicAlgorithm.CHACHA20.value();
    }

    private static Mode defaultMode(Algorithm algorithm) {
        return switch (algorithm) {
            case AES, TRIPLE_DES -> Mode.CBC;
            case CHACHA20 -> Mode.STREAM;
            case CHACHA20_POLY1305 -> Mode.AEAD;
            case RSA -> Mode.NONE;
        };
    }

    private static Padding defaultPadding(Algorithm algorithm, Mode mode) {
        if (algorithm == Algorithm.RSA) {
            return Padding.OAEP;
        }
        return mode == Mode.CBC || mode == Mode.ECB ? Padding.PKCS5 : Padding.NONE;
    }

    private static Mode mode(int value) throws KmipException {
        BlockCipherMode m = BlockCipherMode.fromValue(value).orElseThrow(() -> unsupported("Block Cipher Mode 0x" + Integer.toHexString(value)));
        return switch (m) {
            case CBC -> Mode.CBC;
            case ECB -> Mode.ECB;
            case CTR -> Mode.CTR;
            case GCM -> Mode.GCM;
            case NISTKEYWRAP -> Mode.KEY_WRAP;
            case AESKEYWRAPPADDING -> Mode.KEY_WRAP_PADDED;
            case AEAD -> Mode.AEAD;
            case XTS -> Mode.XTS;
            default -> throw unsupported("Block Cipher Mode " + m.specName() + " is not supported for Encrypt and Decrypt"
                    + " (supported: CBC, ECB, CTR, GCM, XTS, NISTKeyWrap, AESKeyWrapPadding, AEAD)");
        };
    }

    private static Padding padding(int value) throws KmipException {
        PaddingMethod m = PaddingMethod.fromValue(value).orElseThrow(() -> unsupported("Padding Method 0x" + Integer.toHexString(value)));
        return switch (m) {
            case NONE -> Padding.NONE;
            case PKCS5 -> Padding.PKCS5;
            case OAEP -> Padding.OAEP;
            case PKCS1_V1_5 -> Padding.PKCS1_V1_5;
            default -> throw unsupported("Padding Method " + m.specName() + " is not supported (supported: None, PKCS5, OAEP, PKCS1 v1.5)");
        };
    }

    private static Hash hash(int value) throws KmipException {
        HashingAlgorithm h = HashingAlgorithm.fromValue(value).orElseThrow(() -> unsupported("Hashing Algorithm 0x" + Integer.toHexString(value)));
        return switch (h) {
            case SHA_1 -> Hash.SHA_1;
            case SHA_224 -> Hash.SHA_224;
            case SHA_256 -> Hash.SHA_256;
            case SHA_384 -> Hash.SHA_384;
            case SHA_512 -> Hash.SHA_512;
            default -> throw unsupported("Hashing Algorithm " + h.specName() + " is not supported with OAEP (supported: SHA-1, SHA-224, SHA-256, SHA-384, SHA-512)");
        };
    }

    private static Optional<Integer> enumField(TtlvItem p, int tag) throws KmipException {
        return field(p, tag, ItemType.ENUMERATION).map(TtlvItem::enumValue);
    }

    private static Optional<TtlvItem> field(TtlvItem p, int tag, ItemType type) throws KmipException {
        Optional<TtlvItem> item = p.child(tag);
        if (item.isPresent() && item.get().type() != type) {
            throw new KmipException(ResultReason.INVALID_MESSAGE, "Cryptographic Parameters field 0x"
                    + Integer.toHexString(tag).toUpperCase() + " is a " + item.get().type().xmlName() + " (expected: " + type.xmlName() + ")");
        }
        return item;
    }

    private static <E extends KmipEnumeration> String name(int value, IntFunction<Optional<E>> lookup) {
        return lookup.apply(value).map(KmipEnumeration::specName).orElse("0x" + Integer.toHexString(value));
    }

    private static KmipException unsupported(String message) {
        return new KmipException(ResultReason.UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS, message);
    }
}
