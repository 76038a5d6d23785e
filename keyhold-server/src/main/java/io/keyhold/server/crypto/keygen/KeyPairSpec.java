package io.keyhold.server.crypto.keygen;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.RecommendedCurve;
import io.keyhold.protocol.spec.ResultReason;
import java.util.Optional;
import java.util.Set;

/**
 * A validated request for a new key pair: the family of key (RSA, NIST EC, Ed25519, Ed448, X25519, X448),
 * its size in bits, the curve, and the KMIP Cryptographic Algorithm to record on both objects.
 *
 * <p>Built from the KMIP attributes with {@link #of}: Cryptographic Algorithm RSA with Cryptographic Length
 * 2048, 3072 or 4096; EC, ECDSA or ECDH with the Recommended Curve of the Cryptographic Domain Parameters
 * (P-256, P-384, P-521) or, without one, the Cryptographic Length 256, 384 or 521; Ed25519 and Ed448
 * (KMIP 2.0 and later); EC or ECDH with Recommended Curve CURVE25519 or CURVE448 for X25519 and X448 (KMIP
 * has no algorithm value of their own).
 */
public final class KeyPairSpec {
    /** The kinds of key pair the JDK generates here. */
    public enum Family {
        RSA("RSA"), EC("EC"), ED25519("Ed25519"), ED448("Ed448"), X25519("X25519"), X448("X448");

        private final String jcaName;

        Family(String jcaName) {
            this.jcaName = jcaName;
        }

        /** The JCA key algorithm name (for KeyFactory / KeyPairGenerator). */
        public String jcaName() {
            return jcaName;
        }
    }

    private static final Set<Integer> RSA_BITS = Set.of(2048, 3072, 4096);
    private static final int SIGNING = CryptographicUsageMask.SIGN.value() | CryptographicUsageMask.VERIFY.value()
            | CryptographicUsageMask.CERTIFICATE_SIGN.value() | CryptographicUsageMask.CRL_SIGN.value()
            | CryptographicUsageMask.CONTENT_COMMITMENT_NON_REPUDIATION.value() | CryptographicUsageMask.AUTHENTICATE.value();
    private static final int ENCRYPTING = CryptographicUsageMask.ENCRYPT.value() | CryptographicUsageMask.DECRYPT.value()
            | CryptographicUsageMask.WRAP_KEY.value() | CryptographicUsageMask.UNWRAP_KEY.value();
    private static final int AGREEING = CryptographicUsageMask.KEY_AGREEMENT.value() | CryptographicUsageMask.DERIVE_KEY.value();

    private final Family family;
    private final CryptographicAlgorithm algorithm;
    private final int lengthBits;
    private final RecommendedCurve curve;

    private KeyPairSpec(Family family, CryptographicAlgorithm algorithm, int lengthBits, RecommendedCurve curve) {
        this.family = family;
        this.algorithm = algorithm;
        this.lengthBits = lengthBits;
        this.curve = curve;
    }

    public Family family() {
        return family;
    }

    /** The Cryptographic Algorithm recorded on both keys: the one the client asked for. */
    public CryptographicAlgorithm algorithm() {
        return algorithm;
    }

    /** The Cryptographic Length: the RSA modulus or the curve's field size in bits. */
    public int lengthBits() {
        return lengthBits;
    }

    /** The curve of EC, Edwards and Montgomery keys. */
    public Optional<RecommendedCurve> curve() {
        return Optional.ofNullable(curve);
    }

    /**
     * Validates what the client asked for.
     *
     * @param version        the request's protocol version (Ed25519 and Ed448 need 2.0)
     * @param algorithmValue the Cryptographic Algorithm enumeration value
     * @param lengthBits     the Cryptographic Length, or null
     * @param curveValue     the Recommended Curve of the Cryptographic Domain Parameters, or null
     * @param usageMask      the union of both keys' Cryptographic Usage Masks (0 when none is given)
     * @throws KmipException Invalid Field for an algorithm that makes no key pair, a length or curve it
     *                       does not take; Missing Data without a length or curve; Feature Not Supported
     *                       for asymmetric algorithms or curves not implemented here; Incompatible
     *                       Cryptographic Usage Mask for a usage the key cannot serve
     */
    public static KeyPairSpec of(KmipVersion version, int algorithmValue, Integer lengthBits, Integer curveValue,
                                 int usageMask) throws KmipException {
        CryptographicAlgorithm alg = CryptographicAlgorithm.fromValue(algorithmValue).orElseThrow(() -> invalid(
                "Cryptographic Algorithm 0x" + Integer.toHexString(algorithmValue) + " is not known"));
        RecommendedCurve curve = null;
        if (curveValue != null) {
            curve = RecommendedCurve.fromValue(curveValue).orElseThrow(() -> invalid("Recommended Curve 0x"
                    + Integer.toHexString(curveValue) + " is not known"));
        }
        KeyPairSpec spec = switch (alg) {
            case RSA -> rsa(lengthBits, curve);
            case EC, ECDSA, ECDH -> ec(version, alg, lengthBits, curve);
            case ED25519, ED448 -> edwards(version, alg, lengthBits, curve);
            case DSA, DH, ECMQV, SM2, GOST_R_34_10_2012, XMSS, SPHINCS_256, MCELIECE, MCELIECE_6960119, MCELIECE_8192128 ->
                    throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, "Create Key Pair for " + alg.specName()
                            + " is not supported by this server (supported: RSA, EC, ECDSA, ECDH, Ed25519, Ed448)");
            default -> throw invalid("Cryptographic Algorithm " + alg.specName() + " is not an asymmetric key algorithm");
        };
        spec.checkUsage(usageMask);
        return spec;
    }

    private static KeyPairSpec rsa(Integer bits, RecommendedCurve curve) throws KmipException {
        if (curve != null) {
            throw invalid("Recommended Curve " + curve.specName() + " does not apply to RSA");
        }
        if (bits == null) {
            throw new KmipException(ResultReason.MISSING_DATA, "Cryptographic Length is missing (RSA takes 2048, 3072 or 4096 bits)");
        }
        if (!RSA_BITS.contains(bits)) {
            throw invalid("Cryptographic Length " + bits + " for RSA (expected: 2048, 3072 or 4096)");
        }
        return new KeyPairSpec(Family.RSA, CryptographicAlgorithm.RSA, bits, null);
    }

    private static KeyPairSpec ec(KmipVersion version, CryptographicAlgorithm alg, Integer bits, RecommendedCurve curve)
            throws KmipException {
        if (curve == null) {
            if (bits == null) {
                throw new KmipException(ResultReason.MISSING_DATA, alg.specName() + " needs a Recommended Curve in"
                        + " Cryptographic Domain Parameters or a Cryptographic Length (256, 384 or 521)");
            }
            curve = switch (bits) {
                case 256 -> RecommendedCurve.P_256;
                case 384 -> RecommendedCurve.P_384;
                case 521 -> RecommendedCurve.P_521;
                default -> throw invalid("Cryptographic Length " + bits + " for " + alg.specName()
                        + " (expected: 256, 384 or 521, or a Recommended Curve)");
            };
        }
        Family family;
        int curveBits;
        switch (curve) {
            case P_256 -> { family = Family.EC; curveBits = 256; }
            case P_384 -> { family = Family.EC; curveBits = 384; }
            case P_521 -> { family = Family.EC; curveBits = 521; }
            case CURVE25519 -> { family = Family.X25519; curveBits = 255; }
            case CURVE448 -> { family = Family.X448; curveBits = 448; }
            default -> throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, "Recommended Curve " + curve.specName()
                    + " is not supported by this server (supported: P-256, P-384, P-521, CURVE25519, CURVE448)");
        }
        if (family != Family.EC && !version.isTwoOrLater()) {
            throw invalid(curve.specName() + " is defined from KMIP 2.0 on, not in " + version);
        }
        if (family != Family.EC && alg == CryptographicAlgorithm.ECDSA) {
            throw invalid("ECDSA is not defined on " + curve.specName() + ": use Ed25519 or Ed448 for signatures, EC or"
                    + " ECDH for key agreement");
        }
        checkLength(bits, curveBits, curve);
        return new KeyPairSpec(family, alg, curveBits, curve);
    }

    private static KeyPairSpec edwards(KmipVersion version, CryptographicAlgorithm alg, Integer bits, RecommendedCurve curve)
            throws KmipException {
        if (!version.isTwoOrLater()) {
            throw invalid(alg.specName() + " is defined from KMIP 2.0 on, not in " + version);
        }
        boolean is25519 = alg == CryptographicAlgorithm.ED25519;
        RecommendedCurve expected = is25519 ? RecommendedCurve.CURVE25519 : RecommendedCurve.CURVE448;
        if (curve != null && curve != expected) {
            throw invalid(alg.specName() + " uses " + expected.specName() + ", not " + curve.specName());
        }
        int curveBits = is25519 ? 255 : 448;
        checkLength(bits, curveBits, expected);
        return new KeyPairSpec(is25519 ? Family.ED25519 : Family.ED448, alg, curveBits, expected);
    }

    /** A length given with a curve must be the curve's (256 is also taken for the 255-bit Curve25519). */
    private static void checkLength(Integer bits, int curveBits, RecommendedCurve curve) throws KmipException {
        if (bits != null && bits != curveBits && !(curveBits == 255 && bits == 256)) {
            throw invalid("Cryptographic Length " + bits + " does not match " + curve.specName() + " (" + curveBits + " bits)");
        }
    }

    private void checkUsage(int mask) throws KmipException {
        int refused = switch (family) {
            case X25519, X448 -> SIGNING | ENCRYPTING;
            case ED25519, ED448 -> ENCRYPTING | AGREEING;
            case EC -> algorithm == CryptographicAlgorithm.ECDH ? SIGNING | ENCRYPTING
                    : algorithm == CryptographicAlgorithm.ECDSA ? ENCRYPTING | AGREEING : ENCRYPTING;
            case RSA -> CryptographicUsageMask.KEY_AGREEMENT.value();
        };
        int bad = mask & refused;
        if (bad != 0) {
            StringBuilder names = new StringBuilder();
            for (CryptographicUsageMask m : CryptographicUsageMask.values()) {
                if ((bad & m.value()) != 0) {
                    names.append(names.length() == 0 ? "" : ", ").append(m.specName());
                }
            }
            throw new KmipException(ResultReason.INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK, describe()
                    + " keys cannot be used for " + names);
        }
    }

    /** "RSA-2048", "ECDSA P-256", "Ed25519", "X25519". */
    public String describe() {
        return switch (family) {
            case RSA -> "RSA-" + lengthBits;
            case EC -> algorithm.specName() + " " + curve.specName();
            default -> family.jcaName();
        };
    }

    @Override
    public String toString() {
        return "KeyPairSpec[" + describe() + "]";
    }

    private static KmipException invalid(String message) {
        return new KmipException(ResultReason.INVALID_FIELD, message);
    }
}
