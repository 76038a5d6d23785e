package io.keyhold.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.server.config.ConfigException;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.pki.DevPki;
import io.keyhold.server.testing.BoringSsl;
import io.keyhold.server.transport.TestPki;
import io.keyhold.server.transport.TlsClient;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.OpenSslContext;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every test of {@link ServerTlsTest} again with {@code tls.provider: openssl} (BoringSSL through
 * netty-tcnative): the same suites, client certificate checks, identities and session resumption; and what
 * differs, the compatibility profile, which it refuses to serve.
 */
class OpenSslServerTlsTest extends ServerTlsTest {

    @BeforeAll
    static void boringSslLoads() {
        BoringSsl.requireWhereShipped();
    }

    @Override
    ServerConfig.TlsProvider provider() {
        return ServerConfig.TlsProvider.OPENSSL;
    }

    @Test
    void contexts_areBoringSsl_forBothListeners_andTheJdksByDefault() throws Exception {
        ServerTls openssl = ServerTls.create(TestPki.config().tls().withProvider(ServerConfig.TlsProvider.OPENSSL));
        assertThat(openssl.context()).isInstanceOf(OpenSslContext.class);
        assertThat(openssl.httpsContext()).isInstanceOf(OpenSslContext.class);
        assertThat(openssl.provider()).isEqualTo(ServerConfig.TlsProvider.OPENSSL);

        ServerTls jdk = ServerTls.create(TestPki.config().tls());
        assertThat(jdk.context()).isInstanceOf(JdkSslContext.class);
        assertThat(jdk.provider()).isEqualTo(ServerConfig.TlsProvider.JDK);
    }

    /** BoringSSL has none of the TLS 1.2 CBC suites with SHA-256 or SHA-384 that the profile adds. */
    @Override
    @ParameterizedTest
    @CsvSource({"TLSv1.2, TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"})
    void handshake_compatibilityProfile_alsoNegotiatesTheCbcSuites(String protocol, String suite) {
        assertCompatibilityRefused();
    }

    @Override
    @Test
    void suitesOutsideEveryProfile_areRefusedByTheCompatibilityProfile() {
        assertCompatibilityRefused();
    }

    private void assertCompatibilityRefused() {
        assertThatThrownBy(() -> start(compatibility()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("tls.provider: ")
                .hasMessageContaining("modern only");
        assertThat(server).as("no server was built").isNull();
    }

    @Test
    void revokedClient_isRefused_byTheSameChecks(@TempDir Path dir) throws Exception {
        DevPki.Layout pki = TestPki.trusted();
        Path crl = TestCrls.writePem(dir.resolve("revoked.pem"), pki, pki.clientCertificate(1));
        int port = start(withTls(TestPki.config().tls().withCrls(List.of(crl))));

        assertRefused(TlsClient.context(pki.clientP12(1), pki.ca()), port);
        try (TlsClient c = TlsClient.connect(TlsClient.context(pki.clientP12(2), pki.ca()), port, null, null)) {
            assertThat(identitySeenBy(c)).isEqualTo("client2");
        }
    }
}
