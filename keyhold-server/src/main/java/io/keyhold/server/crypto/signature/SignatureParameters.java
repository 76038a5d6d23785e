package io.keyhold.server.crypto.signature;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.DigitalSignatureAlgorithm;
import io.keyhold.protocol.spec.MaskGenerator;
import io.keyhold.protocol.spec.PaddingMethod;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.KeyMaterial;
import io.keyhold.server.store.StoredObject;
import java.util.Objects;
import java.util.Optional;

/**
 * How to sign or verify with one key: the scheme, the hash and, for PSS, the salt length and MGF1 hash.
 * Immutable and validated; built from the KMIP Cryptographic Parameters of the request, or else of the key's
 * Cryptographic Parameters attribute (the request's structure replaces the attribute's as a whole).
 *
 * <p>Mapping: Digital Signature Algorithm, when given, names scheme and hash (RSASSA-PSS takes its hash from
 * Hashing Algorithm). Otherwise the key's algorithm names the scheme, Padding Method PSS selects RSASSA-PSS and
 * PKCS1 v1.5 or no padding selects RSASSA-PKCS1-v1_5, and Hashing Algorithm the hash. PSS defaults: the
 * maximum salt length the key allows (modulus bytes - hash length - 2, as the OASIS test cases CS-AC-M-1/2 and
 * PyKMIP use), MGF1 with the message hash. ECDSA without a hash uses the one matching the curve's size (SHA-256
 * for P-256 and secp256k1, SHA-384 for P-384, SHA-512 for P-521). Ed25519 and Ed448 take no hash (PureEdDSA).
 *
 * @param scheme      the signature scheme
 * @param hash        the message hash; null for EdDSA
 * @param saltLength  PSS salt length in bytes, or {@link #MAXIMUM_SALT}; 0 for other schemes
 * @param mgfHash     PSS MGF1 hash; null for other schemes
 */
public record SignatureParameters(Scheme scheme, HashFunction hash, int saltLength, HashFunction mgfHash) {
    /** The PSS salt length meaning "as long as the key allows". */
    public static final int MAXIMUM_SALT = -1;

    /** A signature scheme and the key algorithm it needs. */
    public enum Scheme {
        RSA_PKCS1_V1_5(KeyAlgorithm.RSA), RSA_PSS(KeyAlgorithm.RSA), ECDSA(KeyAlgorithm.EC),
        ED25519(KeyAlgorithm.ED25519), ED448(KeyAlgorithm.ED448);

        final KeyAlgorithm key;

        Scheme(KeyAlgorithm key) {
            this.key = key;
        }

        boolean eddsa() {
            return this == ED25519 || this == ED448;
        }
    }

    public SignatureParameters {
        Objects.requireNonNull(scheme, "scheme");
        if (scheme.eddsa() != (hash == null)) {
            throw new IllegalArgumentException(scheme + (hash == null ? " needs a hash" : " takes no hash"));
        }
        if ((scheme == Scheme.RSA_PSS) != (mgfHash != null) || saltLength < MAXIMUM_SALT || (scheme != Scheme.RSA_PSS && saltLength != 0)) {
            throw new IllegalArgumentException("salt length and MGF1 hash are for RSA PSS only");
        }
    }

    @Override
    public String toString() {
        return switch (scheme) {
            case RSA_PKCS1_V1_5 -> "RSASSA-PKCS1-v1_5 with " + hash.kmip().specName();
            case RSA_PSS -> "RSASSA-PSS with " + hash.kmip().specName() + " (MGF1 with " + mgfHash.kmip().specName() + ", salt "
                    + (saltLength == MAXIMUM_SALT ? "as long as the key allows" : saltLength + " bytes") + ")";
            case ECDSA -> "ECDSA with " + hash.kmip().specName();
            case ED25519 -> "Ed25519";
            case ED448 -> "Ed448";
        };
    }

    /** The asymmetric key algorithms signatures are made with, by their JCA key factory name. */
    enum KeyAlgorithm {
        RSA("RSA"), EC("EC"), ED25519("Ed25519"), ED448("Ed448");

        final String jca;

        KeyAlgorithm(String jca) {
            this.jca = jca;
        }

        static KeyAlgorithm of(StoredObject key) throws KmipException {
            Optional<Integer> alg = key.attribute("Cryptographic Algorithm").map(a -> a.value().enumValue());
            if (alg.isEmpty()) {
                alg = KeyMaterial.algorithm(key);
            }
            int v = alg.orElseThrow(() -> new KmipException(ResultReason.MISSING_DATA,
                    "the key has no Cryptographic Algorithm"));
            if (v == CryptographicAlgorithm.RSA.value()) {
                return RSA;
            }
            if (v == CryptographicAlgorithm.EC.value() || v == CryptographicAlgorithm.ECDSA.value()) {
                return EC;
            }
            if (v == CryptographicAlgorithm.ED25519.value()) {
                return ED25519;
            }
            if (v == CryptographicAlgorithm.ED448.value()) {
                return ED448;
            }
            throw new KmipException(ResultReason.UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS, "keys of Cryptographic Algorithm "
                    + algorithmName(v) + " cannot sign or verify here (expected: RSA, EC/ECDSA, Ed25519 or Ed448)");
        }
    }

    /**
     * The parameters for this key: from the request's Cryptographic Parameters when given, else from the key's
     * Cryptographic Parameters attribute, else the key's algorithm alone (enough for Ed25519 and Ed448).
     *
     * @throws KmipException Missing Data when RSA has no hash (or ECDSA, with a key of unknown length); Bad Cryptographic Parameters when they
     *                       contradict the key or each other; Unsupported Cryptographic Parameters for a scheme,
     *                       hash or mask generator not offered here
     */
    public static SignatureParameters resolve(Optional<TtlvItem> requestParameters, StoredObject key) throws KmipException {
        KeyAlgorithm keyAlgorithm = KeyAlgorithm.of(key);
        Optional<TtlvItem> p = requestParameters.isPresent() ? requestParameters
                : key.attribute("Cryptographic Parameters").map(a -> a.value());
        Integer dsa = p.flatMap(t -> t.child(Tag.DIGITAL_SIGNATURE_ALGORITHM)).map(TtlvItem::enumValue).orElse(null);
        Integer alg = p.flatMap(t -> t.child(Tag.CRYPTOGRAPHIC_ALGORITHM)).map(TtlvItem::enumValue).orElse(null);
        Integer padding = p.flatMap(t -> t.child(Tag.PADDING_METHOD)).map(TtlvItem::enumValue).orElse(null);
        HashFunction hash = null;
        Optional<TtlvItem> hashItem = p.flatMap(t -> t.child(Tag.HASHING_ALGORITHM));
        if (hashItem.isPresent()) {
            hash = HashFunction.of(hashItem.get().enumValue());
        }
        Scheme scheme;
        if (dsa != null) {
            scheme = schemeOf(dsa);
            HashFunction named = hashOf(dsa);
            if (named != null && hash != null && named != hash) {
                throw new KmipException(ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS, "Digital Signature Algorithm " + dsaName(dsa)
                        + " contradicts Hashing Algorithm " + hash.kmip().specName());
            }
            hash = named != null ? named : hash;
        } else {
            if (alg != null && keyAlgorithm != keyAlgorithmOf(alg)) {
                throw new KmipException(ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS, "Cryptographic Algorithm " + algorithmName(alg)
                        + " cannot be used with this " + keyAlgorithm.jca + " key");
            }
            scheme = switch (keyAlgorithm) {
                case RSA -> padding == null || padding == PaddingMethod.PKCS1_V1_5.value() ? Scheme.RSA_PKCS1_V1_5
                        : padding == PaddingMethod.PSS.value() ? Scheme.RSA_PSS : null;
                case EC -> Scheme.ECDSA;
                case ED25519 -> Scheme.ED25519;
                case ED448 -> Scheme.ED448;
            };
            if (scheme == null) {
                throw new KmipException(ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS, "Padding Method " + paddingName(padding)
                        + " does not sign (expected: PKCS1 v1.5 or PSS)");
            }
        }
        if (scheme.key != keyAlgorithm) {
            throw new KmipException(ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS, "Digital Signature Algorithm " + dsaName(dsa)
                    + " cannot be used with this " + keyAlgorithm.jca + " key");
        }
        if (scheme.eddsa()) {
            if (hash != null) {
                throw new KmipException(ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS, scheme.key.jca
                        + " hashes the message itself; Hashing Algorithm must not be given");
            }
            return new SignatureParameters(scheme, null, 0, null);
        }
        if (hash == null && scheme == Scheme.ECDSA) {
            hash = ecdsaDefaultHash(key).orElse(null);
        }
        if (hash == null) {
            throw new KmipException(ResultReason.MISSING_DATA, "Cryptographic Parameters must name a Hashing Algorithm"
                    + " or a Digital Signature Algorithm to sign with this " + keyAlgorithm.jca + " key");
        }
        if (scheme != Scheme.RSA_PSS) {
            return new SignatureParameters(scheme, hash, 0, null);
        }
        Optional<TtlvItem> mgf = p.flatMap(t -> t.child(Tag.MASK_GENERATOR));
        if (mgf.isPresent() && mgf.get().enumValue() != MaskGenerator.MGF1.value()) {
            throw new KmipException(ResultReason.UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS, "Mask Generator must be MGF1");
        }
        Optional<TtlvItem> mgfHashItem = p.flatMap(t -> t.child(Tag.MASK_GENERATOR_HASHING_ALGORITHM));
        HashFunction mgfHash = mgfHashItem.isPresent() ? HashFunction.of(mgfHashItem.get().enumValue()) : hash;
        Optional<TtlvItem> saltItem = p.flatMap(t -> t.child(Tag.SALT_LENGTH));
        int salt = saltItem.map(TtlvItem::intValue).orElse(MAXIMUM_SALT);
        if (saltItem.isPresent() && salt < 0) {
            throw new KmipException(ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS, "Salt Length " + salt + " (expected: >= 0)");
        }
        return new SignatureParameters(scheme, hash, salt, mgfHash);
    }

    /**
     * The hash ECDSA uses when none is named: the one matching the curve's size (SHA-256 up to 256 bits,
     * SHA-384 up to 384, else SHA-512), as FIPS 186-5 and SP 800-57 pair them so the hash is never the weaker
     * part; empty when the key's length is not known.
     */
    static Optional<HashFunction> ecdsaDefaultHash(StoredObject key) throws KmipException {
        Optional<Integer> bits = key.attribute("Cryptographic Length").map(a -> a.value().intValue());
        if (bits.isEmpty()) {
            bits = KeyMaterial.length(key);
        }
        return bits.filter(b -> b > 0)
                .map(b -> b <= 256 ? HashFunction.SHA_256 : b <= 384 ? HashFunction.SHA_384 : HashFunction.SHA_512);
    }

    private static Scheme schemeOf(int dsa) throws KmipException {
        DigitalSignatureAlgorithm d = DigitalSignatureAlgorithm.fromValue(dsa).orElse(null);
        if (d == null) {
            throw new KmipException(ResultReason.UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS, "Digital Signature Algorithm 0x"
                    + Integer.toHexString(dsa) + " is not known");
        }
        return switch (d) {
            case SHA_1_WITH_RSA_ENCRYPTION, SHA_224_WITH_RSA_ENCRYPTION, SHA_256_WITH_RSA_ENCRYPTION,
                    SHA_384_WITH_RSA_ENCRYPTION, SHA_512_WITH_RSA_ENCRYPTION, SHA3_256_WITH_RSA_ENCRYPTION,
                    SHA3_384_WITH_RSA_ENCRYPTION, SHA3_512_WITH_RSA_ENCRYPTION -> Scheme.RSA_PKCS1_V1_5;
            case RSASSA_PSS -> Scheme.RSA_PSS;
            case ECDSA_WITH_SHA_1, ECDSA_WITH_SHA224, ECDSA_WITH_SHA256, ECDSA_WITH_SHA384, ECDSA_WITH_SHA512 -> Scheme.ECDSA;
            default -> throw new KmipException(ResultReason.UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS,
                    "Digital Signature Algorithm " + d.specName() + " is not supported (MD2/MD5 and DSA are not offered)");
        };
    }

    /** The hash a Digital Signature Algorithm names, or null (RSASSA-PSS). */
    private static HashFunction hashOf(int dsa) {
        return switch (DigitalSignatureAlgorithm.fromValue(dsa).orElseThrow()) {
            case SHA_1_WITH_RSA_ENCRYPTION, ECDSA_WITH_SHA_1 -> HashFunction.SHA_1;
            case SHA_224_WITH_RSA_ENCRYPTION, ECDSA_WITH_SHA224 -> HashFunction.SHA_224;
            case SHA_256_WITH_RSA_ENCRYPTION, ECDSA_WITH_SHA256 -> HashFunction.SHA_256;
            case SHA_384_WITH_RSA_ENCRYPTION, ECDSA_WITH_SHA384 -> HashFunction.SHA_384;
            case SHA_512_WITH_RSA_ENCRYPTION, ECDSA_WITH_SHA512 -> HashFunction.SHA_512;
            case SHA3_256_WITH_RSA_ENCRYPTION -> HashFunction.SHA3_256;
            case SHA3_384_WITH_RSA_ENCRYPTION -> HashFunction.SHA3_384;
            case SHA3_512_WITH_RSA_ENCRYPTION -> HashFunction.SHA3_512;
            default -> null;
        };
    }

    private static KeyAlgorithm keyAlgorithmOf(int alg) throws KmipException {
        if (alg == CryptographicAlgorithm.RSA.value()) {
            return KeyAlgorithm.RSA;
        }
        if (alg == CryptographicAlgorithm.ECDSA.value() || alg == CryptographicAlgorithm.EC.value()) {
            return KeyAlgorithm.EC;
        }
        if (alg == CryptographicAlgorithm.ED25519.value()) {
            return KeyAlgorithm.ED25519;
        }
        if (alg == CryptographicAlgorithm.ED448.value()) {
            return KeyAlgorithm.ED448;
        }
        throw new KmipException(ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS, "Cryptographic Algorithm " + algorithmName(alg)
                + " is not a signature algorithm (expected: RSA, ECDSA, EC, Ed25519 or Ed448)");
    }

    static String algorithmName(Integer algorithm) {
        if (algorithm == null) {
            return "(none)";
        }
        return CryptographicAlgorithm.fromValue(algorithm).map(CryptographicAlgorithm::specName).orElse("0x" + Integer.toHexString(algorithm));
    }

    private static String dsaName(int dsa) {
        return DigitalSignatureAlgorithm.fromValue(dsa).map(DigitalSignatureAlgorithm::specName).orElse("0x" + Integer.toHexString(dsa));
    }

    private static String paddingName(int padding) {
        return PaddingMethod.fromValue(padding).map(PaddingMethod::specName).orElse("0x" + Integer.toHexString(padding));
    }
}
