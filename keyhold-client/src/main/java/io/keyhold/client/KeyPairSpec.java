package io.keyhold.client;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.RecommendedCurve;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a Create Key Pair asks for: algorithm and length (and for EC a Recommended Curve) common to both
 * keys, then the Name and Usage Mask of each key, and any further attributes of each.
 *
 * @param algorithm          Cryptographic Algorithm (RSA, EC, ECDSA, ...)
 * @param length             Cryptographic Length in bits
 * @param curve              Recommended Curve of the Cryptographic Domain Parameters, or null
 * @param privateName        Name of the private key, or null
 * @param publicName         Name of the public key, or null
 * @param privateUsageMask   Cryptographic Usage Mask of the private key
 * @param publicUsageMask    Cryptographic Usage Mask of the public key
 * @param commonAttributes   further attributes of both keys
 * @param privateAttributes  further attributes of the private key
 * @param publicAttributes   further attributes of the public key
 */
public record KeyPairSpec(CryptographicAlgorithm algorithm, int length, RecommendedCurve curve, String privateName,
                          String publicName, int privateUsageMask, int publicUsageMask,
                          List<KmipAttribute> commonAttributes, List<KmipAttribute> privateAttributes,
                          List<KmipAttribute> publicAttributes) {
    public KeyPairSpec {
        Objects.requireNonNull(algorithm, "algorithm");
        if (length <= 0) {
            throw new IllegalArgumentException("key length " + length + " (expected: > 0 bits)");
        }
        commonAttributes = List.copyOf(commonAttributes);
        privateAttributes = List.copyOf(privateAttributes);
        publicAttributes = List.copyOf(publicAttributes);
    }

    /** An RSA signing key pair (private key Sign, public key Verify). */
    public static KeyPairSpec rsa(int bits) {
        return builder().algorithm(CryptographicAlgorithm.RSA).length(bits).build();
    }

    /** An EC signing key pair on NIST P-256 (private key Sign, public key Verify). */
    public static KeyPairSpec ecP256() {
        return builder().algorithm(CryptographicAlgorithm.EC).length(256).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    List<KmipAttribute> common() {
        List<KmipAttribute> out = new ArrayList<>();
        out.add(KmipAttributes.algorithm(algorithm));
        out.add(KmipAttributes.length(length));
        if (curve != null) {
            out.add(KmipAttribute.of(TtlvItem.structure(Tag.CRYPTOGRAPHIC_DOMAIN_PARAMETERS,
                    TtlvItem.enumeration(Tag.RECOMMENDED_CURVE, curve.value()))));
        }
        out.addAll(commonAttributes);
        return out;
    }

    List<KmipAttribute> privateKey() {
        return own(privateName, privateUsageMask, privateAttributes);
    }

    List<KmipAttribute> publicKey() {
        return own(publicName, publicUsageMask, publicAttributes);
    }

    private static List<KmipAttribute> own(String name, int mask, List<KmipAttribute> more) {
        List<KmipAttribute> out = new ArrayList<>();
        out.add(KmipAttributes.usageMask(mask));
        if (name != null) {
            out.add(KmipAttributes.name(name));
        }
        out.addAll(more);
        return out;
    }

    /** Builds a {@link KeyPairSpec}; algorithm and length are required, usages default to Sign / Verify. */
    public static final class Builder {
        private CryptographicAlgorithm algorithm;
        private int length;
        private RecommendedCurve curve;
        private String privateName;
        private String publicName;
        private int privateUsageMask = CryptographicUsageMask.SIGN.value();
        private int publicUsageMask = CryptographicUsageMask.VERIFY.value();
        private final List<KmipAttribute> common = new ArrayList<>();
        private final List<KmipAttribute> privateAttributes = new ArrayList<>();
        private final List<KmipAttribute> publicAttributes = new ArrayList<>();

        private Builder() {}

        public Builder algorithm(CryptographicAlgorithm a) {
            this.algorithm = a;
            return this;
        }

        public Builder length(int bits) {
            this.length = bits;
            return this;
        }

        public Builder curve(RecommendedCurve c) {
            this.curve = c;
            return this;
        }

        public Builder privateName(String n) {
            this.privateName = n;
            return this;
        }

        public Builder publicName(String n) {
            this.publicName = n;
            return this;
        }

        public Builder privateUsage(CryptographicUsageMask... usages) {
            this.privateUsageMask = CryptographicUsageMask.maskOf(usages);
            return this;
        }

        public Builder publicUsage(CryptographicUsageMask... usages) {
            this.publicUsageMask = CryptographicUsageMask.maskOf(usages);
            return this;
        }

        public Builder commonAttribute(KmipAttribute a) {
            common.add(Objects.requireNonNull(a, "attribute"));
            return this;
        }

        public Builder privateAttribute(KmipAttribute a) {
            privateAttributes.add(Objects.requireNonNull(a, "attribute"));
            return this;
        }

        public Builder publicAttribute(KmipAttribute a) {
            publicAttributes.add(Objects.requireNonNull(a, "attribute"));
            return this;
        }

        public KeyPairSpec build() {
            return new KeyPairSpec(algorithm, length, curve, privateName, publicName, privateUsageMask, publicUsageMask,
                    common, privateAttributes, publicAttributes);
        }
    }
}
