package io.keyhold.server.crypto.derive;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.BlockCipherMode;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.DerivationMethod;
import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.PaddingMethod;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.Optional;

/**
 * A validated Derive Key request: the Derivation Method, what its Derivation Parameters give, and the
 * output length (KMIP 1.4 section 4.6, 2.1 section 6.1.12; Derivation Parameters 1.4 section 2.1.12).
 *
 * <ul>
 * <li>PBKDF2: password = the base object's material; Salt and Iteration Count required; the PRF is HMAC
 * with the Hashing Algorithm of the Cryptographic Parameters (or the HMAC Cryptographic Algorithm), SHA-1
 * when none is given (RFC 8018's default). Derivation Data is refused.</li>
 * <li>HASH: Hash(key || Derivation Data), truncated; Hashing Algorithm required.</li>
 * <li>HMAC: HMAC(key, Derivation Data), truncated; Hashing Algorithm required, Derivation Data required.</li>
 * <li>ENCRYPT: the first bits of the encryption of the Derivation Data under the base key (AES or 3DES,
 * ECB or CBC with the Initialization Vector, no padding).</li>
 * <li>NIST800-108-C: SP 800-108 counter mode, HMAC PRF (SHA-256 by default), 32-bit counter before the
 * fixed input = Derivation Data.</li>
 * <li>HKDF (2.x): RFC 5869 with Salt, info = Derivation Data, SHA-256 by default.</li>
 * </ul>
 * NIST800-108-F, NIST800-108-DPI, Asymmetric Key and AWS Signature Version 4 are Feature Not Supported.
 * Secret parameters (salt, data, IV) are never printed.
 */
public final class DerivationSpec {
    /** At most 10,000,000 PBKDF2 iterations: bounds the time one request may take. */
    public static final int MAX_ITERATIONS = 10_000_000;
    /** At most 8192 output bits. */
    public static final int MAX_OUTPUT_BITS = 8192;

    private final DerivationMethod method;
    private final Hash hash;
    private final byte[] salt;
    private final int iterations;
    private final byte[] data;
    private final byte[] iv;
    private final BlockCipherMode mode;
    private final int outputBits;

    private DerivationSpec(DerivationMethod method, Hash hash, byte[] salt, int iterations, byte[] data, byte[] iv,
                           BlockCipherMode mode, int outputBits) {
        this.method = method;
        this.hash = hash;
        this.salt = salt;
        this.iterations = iterations;
        this.data = data;
        this.iv = iv;
        this.mode = mode;
        this.outputBits = outputBits;
    }

    /** A hash function by its KMIP name with its JCA digest and HMAC names. */
    record Hash(HashingAlgorithm kmip, String digest, String mac) {
        static Optional<Hash> of(HashingAlgorithm h) {
            return Optional.ofNullable(switch (h) {
                case MD5 -> new Hash(h, "MD5", "HmacMD5");
                case SHA_1 -> new Hash(h, "SHA-1", "HmacSHA1");
                case SHA_224 -> new Hash(h, "SHA-224", "HmacSHA224");
                case SHA_256 -> new Hash(h, "SHA-256", "HmacSHA256");
                case SHA_384 -> new Hash(h, "SHA-384", "HmacSHA384");
                case SHA_512 -> new Hash(h, "SHA-512", "HmacSHA512");
                case SHA_512_224 -> new Hash(h, "SHA-512/224", "HmacSHA512/224");
                case SHA_512_256 -> new Hash(h, "SHA-512/256", "HmacSHA512/256");
                case SHA3_224 -> new Hash(h, "SHA3-224", "HmacSHA3-224");
                case SHA3_256 -> new Hash(h, "SHA3-256", "HmacSHA3-256");
                case SHA3_384 -> new Hash(h, "SHA3-384", "HmacSHA3-384");
                case SHA3_512 -> new Hash(h, "SHA3-512", "HmacSHA3-512");
                default -> null;
            });
        }

        int lengthBytes() {
            return switch (kmip) {
                case MD5 -> 16;
                case SHA_1 -> 20;
                case SHA_224, SHA_512_224, SHA3_224 -> 28;
                case SHA_256, SHA_512_256, SHA3_256 -> 32;
                case SHA_384, SHA3_384 -> 48;
                default -> 64;
            };
        }
    }

    /**
     * Reads and checks the request's Derivation Method and Derivation Parameters.
     *
     * @param methodValue the Derivation Method enumeration value
     * @param parameters  the Derivation Parameters structure (may be null)
     * @param outputBits  the Cryptographic Length asked for the new object
     * @throws KmipException Invalid Field / Missing Data for bad or absent parameters, Feature Not Supported
     *                       for methods and hashes not implemented
     */
    public static DerivationSpec of(int methodValue, TtlvItem parameters, int outputBits) throws KmipException {
        DerivationMethod method = DerivationMethod.fromValue(methodValue).orElseThrow(() -> invalid(
                "Derivation Method 0x" + Integer.toHexString(methodValue) + " is not known"));
        if (outputBits <= 0 || outputBits % 8 != 0 || outputBits > MAX_OUTPUT_BITS) {
            throw invalid("Cryptographic Length " + outputBits + " for a derived key (expected: a multiple of 8 from 8 to "
                    + MAX_OUTPUT_BITS + ")");
        }
        TtlvItem p = parameters == null ? TtlvItem.structure(Tag.DERIVATION_PARAMETERS) : parameters;
        Optional<TtlvItem> cryptoParams = field(p, Tag.CRYPTOGRAPHIC_PARAMETERS, ItemType.STRUCTURE);
        byte[] salt = field(p, Tag.SALT, ItemType.BYTE_STRING).map(TtlvItem::bytesValue).orElse(null);
        byte[] data = field(p, Tag.DERIVATION_DATA, ItemType.BYTE_STRING).map(TtlvItem::bytesValue).orElse(null);
        byte[] iv = field(p, Tag.INITIALIZATION_VECTOR, ItemType.BYTE_STRING).map(TtlvItem::bytesValue).orElse(null);
        Integer iterations = field(p, Tag.ITERATION_COUNT, ItemType.INTEGER).map(TtlvItem::intValue).orElse(null);
        Optional<Hash> hash = hash(cryptoParams);
        int outputBytes = outputBits / 8;
        switch (method) {
            case PBKDF2 -> {
                if (salt == null) {
                    throw missing("PBKDF2 needs a Salt in the Derivation Parameters");
                }
                if (iterations == null) {
                    throw missing("PBKDF2 needs an Iteration Count in the Derivation Parameters");
                }
                if (iterations < 1 || iterations > MAX_ITERATIONS) {
                    throw invalid("Iteration Count " + iterations + " (expected: 1 to " + MAX_ITERATIONS + ")");
                }
                if (data != null) {
                    throw invalid("PBKDF2 takes its password from the base object: Derivation Data is not used");
                }
                return new DerivationSpec(method, hash.orElse(Hash.of(HashingAlgorithm.SHA_1).orElseThrow()), salt,
                        iterations, null, null, null, outputBits);
            }
            case HASH, HMAC -> {
                Hash h = hash.orElseThrow(() -> missing(method.specName() + " needs a Hashing Algorithm in the"
                        + " Cryptographic Parameters of the Derivation Parameters"));
                if (method == DerivationMethod.HMAC && data == null) {
                    throw missing("HMAC derivation needs Derivation Data");
                }
                if (outputBytes > h.lengthBytes()) {
                    throw invalid("Cryptographic Length " + outputBits + " exceeds the " + h.lengthBytes() * 8 + "-bit output of "
                            + h.kmip().specName());
                }
                return new DerivationSpec(method, h, null, 0, data, null, null, outputBits);
            }
            case ENCRYPT -> {
                if (data == null) {
                    throw missing("ENCRYPT derivation needs Derivation Data to encrypt");
                }
                if (outputBytes > data.length) {
                    throw invalid("Cryptographic Length " + outputBits + " exceeds the " + data.length * 8
                            + " bits of Derivation Data");
                }
                BlockCipherMode mode = cipherMode(cryptoParams);
                if (mode == BlockCipherMode.CBC && iv == null) {
                    throw missing("ENCRYPT derivation in CBC mode needs an Initialization Vector");
                }
                return new DerivationSpec(method, null, null, 0, data, iv, mode, outputBits);
            }
            case NIST800_108_C -> {
                if (data == null) {
                    throw missing("NIST800-108-C needs Derivation Data (the fixed input data)");
                }
                return new DerivationSpec(method, hash.orElse(Hash.of(HashingAlgorithm.SHA_256).orElseThrow()), null, 0,
                        data, null, null, outputBits);
            }
            case HKDF -> {
                Hash h = hash.orElse(Hash.of(HashingAlgorithm.SHA_256).orElseThrow());
                if (outputBytes > 255 * h.lengthBytes()) {
                    throw invalid("Cryptographic Length " + outputBits + " exceeds HKDF's limit of 255 hash lengths");
                }
                return new DerivationSpec(method, h, salt, 0, data, null, null, outputBits);
            }
            default -> throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, "Derivation Method " + method.specName()
                    + " is not supported by this server (supported: PBKDF2, HASH, HMAC, ENCRYPT, NIST800-108-C, HKDF)");
        }
    }

    private static Optional<Hash> hash(Optional<TtlvItem> cryptoParams) throws KmipException {
        if (cryptoParams.isEmpty()) {
            return Optional.empty();
        }
        Optional<TtlvItem> h = field(cryptoParams.get(), Tag.HASHING_ALGORITHM, ItemType.ENUMERATION);
        HashingAlgorithm kmip;
        if (h.isPresent()) {
            int v = h.get().enumValue();
            kmip = HashingAlgorithm.fromValue(v).orElseThrow(() -> invalid("Hashing Algorithm 0x" + Integer.toHexString(v)
                    + " is not known"));
        } else {
            Optional<TtlvItem> alg = field(cryptoParams.get(), Tag.CRYPTOGRAPHIC_ALGORITHM, ItemType.ENUMERATION);
            if (alg.isEmpty()) {
                return Optional.empty();
            }
            kmip = CryptographicAlgorithm.fromValue(alg.get().enumValue()).map(DerivationSpec::hmacHash).orElse(null);
            if (kmip == null) {
                return Optional.empty();
            }
        }
        Optional<Hash> found = Hash.of(kmip);
        if (found.isEmpty()) {
            throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, "Hashing Algorithm " + kmip.specName()
                    + " is not supported for key derivation");
        }
        return found;
    }

    private static HashingAlgorithm hmacHash(CryptographicAlgorithm a) {
        return switch (a) {
            case HMAC_SHA1 -> HashingAlgorithm.SHA_1;
            case HMAC_SHA224 -> HashingAlgorithm.SHA_224;
            case HMAC_SHA256 -> HashingAlgorithm.SHA_256;
            case HMAC_SHA384 -> HashingAlgorithm.SHA_384;
            case HMAC_SHA512 -> HashingAlgorithm.SHA_512;
            case HMAC_MD5 -> HashingAlgorithm.MD5;
            case HMAC_SHA3_224 -> HashingAlgorithm.SHA3_224;
            case HMAC_SHA3_256 -> HashingAlgorithm.SHA3_256;
            case HMAC_SHA3_384 -> HashingAlgorithm.SHA3_384;
            case HMAC_SHA3_512 -> HashingAlgorithm.SHA3_512;
            default -> null;
        };
    }

    private static BlockCipherMode cipherMode(Optional<TtlvItem> cryptoParams) throws KmipException {
        if (cryptoParams.isEmpty()) {
            return BlockCipherMode.ECB;
        }
        Optional<TtlvItem> padding = field(cryptoParams.get(), Tag.PADDING_METHOD, ItemType.ENUMERATION);
        if (padding.isPresent() && padding.get().enumValue() != PaddingMethod.NONE.value()) {
            throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, "ENCRYPT derivation supports Padding Method None only");
        }
        Optional<TtlvItem> m = field(cryptoParams.get(), Tag.BLOCK_CIPHER_MODE, ItemType.ENUMERATION);
        if (m.isEmpty()) {
            return BlockCipherMode.ECB;
        }
        int v = m.get().enumValue();
        if (v == BlockCipherMode.ECB.value() || v == BlockCipherMode.CBC.value()) {
            return BlockCipherMode.fromValue(v).orElseThrow();
        }
        throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, "ENCRYPT derivation supports Block Cipher Modes ECB and"
                + " CBC only, not " + BlockCipherMode.fromValue(v).map(BlockCipherMode::specName).orElse("0x" + Integer.toHexString(v)));
    }

    private static Optional<TtlvItem> field(TtlvItem parent, int tag, ItemType type) throws KmipException {
        var found = parent.childrenWith(tag);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        if (found.size() > 1 || found.get(0).type() != type) {
            throw invalid("Derivation Parameters: " + String.format("0x%06X", tag) + " must appear once as a " + type.xmlName());
        }
        return Optional.of(found.get(0));
    }

    public DerivationMethod method() {
        return method;
    }

    public int outputBits() {
        return outputBits;
    }

    /** The hash of the method's PRF or digest, if the method has one. */
    public Optional<HashingAlgorithm> hashingAlgorithm() {
        return hash == null ? Optional.empty() : Optional.of(hash.kmip());
    }

    /** PBKDF2's iteration count (0 for other methods). */
    public int iterationCount() {
        return iterations;
    }

    /** The salt's length in bits (0 without a salt). */
    public int saltBits() {
        return salt == null ? 0 : salt.length * 8;
    }

    Hash hash() {
        return hash;
    }

    byte[] salt() {
        return salt == null ? null : salt.clone();
    }

    int iterations() {
        return iterations;
    }

    byte[] data() {
        return data == null ? null : data.clone();
    }

    byte[] iv() {
        return iv == null ? null : iv.clone();
    }

    BlockCipherMode mode() {
        return mode;
    }

    @Override
    public String toString() {
        return "DerivationSpec[" + method.specName() + (hash == null ? "" : ", " + hash.kmip().specName())
                + (iterations > 0 ? ", " + iterations + " iterations" : "") + ", " + outputBits + " bits]";
    }

    private static KmipException invalid(String message) {
        return new KmipException(ResultReason.INVALID_FIELD, message);
    }

    private static KmipException missing(String message) {
        return new KmipException(ResultReason.MISSING_DATA, message);
    }
}
