package io.keyhold.server.crypto;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.RecommendedCurve;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.cipher.CipherSpec;
import io.keyhold.server.crypto.derive.DerivationSpec;
import io.keyhold.server.crypto.signature.MacParameters;
import io.keyhold.server.crypto.signature.SignatureParameters;
import io.keyhold.server.crypto.split.SplitKeyMethodKind;
import io.keyhold.server.store.StoredObject;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Which algorithms and key sizes the server uses: {@link #DEFAULT}, everything it implements, or
 * {@link #FIPS_140}, only what NIST approves (SP 800-131A Rev. 2, SP 800-140C, FIPS 186-5, SP 800-186; the
 * table with each rule's reference is docs/fips.md). Handlers consult it before doing any work.
 *
 * <p>Two kinds of refusal: what a request asks for (an algorithm or size in its attributes or
 * parameters) is Invalid Field; an existing key whose algorithm or size is not approved for the use
 * asked is Cryptographic Failure. Both messages name the offending algorithm and the setting.
 *
 * <p>This is a policy over the JDK's providers, not a validated cryptographic module: certification would
 * need a validated provider (for example BC-FIPS).
 */
public final class CryptoPolicy {
    /** Everything the server implements. */
    public static final CryptoPolicy DEFAULT = new CryptoPolicy(false);
    /** FIPS 140-approved algorithms and key sizes only (setting {@code crypto.fips_only}). */
    public static final CryptoPolicy FIPS_140 = new CryptoPolicy(true);

    /** What an existing key is used for. */
    public enum Use {
        ENCRYPT, DECRYPT, SIGN, VERIFY, MAC, MAC_VERIFY, WRAP, UNWRAP, DERIVE, RE_KEY
    }

    /** The smallest key of any approved symmetric or MAC use: 112 bits of security (SP 800-131A Rev. 2). */
    public static final int MIN_SYMMETRIC_BITS = 112;
    /** The smallest RSA modulus for generation, signing, encryption (SP 800-131A Rev. 2 sections 3 and 6). */
    public static final int MIN_RSA_BITS = 2048;
    /** The smallest RSA modulus for verifying old signatures (legacy use, SP 800-131A Rev. 2 section 3). */
    public static final int MIN_RSA_VERIFY_BITS = 1024;
    /** PBKDF2 minimums (SP 800-132 sections 5.1 and 5.2). */
    public static final int MIN_PBKDF2_ITERATIONS = 1000;
    public static final int MIN_PBKDF2_SALT_BITS = 128;

    private static final Set<RecommendedCurve> APPROVED_CURVES = EnumSet.of(RecommendedCurve.P_224,
            RecommendedCurve.P_256, RecommendedCurve.P_384, RecommendedCurve.P_521);
    private static final Set<HashingAlgorithm> APPROVED_HASHES = EnumSet.of(HashingAlgorithm.SHA_1,
            HashingAlgorithm.SHA_224, HashingAlgorithm.SHA_256, HashingAlgorithm.SHA_384, HashingAlgorithm.SHA_512,
            HashingAlgorithm.SHA_512_224, HashingAlgorithm.SHA_512_256, HashingAlgorithm.SHA3_224,
            HashingAlgorithm.SHA3_256, HashingAlgorithm.SHA3_384, HashingAlgorithm.SHA3_512);
    private static final Set<CryptographicAlgorithm> HMACS = EnumSet.of(CryptographicAlgorithm.HMAC_SHA1,
            CryptographicAlgorithm.HMAC_SHA224, CryptographicAlgorithm.HMAC_SHA256, CryptographicAlgorithm.HMAC_SHA384,
            CryptographicAlgorithm.HMAC_SHA512, CryptographicAlgorithm.HMAC_SHA3_224, CryptographicAlgorithm.HMAC_SHA3_256,
            CryptographicAlgorithm.HMAC_SHA3_384, CryptographicAlgorithm.HMAC_SHA3_512);

    private final boolean fipsOnly;

    private CryptoPolicy(boolean fipsOnly) {
        this.fipsOnly = fipsOnly;
    }

    /** The policy for the setting {@code crypto.fips_only}. */
    public static CryptoPolicy of(boolean fipsOnly) {
        return fipsOnly ? FIPS_140 : DEFAULT;
    }

    public boolean fipsOnly() {
        return fipsOnly;
    }

    /**
     * A key the client asks the server to make (Create, Create Key Pair, Derive Key, Create Split Key).
     *
     * @param algorithmValue the Cryptographic Algorithm enumeration value
     * @param lengthBits     the Cryptographic Length, or null when not given
     * @param curve          the Recommended Curve, or null
     * @throws KmipException Invalid Field when the policy does not allow it
     */
    public void requireNewKey(int algorithmValue, Integer lengthBits, RecommendedCurve curve) throws KmipException {
        if (fipsOnly) {
            Optional<String> refusal = keyRefusal(algorithmValue, lengthBits, curve, null);
            if (refusal.isPresent()) {
                throw request(refusal.get());
            }
        }
    }

    /**
     * An existing key used for {@code use}, judged by its Cryptographic Algorithm, Length and Recommended Curve
     * attributes.
     *
     * @throws KmipException Cryptographic Failure when the policy does not allow the key for that use
     */
    public void requireKey(StoredObject key, Use use) throws KmipException {
        if (!fipsOnly) {
            return;
        }
        Optional<Integer> attribute = key.attribute("Cryptographic Algorithm").map(a -> a.value())
                .filter(v -> v.type() == ItemType.ENUMERATION).map(TtlvItem::enumValue);
        Integer algorithm = attribute.isPresent() ? attribute.get() : KeyMaterial.algorithm(key).orElse(null);
        if (algorithm == null) {
            return; // not a key: the handler answers that
        }
        Integer length = key.attribute("Cryptographic Length").map(a -> a.value())
                .filter(v -> v.type() == ItemType.INTEGER).map(TtlvItem::intValue).orElse(null);
        RecommendedCurve curve = key.attribute("Cryptographic Domain Parameters").map(a -> a.value())
                .flatMap(v -> v.child(Tag.RECOMMENDED_CURVE)).filter(v -> v.type() == ItemType.ENUMERATION)
                .flatMap(v -> RecommendedCurve.fromValue(v.enumValue())).orElse(null);
        requireKey(algorithm, length, curve, use);
    }

    /** {@link #requireKey(StoredObject, Use)} from the attribute values. */
    public void requireKey(int algorithmValue, Integer lengthBits, RecommendedCurve curve, Use use) throws KmipException {
        if (fipsOnly) {
            Optional<String> refusal = keyRefusal(algorithmValue, lengthBits, curve, use);
            if (refusal.isPresent()) {
                throw new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, refusal.get());
            }
        }
    }

    /** Encrypt or Decrypt with these parameters (the key is checked with {@link #requireKey}). Invalid Field. */
    public void requireCipher(CipherSpec spec, boolean encrypt) throws KmipException {
        if (!fipsOnly) {
            return;
        }
        switch (spec.algorithm()) {
            case CHACHA20 -> throw request(notApproved("ChaCha20"));
            case CHACHA20_POLY1305 -> throw request(notApproved("ChaCha20-Poly1305"));
            case TRIPLE_DES -> {
                if (encrypt) {
                    throw request("Triple DES encryption is not FIPS 140-approved since 2024 (decryption only, SP 800-131A"
                            + " Rev. 2)" + SUFFIX);
                }
            }
            case RSA -> {
                if (spec.padding() == CipherSpec.Padding.PKCS1_V1_5) {
                    throw request("RSA with PKCS#1 v1.5 padding is not FIPS 140-approved for encryption since 2023 (use"
                            + " OAEP, SP 800-131A Rev. 2)" + SUFFIX);
                }
                if (spec.padding() == CipherSpec.Padding.NONE) {
                    throw request(notApproved("raw RSA without padding"));
                }
            }
            default -> {
                // AES in every mode CipherSpec offers (ECB, CBC, CTR, GCM, XTS, KW, KWP) is approved (SP 800-38A/C/D/E/F)
            }
        }
    }

    /** Sign or Signature Verify with these parameters (the key is checked with {@link #requireKey}). Invalid Field. */
    public void requireSignature(SignatureParameters parameters, boolean sign) throws KmipException {
        if (!fipsOnly) {
            return;
        }
        boolean eddsa = parameters.scheme() == SignatureParameters.Scheme.ED25519
                || parameters.scheme() == SignatureParameters.Scheme.ED448;
        if (sign && !eddsa && parameters.hash() != null
                && parameters.hash().kmip() == HashingAlgorithm.SHA_1) {
            throw request("SHA-1 is not FIPS 140-approved for signature generation (SP 800-131A Rev. 2; verification"
                    + " only)" + SUFFIX);
        }
    }

    /** MAC or MAC Verify with these parameters (the key is checked with {@link #requireKey}). Invalid Field. */
    public void requireMac(MacParameters parameters) throws KmipException {
        if (fipsOnly && !parameters.cmac() && parameters.hash() != null) {
            requireHash(parameters.hash().kmip().value());
        }
    }

    /** A Hashing Algorithm a request names (Hash, MAC, derivation). Invalid Field. */
    public void requireHash(int hashingAlgorithmValue) throws KmipException {
        if (fipsOnly) {
            Optional<HashingAlgorithm> h = HashingAlgorithm.fromValue(hashingAlgorithmValue);
            if (h.isEmpty() || !APPROVED_HASHES.contains(h.get())) {
                throw request(notApproved(h.map(HashingAlgorithm::specName).orElse("Hashing Algorithm 0x"
                        + Integer.toHexString(hashingAlgorithmValue))));
            }
        }
    }

    /**
     * Derive Key with this method and parameters (the base key is checked with {@link #requireKey}, the new
     * key with {@link #requireNewKey}). Invalid Field.
     */
    public void requireDerivation(DerivationSpec spec) throws KmipException {
        if (!fipsOnly) {
            return;
        }
        switch (spec.method()) {
            case PBKDF2 -> {
                if (spec.iterationCount() < MIN_PBKDF2_ITERATIONS) {
                    throw request("PBKDF2 with " + spec.iterationCount() + " iterations is not FIPS 140-approved (at least "
                            + MIN_PBKDF2_ITERATIONS + ", SP 800-132)" + SUFFIX);
                }
                if (spec.saltBits() < MIN_PBKDF2_SALT_BITS) {
                    throw request("PBKDF2 with a " + spec.saltBits() + "-bit salt is not FIPS 140-approved (at least "
                            + MIN_PBKDF2_SALT_BITS + " bits, SP 800-132)" + SUFFIX);
                }
            }
            case HKDF, NIST800_108_C -> {
                // SP 800-56C Rev. 2 section 5 (HKDF is its two-step KDF with HMAC); SP 800-108 Rev. 1 counter mode
            }
            default -> throw request("Derivation Method " + spec.method().specName() + " is not FIPS 140-approved (only"
                    + " PBKDF2, HKDF and NIST800-108-C: SP 800-108, SP 800-56C, SP 800-132)" + SUFFIX);
        }
        if (spec.outputBits() < MIN_SYMMETRIC_BITS) {
            throw request("a derived key of " + spec.outputBits() + " bits is not FIPS 140-approved (at least "
                    + MIN_SYMMETRIC_BITS + ", SP 800-131A Rev. 2)" + SUFFIX);
        }
        if (spec.hashingAlgorithm().isPresent()) {
            requireHash(spec.hashingAlgorithm().get().value());
        }
    }

    /**
     * Create Split Key with this method. XOR splitting (split knowledge, the key components of SP 800-57 Part 1
     * and FIPS 140-3 key entry) is allowed; polynomial (Shamir) sharing is in no NIST standard and is refused.
     * Invalid Field.
     */
    public void requireSplit(SplitKeyMethodKind method) throws KmipException {
        if (fipsOnly && method != SplitKeyMethodKind.XOR) {
            throw request(notApproved("polynomial (Shamir) secret sharing"));
        }
    }

    @Override
    public String toString() {
        return fipsOnly ? "CryptoPolicy[FIPS 140]" : "CryptoPolicy[default]";
    }

    private static final String SUFFIX = "; this server allows only approved algorithms (crypto.fips_only)";

    private static String notApproved(String what) {
        return what + " is not FIPS 140-approved" + SUFFIX;
    }

    private static KmipException request(String message) {
        return new KmipException(ResultReason.INVALID_FIELD, message);
    }

    /** Why a key of this algorithm, size and curve may not be made ({@code use == null}) or used. */
    static Optional<String> keyRefusal(int algorithmValue, Integer lengthBits, RecommendedCurve curve, Use use) {
        Optional<CryptographicAlgorithm> known = CryptographicAlgorithm.fromValue(algorithmValue);
        if (known.isEmpty()) {
            return Optional.of(notApproved("Cryptographic Algorithm 0x" + Integer.toHexString(algorithmValue)));
        }
        CryptographicAlgorithm alg = known.get();
        String name = alg.specName();
        switch (alg) {
            case AES -> {
                if (lengthBits != null && lengthBits != 128 && lengthBits != 192 && lengthBits != 256) {
                    return Optional.of("AES-" + lengthBits + " is not FIPS 140-approved (128, 192 or 256 bits, FIPS 197)"
                            + SUFFIX);
                }
                return Optional.empty();
            }
            case DES3 -> {
                if (use == Use.DECRYPT || use == Use.UNWRAP) {
                    return Optional.empty();
                }
                return Optional.of("Triple DES is not FIPS 140-approved except for decrypting (legacy use; encryption is"
                        + " disallowed after 2023, SP 800-131A Rev. 2)" + SUFFIX);
            }
            case RSA -> {
                int min = use == Use.VERIFY ? MIN_RSA_VERIFY_BITS : MIN_RSA_BITS;
                if (lengthBits != null && lengthBits < min) {
                    return Optional.of("RSA-" + lengthBits + " is not FIPS 140-approved" + (use == null ? "" : " for "
                            + use.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')) + " (at least " + min
                            + " bits, SP 800-131A Rev. 2)" + SUFFIX);
                }
                return Optional.empty();
            }
            case EC, ECDSA, ECDH, ECMQV -> {
                if (curve == RecommendedCurve.CURVE25519 || curve == RecommendedCurve.CURVE448) {
                    return Optional.of((curve == RecommendedCurve.CURVE25519 ? "X25519" : "X448") + " key agreement is not"
                            + " FIPS 140-approved (SP 800-56A Rev. 3 uses the SP 800-186 Weierstrass curves only)" + SUFFIX);
                }
                if (curve != null && !APPROVED_CURVES.contains(curve)) {
                    return Optional.of("curve " + curve.specName() + " is not FIPS 140-approved (P-224, P-256, P-384 or"
                            + " P-521, SP 800-186)" + SUFFIX);
                }
                if (curve == null && lengthBits != null && lengthBits != 224 && lengthBits != 256 && lengthBits != 384
                        && lengthBits != 521) {
                    return Optional.of(name + " with a " + lengthBits + "-bit curve is not FIPS 140-approved (P-224, P-256,"
                            + " P-384 or P-521, SP 800-186)" + SUFFIX);
                }
                return Optional.empty();
            }
            case ED25519, ED448 -> {
                return Optional.empty(); // FIPS 186-5 section 7
            }
            default -> {
                // MAC algorithms and everything else below
            }
        }
        if (HMACS.contains(alg)) {
            if (lengthBits != null && lengthBits < MIN_SYMMETRIC_BITS) {
                return Optional.of(name + " with a " + lengthBits + "-bit key is not FIPS 140-approved (at least "
                        + MIN_SYMMETRIC_BITS + " bits, SP 800-131A Rev. 2)" + SUFFIX);
            }
            return Optional.empty();
        }
        return Optional.of(notApproved(name));
    }
}
