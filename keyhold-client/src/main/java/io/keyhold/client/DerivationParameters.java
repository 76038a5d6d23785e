package io.keyhold.client;

import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.ArrayList;
import java.util.List;

/**
 * The Derivation Parameters of a Derive Key request (KMIP 1.4 section 2.1.12): the Hashing Algorithm of the
 * Cryptographic Parameters, the Salt, the Iteration Count and the Derivation Data, each optional (null) as the
 * Derivation Method allows: PBKDF2 takes a salt and an iteration count, HKDF a salt and optional info
 * (Derivation Data), HASH and HMAC a hash and the data.
 *
 * @param hash       Hashing Algorithm, or null for the method's default
 * @param salt       Salt, or null
 * @param iterations Iteration Count, or null
 * @param data       Derivation Data (HKDF info, HMAC input), or null
 */
public record DerivationParameters(HashingAlgorithm hash, byte[] salt, Integer iterations, byte[] data) {
    /** PBKDF2 with HMAC of this hash, salt and iteration count. */
    public static DerivationParameters pbkdf2(HashingAlgorithm hash, byte[] salt, int iterations) {
        return new DerivationParameters(hash, salt, iterations, null);
    }

    /** HKDF (RFC 5869) with this hash, salt and info (null: none). */
    public static DerivationParameters hkdf(HashingAlgorithm hash, byte[] salt, byte[] info) {
        return new DerivationParameters(hash, salt, null, info);
    }

    /** The Derivation Parameters structure. */
    public TtlvItem toTtlv() {
        List<TtlvItem> c = new ArrayList<>();
        if (hash != null) {
            c.add(CryptoParameters.hashing(hash).toTtlv());
        }
        if (data != null) {
            c.add(TtlvItem.bytes(Tag.DERIVATION_DATA, data));
        }
        if (salt != null) {
            c.add(TtlvItem.bytes(Tag.SALT, salt));
        }
        if (iterations != null) {
            c.add(TtlvItem.integer(Tag.ITERATION_COUNT, iterations));
        }
        return TtlvItem.structure(Tag.DERIVATION_PARAMETERS, c);
    }

    @Override
    public String toString() {
        return "DerivationParameters[hash=" + hash + ", iterations=" + iterations + "]";
    }
}
