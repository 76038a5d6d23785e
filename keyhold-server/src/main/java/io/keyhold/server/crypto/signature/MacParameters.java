package io.keyhold.server.crypto.signature;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.KeyMaterial;
import io.keyhold.server.store.StoredObject;
import java.util.Objects;
import java.util.Optional;

/**
 * Which MAC to compute with a symmetric key: HMAC with a SHA-1, SHA-2 or SHA-3 hash, or AES-CMAC (NIST SP
 * 800-38B). The algorithm is the Cryptographic Algorithm of the request's Cryptographic Parameters, else of the
 * key's Cryptographic Parameters attribute, else the key's own Cryptographic Algorithm: HMAC-SHA* selects HMAC,
 * AES selects AES-CMAC (KMIP names no CMAC algorithm).
 *
 * @param cmac true for AES-CMAC
 * @param hash the HMAC hash; null for AES-CMAC
 */
public record MacParameters(boolean cmac, HashFunction hash) {

    public MacParameters {
        if (cmac != (hash == null)) {
            throw new IllegalArgumentException(cmac ? "AES-CMAC takes no hash" : "HMAC needs a hash");
        }
    }

    public static MacParameters hmac(HashFunction hash) {
        return new MacParameters(false, Objects.requireNonNull(hash, "hash"));
    }

    public static MacParameters aesCmac() {
        return new MacParameters(true, null);
    }

    /**
     * The MAC for this key and request.
     *
     * @throws KmipException Unsupported Cryptographic Parameters when the algorithm is neither HMAC nor AES;
     *                       Missing Data when no algorithm is known
     */
    public static MacParameters resolve(Optional<TtlvItem> requestParameters, StoredObject key) throws KmipException {
        Optional<Integer> alg = requestParameters.flatMap(p -> p.child(Tag.CRYPTOGRAPHIC_ALGORITHM)).map(TtlvItem::enumValue);
        if (alg.isEmpty()) {
            alg = key.attribute("Cryptographic Parameters").flatMap(a -> a.value().child(Tag.CRYPTOGRAPHIC_ALGORITHM))
                    .map(TtlvItem::enumValue);
        }
        if (alg.isEmpty()) {
            alg = key.attribute("Cryptographic Algorithm").map(a -> a.value().enumValue());
        }
        if (alg.isEmpty()) {
            alg = KeyMaterial.algorithm(key);
        }
        int v = alg.orElseThrow(() -> new KmipException(ResultReason.MISSING_DATA,
                "no Cryptographic Algorithm for the MAC: give one in Cryptographic Parameters (e.g. HMAC-SHA256)"));
        CryptographicAlgorithm a = CryptographicAlgorithm.fromValue(v).orElse(null);
        if (a == CryptographicAlgorithm.AES) {
            return aesCmac();
        }
        HashFunction h = a == null ? null : switch (a) {
            case HMAC_SHA1 -> HashFunction.SHA_1;
            case HMAC_SHA224 -> HashFunction.SHA_224;
            case HMAC_SHA256 -> HashFunction.SHA_256;
            case HMAC_SHA384 -> HashFunction.SHA_384;
            case HMAC_SHA512 -> HashFunction.SHA_512;
            case HMAC_SHA3_224 -> HashFunction.SHA3_224;
            case HMAC_SHA3_256 -> HashFunction.SHA3_256;
            case HMAC_SHA3_384 -> HashFunction.SHA3_384;
            case HMAC_SHA3_512 -> HashFunction.SHA3_512;
            default -> null;
        };
        if (h == null) {
            throw new KmipException(ResultReason.UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS, "Cryptographic Algorithm "
                    + SignatureParameters.algorithmName(v) + " is not a MAC algorithm here (expected: HMAC-SHA1, HMAC-SHA2, HMAC-SHA3"
                    + " or AES for AES-CMAC)");
        }
        return hmac(h);
    }

    @Override
    public String toString() {
        return cmac ? "AES-CMAC" : "HMAC-" + hash.kmip().specName();
    }
}
