package io.keyhold.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LegacySuitesTest {
    @Test
    void disablesLegacySuite_matchesTheJdk24WildcardAndExactNames() {
        assertThat(LegacySuites.disablesLegacySuite("TLS_RSA_*")).isTrue();
        assertThat(LegacySuites.disablesLegacySuite("TLS_RSA_WITH_AES_128_CBC_SHA256")).isTrue();
        assertThat(LegacySuites.disablesLegacySuite("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384")).isTrue();
    }

    @Test
    void disablesLegacySuite_leavesOtherEntriesAlone() {
        assertThat(LegacySuites.disablesLegacySuite("TLS_RSA_WITH_AES_128_CBC_SHA")).isFalse();
        assertThat(LegacySuites.disablesLegacySuite("TLS_ECDHE_*")).isTrue(); // would disable ECDHE CBC suites too
        assertThat(LegacySuites.disablesLegacySuite("3DES_EDE_CBC")).isFalse();
        assertThat(LegacySuites.disablesLegacySuite("TLSv1.1")).isFalse();
        assertThat(LegacySuites.disablesLegacySuite("DH keySize < 1024")).isFalse();
        assertThat(LegacySuites.disablesLegacySuite("rsa_pkcs1_sha1 usage HandshakeSignature")).isFalse();
    }

    @Test
    void enable_leavesNoEntryThatDisablesALegacySuite() {
        LegacySuites.enable();
        String value = java.security.Security.getProperty("jdk.tls.disabledAlgorithms");
        for (String entry : value.split(",")) {
            assertThat(LegacySuites.disablesLegacySuite(entry.strip())).as(entry).isFalse();
        }
        assertThat(value).contains("SSLv3", "3DES_EDE_CBC");
    }
}
