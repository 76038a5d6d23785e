package io.keyhold.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.server.crypto.CryptoPolicy;
import io.keyhold.server.crypto.ServerRandom;
import org.junit.jupiter.api.Test;

class ServerAssemblyTest {
    @Test
    void randomFor_fips_isTheSp80090aDrbg() {
        assertThat(ServerAssembly.randomFor(CryptoPolicy.FIPS_140).getAlgorithm()).isEqualTo("DRBG");
    }

    @Test
    void randomFor_anyPolicy_isTheServersDrbg() {
        assertThat(ServerAssembly.randomFor(CryptoPolicy.DEFAULT)).isSameAs(ServerRandom.get());
        assertThat(ServerAssembly.randomFor(CryptoPolicy.FIPS_140)).isSameAs(ServerRandom.get());
    }
}
