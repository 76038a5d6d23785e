package io.keyhold.server.crypto;

import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.DrbgAlgorithm;
import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.RngAlgorithm;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.DrbgParameters;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.SecureRandomParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The server's random number generator and its KMIP description.
 *
 * <p>The generator is the JDK's SP 800-90A DRBG ({@code SecureRandom.getInstance("DRBG")}), instantiated
 * with security strength 256, reseeding (no prediction resistance) and a personalization string unique to
 * the process. Its mechanism is the JDK's: Hash_DRBG with SHA-256 unless the {@code securerandom.drbg.config}
 * security property chooses HMAC_DRBG or CTR_DRBG. One instance serves the whole process; it is thread-safe.
 *
 * <p>{@link #describe(SecureRandom)} reads the RNG Parameters (KMIP 1.4 section 2.1.18, 2.1 section 7)
 * from a generator instance itself, so what the server reports in the Random Number Generator attribute
 * (KMIP 1.4 section 3.44, 2.1 section 4.50) and in Query RNGs is the generator it uses: RNG Algorithm DRBG,
 * DRBG Algorithm Hash, HMAC or CTR, the Hashing Algorithm (Hash, HMAC) or the Cryptographic Algorithm and
 * Length (CTR), and Prediction Resistance. A generator it cannot describe is not described.
 */
public final class ServerRandom {
    /** Security strength requested of the DRBG, in bits (SP 800-57's strength of AES-256). */
    public static final int STRENGTH = 256;

    private ServerRandom() {}

    private static final class Holder {
        static final SecureRandom INSTANCE = newDrbg();
    }

    /** The server's generator: one SP 800-90A DRBG of strength 256 for the process. */
    public static SecureRandom get() {
        return Holder.INSTANCE;
    }

    /** The server's generator described as RNG Parameters (present whenever the JDK's DRBG is in use). */
    public static Optional<TtlvItem> parameters() {
        return describe(get());
    }

    /**
     * A new DRBG of strength 256, reseeding, with a personalization string of the server's name, the
     * process, the time and a random UUID (SP 800-90A section 8.7.1: unique, not secret).
     *
     * @throws IllegalStateException when the JDK has no DRBG or it cannot give strength 256 with the configured
     *                               mechanism (e.g. {@code securerandom.drbg.config=CTR_DRBG,AES-128})
     */
    static SecureRandom newDrbg() {
        ByteBuffer p = ByteBuffer.allocate(64);
        p.put("Keyhold KMIP server".getBytes(StandardCharsets.US_ASCII));
        p.putLong(ProcessHandle.current().pid());
        p.putLong(System.nanoTime());
        p.putLong(System.currentTimeMillis());
        UUID u = UUID.randomUUID();
        p.putLong(u.getMostSignificantBits());
        p.putLong(u.getLeastSignificantBits());
        try {
            return SecureRandom.getInstance("DRBG", DrbgParameters.instantiation(STRENGTH,
                    DrbgParameters.Capability.RESEED_ONLY, p.array()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SP 800-90A DRBG of security strength " + STRENGTH
                    + " with the configured mechanism (securerandom.drbg.config)", e);
        }
    }

    /**
     * The RNG Parameters of a generator, read from the instance: empty unless it is the JDK's DRBG with a
     * mechanism and primitive KMIP can name.
     */
    public static Optional<TtlvItem> describe(SecureRandom random) {
        if (random == null || !"DRBG".equals(random.getAlgorithm())) {
            return Optional.empty();
        }
        SecureRandomParameters sp = random.getParameters();
        if (!(sp instanceof DrbgParameters.Instantiation instantiation)) {
            return Optional.empty();
        }
        // e.g. "Hash_DRBG,SHA-256,256,reseed_only", "CTR_DRBG,AES-256,256,reseed_only,use_df"
        String[] parts = random.toString().split(",");
        if (parts.length < 2) {
            return Optional.empty();
        }
        String mechanism = parts[0].trim();
        String primitive = parts[1].trim().toUpperCase(Locale.ROOT);
        boolean predictionResistance = instantiation.getCapability().supportsPredictionResistance();
        return describe(mechanism, primitive, predictionResistance);
    }

    /** RNG Parameters for a DRBG mechanism ("Hash_DRBG", "HMAC_DRBG", "CTR_DRBG") and its primitive. */
    static Optional<TtlvItem> describe(String mechanism, String primitive, boolean predictionResistance) {
        List<TtlvItem> fields = new ArrayList<>();
        fields.add(TtlvItem.enumeration(Tag.RNG_ALGORITHM, RngAlgorithm.DRBG.value()));
        DrbgAlgorithm drbg;
        switch (mechanism) {
            case "Hash_DRBG", "HMAC_DRBG" -> {
                Optional<HashingAlgorithm> hash = hashing(primitive);
                if (hash.isEmpty()) {
                    return Optional.empty();
                }
                drbg = mechanism.equals("Hash_DRBG") ? DrbgAlgorithm.HASH : DrbgAlgorithm.HMAC;
                fields.add(TtlvItem.enumeration(Tag.HASHING_ALGORITHM, hash.get().value()));
            }
            case "CTR_DRBG" -> {
                int bits = switch (primitive) {
                    case "AES-128" -> 128;
                    case "AES-192" -> 192;
                    case "AES-256" -> 256;
                    default -> 0;
                };
                if (bits == 0) {
                    return Optional.empty();
                }
                drbg = DrbgAlgorithm.CTR;
                fields.add(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.AES.value()));
                fields.add(TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, bits));
            }
            default -> {
                return Optional.empty();
            }
        }
        fields.add(TtlvItem.enumeration(Tag.DRBG_ALGORITHM, drbg.value()));
        fields.add(TtlvItem.bool(Tag.PREDICTION_RESISTANCE, predictionResistance));
        return Optional.of(TtlvItem.structure(Tag.RNG_PARAMETERS, fields));
    }

    private static Optional<HashingAlgorithm> hashing(String jdkName) {
        return switch (jdkName) {
            case "SHA-224" -> Optional.of(HashingAlgorithm.SHA_224);
            case "SHA-256" -> Optional.of(HashingAlgorithm.SHA_256);
            case "SHA-384" -> Optional.of(HashingAlgorithm.SHA_384);
            case "SHA-512" -> Optional.of(HashingAlgorithm.SHA_512);
            case "SHA-512/224" -> Optional.of(HashingAlgorithm.SHA_512_224);
            case "SHA-512/256" -> Optional.of(HashingAlgorithm.SHA_512_256);
            default -> Optional.empty();
        };
    }

    /** The Random Number Generator attribute value (tag Random Number Generator) of RNG Parameters. */
    public static TtlvItem attribute(TtlvItem rngParameters) {
        return TtlvItem.structure(Tag.RANDOM_NUMBER_GENERATOR, rngParameters.children());
    }
}
