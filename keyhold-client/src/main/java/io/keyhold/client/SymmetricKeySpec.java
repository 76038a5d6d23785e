package io.keyhold.client;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a Create of a Symmetric Key asks for: the Cryptographic Algorithm, Length and Usage Mask, an
 * optional Name, and any further attributes (Object Group, custom attributes, ...).
 *
 * @param algorithm  Cryptographic Algorithm
 * @param length     Cryptographic Length in bits
 * @param name       Name (Uninterpreted Text String), or null
 * @param usageMask  Cryptographic Usage Mask bits
 * @param attributes further attributes
 */
public record SymmetricKeySpec(CryptographicAlgorithm algorithm, int length, String name, int usageMask,
                               List<KmipAttribute> attributes) {
    public SymmetricKeySpec {
        Objects.requireNonNull(algorithm, "algorithm");
        if (length <= 0) {
            throw new IllegalArgumentException("key length " + length + " (expected: > 0 bits)");
        }
        attributes = List.copyOf(attributes);
    }

    /** An AES key of 128, 192 or 256 bits usable to Encrypt and Decrypt. */
    public static SymmetricKeySpec aes(int bits) {
        return builder().algorithm(CryptographicAlgorithm.AES).length(bits)
                .usage(CryptographicUsageMask.ENCRYPT, CryptographicUsageMask.DECRYPT).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The same key with this Name. */
    public SymmetricKeySpec withName(String newName) {
        return new SymmetricKeySpec(algorithm, length, newName, usageMask, attributes);
    }

    /** Every attribute the Create sends. */
    public List<KmipAttribute> allAttributes() {
        List<KmipAttribute> out = new ArrayList<>();
        out.add(KmipAttributes.algorithm(algorithm));
        out.add(KmipAttributes.length(length));
        out.add(KmipAttributes.usageMask(usageMask));
        if (name != null) {
            out.add(KmipAttributes.name(name));
        }
        out.addAll(attributes);
        return out;
    }

    /** Builds a {@link SymmetricKeySpec}; algorithm and length are required. */
    public static final class Builder {
        private CryptographicAlgorithm algorithm;
        private int length;
        private String name;
        private int usageMask = CryptographicUsageMask.maskOf(CryptographicUsageMask.ENCRYPT, CryptographicUsageMask.DECRYPT);
        private final List<KmipAttribute> attributes = new ArrayList<>();

        private Builder() {}

        public Builder algorithm(CryptographicAlgorithm a) {
            this.algorithm = a;
            return this;
        }

        /** Cryptographic Length in bits. */
        public Builder length(int bits) {
            this.length = bits;
            return this;
        }

        public Builder name(String n) {
            this.name = n;
            return this;
        }

        /** The Cryptographic Usage Mask (Encrypt and Decrypt unless set). */
        public Builder usage(CryptographicUsageMask... usages) {
            this.usageMask = CryptographicUsageMask.maskOf(usages);
            return this;
        }

        public Builder usageMask(int mask) {
            this.usageMask = mask;
            return this;
        }

        public Builder attribute(KmipAttribute a) {
            attributes.add(Objects.requireNonNull(a, "attribute"));
            return this;
        }

        public SymmetricKeySpec build() {
            return new SymmetricKeySpec(algorithm, length, name, usageMask, attributes);
        }
    }
}
