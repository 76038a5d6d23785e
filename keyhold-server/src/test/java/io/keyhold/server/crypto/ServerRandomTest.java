package io.keyhold.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.DrbgAlgorithm;
import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.RngAlgorithm;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.security.DrbgParameters;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class ServerRandomTest {
    @Test
    void get_isOneSp80090aDrbgOfStrength256_reseeding_withAPersonalizationString() {
        SecureRandom r = ServerRandom.get();
        assertThat(ServerRandom.get()).isSameAs(r);
        assertThat(r.getAlgorithm()).isEqualTo("DRBG");
        DrbgParameters.Instantiation p = (DrbgParameters.Instantiation) r.getParameters();
        assertThat(p.getStrength()).isEqualTo(256);
        assertThat(p.getCapability()).isEqualTo(DrbgParameters.Capability.RESEED_ONLY);
        assertThat(p.getPersonalizationString()).isNotEmpty();
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        r.nextBytes(a);
        r.nextBytes(b);
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void parameters_describeTheJdkDefault_hashDrbgSha256_withoutPredictionResistance() {
        // the test JVM runs with the default securerandom.drbg.config: Hash_DRBG,SHA-256
        assertThat(ServerRandom.get().toString()).startsWith("Hash_DRBG,SHA-256,256,reseed_only");
        assertThat(ServerRandom.parameters()).contains(TtlvItem.structure(Tag.RNG_PARAMETERS,
                TtlvItem.enumeration(Tag.RNG_ALGORITHM, RngAlgorithm.DRBG.value()),
                TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA_256.value()),
                TtlvItem.enumeration(Tag.DRBG_ALGORITHM, DrbgAlgorithm.HASH.value()),
                TtlvItem.bool(Tag.PREDICTION_RESISTANCE, false)));
    }

    @Test
    void describe_readsTheInstance_predictionResistanceIncluded() throws Exception {
        SecureRandom pr = SecureRandom.getInstance("DRBG", DrbgParameters.instantiation(256,
                DrbgParameters.Capability.PR_AND_RESEED, null));
        TtlvItem d = ServerRandom.describe(pr).orElseThrow();
        assertThat(d.child(Tag.PREDICTION_RESISTANCE).orElseThrow().booleanValue()).isTrue();
        assertThat(d.child(Tag.DRBG_ALGORITHM).orElseThrow().enumValue()).isEqualTo(DrbgAlgorithm.HASH.value());
    }

    @Test
    void describe_otherMechanisms_hmacByItsHash_ctrByItsAesKeyLength() {
        assertThat(ServerRandom.describe("HMAC_DRBG", "SHA-512", true)).contains(TtlvItem.structure(Tag.RNG_PARAMETERS,
                TtlvItem.enumeration(Tag.RNG_ALGORITHM, RngAlgorithm.DRBG.value()),
                TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA_512.value()),
                TtlvItem.enumeration(Tag.DRBG_ALGORITHM, DrbgAlgorithm.HMAC.value()),
                TtlvItem.bool(Tag.PREDICTION_RESISTANCE, true)));
        assertThat(ServerRandom.describe("CTR_DRBG", "AES-256", false)).contains(TtlvItem.structure(Tag.RNG_PARAMETERS,
                TtlvItem.enumeration(Tag.RNG_ALGORITHM, RngAlgorithm.DRBG.value()),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.AES.value()),
                TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 256),
                TtlvItem.enumeration(Tag.DRBG_ALGORITHM, DrbgAlgorithm.CTR.value()),
                TtlvItem.bool(Tag.PREDICTION_RESISTANCE, false)));
        assertThat(ServerRandom.describe("CTR_DRBG", "AES-128", false).orElseThrow()
                .child(Tag.CRYPTOGRAPHIC_LENGTH).orElseThrow().intValue()).isEqualTo(128);
    }

    @Test
    void describe_whatItCannotName_isNotDescribed() throws Exception {
        assertThat(ServerRandom.describe(SecureRandom.getInstance("SHA1PRNG"))).isEmpty();
        assertThat(ServerRandom.describe(null)).isEmpty();
        assertThat(ServerRandom.describe("Hash_DRBG", "MD5", false)).isEmpty();
        assertThat(ServerRandom.describe("CTR_DRBG", "DESede", false)).isEmpty();
        assertThat(ServerRandom.describe("Dual_EC_DRBG", "P-256", false)).isEmpty();
    }

    @Test
    void attribute_isTheRngParametersUnderTheRandomNumberGeneratorTag() {
        TtlvItem p = ServerRandom.parameters().orElseThrow();
        TtlvItem a = ServerRandom.attribute(p);
        assertThat(a.tag()).isEqualTo(Tag.RANDOM_NUMBER_GENERATOR);
        assertThat(a.children()).isEqualTo(p.children());
    }
}
