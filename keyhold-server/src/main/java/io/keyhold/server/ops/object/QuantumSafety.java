package io.keyhold.server.ops.object;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The Quantum Safe attribute (KMIP 2.0 and 2.1 section 4, Quantum Safe Server profile): a client may ask for a
 * new object to be quantum safe; the server creates it only when it is. Shor's algorithm breaks every
 * public-key algorithm KMIP 2.1 names (RSA, DSA, DH, EC), and Grover's halves the strength of symmetric keys,
 * so only symmetric keys of at least 256 bits of AES, Camellia, ChaCha20 or an HMAC qualify (128 bits of
 * strength left). Anything else requested with Quantum Safe True fails with General Failure, as the OASIS
 * test case QS-M-2 (2.0, 2.1) answers an AES-128 key; the spec names no more precise Result Reason.
 */
final class QuantumSafety {
    private static final String ATTRIBUTE = "Quantum Safe";
    /** Bits of a symmetric key that leave 128 bits of strength against Grover's algorithm. */
    static final int MINIMUM_SYMMETRIC_BITS = 256;
    private static final Set<CryptographicAlgorithm> SYMMETRIC = EnumSet.of(CryptographicAlgorithm.AES,
            CryptographicAlgorithm.CAMELLIA, CryptographicAlgorithm.CHACHA20, CryptographicAlgorithm.HMAC_SHA256,
            CryptographicAlgorithm.HMAC_SHA384, CryptographicAlgorithm.HMAC_SHA512, CryptographicAlgorithm.HMAC_SHA3_256,
            CryptographicAlgorithm.HMAC_SHA3_384, CryptographicAlgorithm.HMAC_SHA3_512);

    private QuantumSafety() {}

    /**
     * Refuses a new object whose attributes say Quantum Safe True when it is not quantum safe (Templates only
     * carry attributes for later objects and are not checked).
     *
     * @throws KmipException General Failure
     */
    static void check(List<KmipAttribute> attributes, int objectType, KmipVersion version) throws KmipException {
        boolean requested = value(attributes, ATTRIBUTE).filter(v -> v.type() == ItemType.BOOLEAN)
                .map(TtlvItem::booleanValue).orElse(false);
        if (!requested || objectType == ObjectType.TEMPLATE.value()) {
            return;
        }
        Optional<Integer> algorithm = value(attributes, "Cryptographic Algorithm")
                .filter(v -> v.type() == ItemType.ENUMERATION).map(TtlvItem::enumValue);
        Optional<Integer> length = value(attributes, "Cryptographic Length")
                .filter(v -> v.type() == ItemType.INTEGER).map(TtlvItem::intValue);
        if (!isQuantumSafe(objectType, algorithm.orElse(null), length.orElse(null))) {
            String what = algorithm.flatMap(CryptographicAlgorithm::fromValue).map(CryptographicAlgorithm::specName)
                    .orElse("object") + length.map(l -> "-" + l).orElse("");
            throw new KmipException(ResultReason.GENERAL_FAILURE, "Quantum Safe is requested but a " + what
                    + " is not quantum safe (symmetric keys of at least " + MINIMUM_SYMMETRIC_BITS + " bits are)");
        }
    }

    /** Whether an object of this type, algorithm and length (null when unknown) is quantum safe. */
    static boolean isQuantumSafe(int objectType, Integer algorithm, Integer length) {
        if (objectType != ObjectType.SYMMETRIC_KEY.value() && objectType != ObjectType.SPLIT_KEY.value()) {
            return false;
        }
        if (algorithm == null || length == null) {
            return false;
        }
        return CryptographicAlgorithm.fromValue(algorithm).filter(SYMMETRIC::contains).isPresent()
                && length >= MINIMUM_SYMMETRIC_BITS;
    }

    private static Optional<TtlvItem> value(List<KmipAttribute> attributes, String name) {
        return attributes.stream().filter(a -> a.name().equals(name)).map(KmipAttribute::value).findFirst();
    }
}
