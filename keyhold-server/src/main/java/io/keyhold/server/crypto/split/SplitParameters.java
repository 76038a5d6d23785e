package io.keyhold.server.crypto.split;

import java.math.BigInteger;
import java.util.Objects;

/**
 * How to split a secret: method, number of parts, threshold, and the prime of the prime field method.
 * Validated on construction with messages a client can act on.
 *
 * @param method         the sharing scheme
 * @param parts          Split Key Parts: 1 to 255 (XOR: 1 to 255 as well)
 * @param threshold      Split Key Threshold: 1 to parts; XOR needs threshold == parts
 * @param primeFieldSize the prime of the prime field method, null otherwise
 */
public record SplitParameters(SplitKeyMethodKind method, int parts, int threshold, BigInteger primeFieldSize) {
    /** The most parts: x coordinates 1..255 in GF(2^8). */
    public static final int MAX_PARTS = 255;

    public SplitParameters {
        Objects.requireNonNull(method, "method");
        if (parts < 1 || parts > MAX_PARTS) {
            throw new IllegalArgumentException("Split Key Parts " + parts + " (expected: 1 to " + MAX_PARTS + ")");
        }
        if (threshold < 1 || threshold > parts) {
            throw new IllegalArgumentException("Split Key Threshold " + threshold + " (expected: 1 to Split Key Parts, "
                    + parts + ")");
        }
        if (method == SplitKeyMethodKind.XOR && threshold != parts) {
            throw new IllegalArgumentException("the XOR method needs every part: Split Key Threshold " + threshold
                    + " must equal Split Key Parts " + parts);
        }
        if (method == SplitKeyMethodKind.POLYNOMIAL_PRIME_FIELD) {
            if (primeFieldSize == null) {
                throw new IllegalArgumentException("Prime Field Size is required for Polynomial Sharing Prime Field");
            }
            if (primeFieldSize.bitLength() > 8192 || primeFieldSize.compareTo(BigInteger.valueOf(MAX_PARTS)) <= 0
                    || !primeFieldSize.isProbablePrime(64)) {
                throw new IllegalArgumentException("Prime Field Size must be a prime above " + MAX_PARTS
                        + " of at most 8192 bits");
            }
        } else if (primeFieldSize != null) {
            throw new IllegalArgumentException("Prime Field Size is only used by Polynomial Sharing Prime Field");
        }
    }
}
