package io.keyhold.server.ops.certificate;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.SplitKeyMethod;
import io.keyhold.server.crypto.split.SplitKeyMethodKind;
import io.keyhold.server.crypto.split.SplitParameters;
import java.math.BigInteger;

/** Split Key Method values and split parameters as the KMIP payloads carry them. */
final class SplitKeys {
    private SplitKeys() {}

    /**
     * The validated parameters.
     *
     * @throws KmipException Feature Not Supported for Polynomial Sharing GF (2^16); Invalid Field for an
     *                       unknown method or parts, threshold or prime out of range
     */
    static SplitParameters parameters(int method, int parts, int threshold, BigInteger prime) throws KmipException {
        SplitKeyMethodKind kind;
        if (method == SplitKeyMethod.XOR.value()) {
            kind = SplitKeyMethodKind.XOR;
        } else if (method == SplitKeyMethod.POLYNOMIAL_SHARING_GF_2_8.value()) {
            kind = SplitKeyMethodKind.POLYNOMIAL_GF_2_8;
        } else if (method == SplitKeyMethod.POLYNOMIAL_SHARING_PRIME_FIELD.value()) {
            kind = SplitKeyMethodKind.POLYNOMIAL_PRIME_FIELD;
        } else if (method == SplitKeyMethod.POLYNOMIAL_SHARING_GF_2_16.value()) {
            throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, "Split Key Method Polynomial Sharing GF (2^16) is"
                    + " not supported (XOR, Polynomial Sharing GF (2^8) and Polynomial Sharing Prime Field are)");
        } else {
            throw new KmipException(ResultReason.INVALID_FIELD, "Split Key Method 0x" + Integer.toHexString(method)
                    + " is not known");
        }
        try {
            return new SplitParameters(kind, parts, threshold, prime);
        } catch (IllegalArgumentException e) {
            throw new KmipException(ResultReason.INVALID_FIELD, e.getMessage());
        }
    }
}
