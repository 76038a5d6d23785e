package io.keyhold.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.spec.Tag;
import io.keyhold.server.KeyholdServer;
import io.keyhold.server.config.ConfigException;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.pki.DevPki;
import io.keyhold.server.transport.StubProcessor;
import io.keyhold.server.transport.TestPki;
import io.keyhold.server.transport.TlsClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServerTlsTest {

    /**
     * The JDK reads {@code jdk.tls.disabledAlgorithms} once, at the first TLS use in the process. A server on
     * the compatibility profile enables the legacy suites before that; this class starts modern servers
     * first, so it does the same for its own JVM, as a server started on the compatibility profile would.
     */
    @org.junit.jupiter.api.BeforeAll
    static void enableLegacySuitesBeforeAnyTls() {
        LegacySuites.enable();
    }
    private final StubProcessor processor = new StubProcessor();
    KeyholdServer server;

    /** The TLS implementation these tests run the server on. */
    ServerConfig.TlsProvider provider() {
        return ServerConfig.TlsProvider.JDK;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    int start(ServerConfig config) throws Exception {
        server = new KeyholdServer(config.withTls(config.tls().withProvider(provider())), processor);
        server.start();
        return server.port();
    }

    static ServerConfig withTls(ServerConfig.Tls tls) {
        ServerConfig base = TestPki.config();
        return new ServerConfig(base.kmip(), tls, base.storage(), base.limits(), base.logging());
    }

    /** Sends one request and returns the identity the server saw. */
    static String identitySeenBy(TlsClient c) throws Exception {
        c.send(StubProcessor.request("who am I"));
        return c.readItem().child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
    }

    static ServerConfig compatibility() {
        return withTls(TestPki.config().tls().withProfile(ServerConfig.TlsProfile.COMPATIBILITY));
    }

    @ParameterizedTest
    @CsvSource({
            "TLSv1.3, TLS_AES_128_GCM_SHA256",
            "TLSv1.3, TLS_AES_256_GCM_SHA384",
            "TLSv1.3, TLS_CHACHA20_POLY1305_SHA256",
            "TLSv1.2, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLSv1.2, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLSv1.2, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"})
    void handshake_modernProfile_negotiatesTheAeadSuite(String protocol, String suite) throws Exception {
        assertNegotiated(start(TestPki.config()), protocol, suite);
    }

    @ParameterizedTest
    @CsvSource({
            "TLSv1.3, TLS_AES_128_GCM_SHA256",
            "TLSv1.2, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLSv1.2, TLS_RSA_WITH_AES_128_CBC_SHA256",
            "TLSv1.2, TLS_RSA_WITH_AES_256_CBC_SHA256",
            "TLSv1.2, TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
            "TLSv1.2, TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"})
    void handshake_compatibilityProfile_alsoNegotiatesTheCbcSuites(String protocol, String suite) throws Exception {
        assertNegotiated(start(compatibility()), protocol, suite);
    }

    private static void assertNegotiated(int port, String protocol, String suite) throws Exception {
        try (TlsClient c = TlsClient.connect(TlsClient.client1(), port, protocol, suite)) {
            SSLSession s = c.socket().getSession();
            assertThat(s.getProtocol()).isEqualTo(protocol);
            assertThat(s.getCipherSuite()).isEqualTo(suite);
            assertThat(identitySeenBy(c)).isEqualTo("client1");
        }
    }

    @ParameterizedTest
    @CsvSource({
            "TLS_RSA_WITH_AES_128_CBC_SHA256",
            "TLS_RSA_WITH_AES_256_CBC_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
            "TLS_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"})
    void cbcAndStaticRsaSuites_areRefusedByTheModernProfile(String suite) throws Exception {
        int port = start(TestPki.config());
        assertThatThrownBy(() -> TlsClient.connect(TlsClient.client1(), port, "TLSv1.2", suite).close())
                .isInstanceOf(IOException.class);
    }

    @Test
    void suitesOutsideEveryProfile_areRefusedByTheCompatibilityProfile() throws Exception {
        int port = start(compatibility());
        for (String suite : List.of("TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
                "TLS_RSA_WITH_AES_128_GCM_SHA256")) {
            assertThatThrownBy(() -> TlsClient.connect(TlsClient.client1(), port, "TLSv1.2", suite).close())
                    .as(suite).isInstanceOf(IOException.class);
        }
    }

    @Test
    void offeredSuites_perProfile() {
        assertThat(CipherSuites.offered(ServerConfig.TlsProfile.MODERN))
                .containsExactlyElementsOf(java.util.stream.Stream.concat(CipherSuites.TLS13.stream(),
                        CipherSuites.TLS12_AEAD.stream()).toList())
                .noneMatch(s -> s.contains("CBC") || s.startsWith("TLS_RSA_"));
        assertThat(CipherSuites.offered(ServerConfig.TlsProfile.COMPATIBILITY))
                .containsAll(CipherSuites.offered(ServerConfig.TlsProfile.MODERN))
                .containsAll(CipherSuites.TLS12_LEGACY)
                .hasSize(CipherSuites.TLS13.size() + CipherSuites.TLS12_AEAD.size() + CipherSuites.TLS12_LEGACY.size());
    }

    @Test
    void handshake_withoutClientCertificate_isRefused() throws Exception {
        int port = start(TestPki.config());
        SSLContext noCert = TlsClient.context(null, TestPki.trusted().ca());
        assertRefused(noCert, port);
        assertThat(processor.processed.get()).isZero();
    }

    @Test
    void handshake_withCertificateFromAnotherCa_isRefused() throws Exception {
        int port = start(TestPki.config());
        SSLContext stranger = TlsClient.context(TestPki.other().clientP12(1), TestPki.trusted().ca());
        assertRefused(stranger, port);
        assertThat(processor.processed.get()).isZero();
    }

    /** In TLS 1.3 the client may finish its handshake before the server refuses it: then the first read fails. */
    static void assertRefused(SSLContext ctx, int port) throws Exception {
        for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
            TlsClient c;
            try {
                c = TlsClient.connect(ctx, port, protocol, null);
            } catch (IOException refusedDuringHandshake) {
                continue;
            }
            try (c) {
                try {
                    c.send(StubProcessor.request("let me in"));
                } catch (IOException refused) {
                    continue;
                }
                assertThat(c.closedByServer()).as(protocol).isTrue();
            }
        }
    }

    @Test
    void identity_isTheCommonName() throws Exception {
        int port = start(TestPki.config());
        try (TlsClient one = TlsClient.connect(port);
             TlsClient two = TlsClient.connect(TlsClient.context(TestPki.trusted().clientP12(2), TestPki.trusted().ca()),
                     port, null, null)) {
            assertThat(identitySeenBy(one)).isEqualTo("client1");
            assertThat(identitySeenBy(two)).isEqualTo("client2");
        }
    }

    @Test
    void identity_canBeTheWholeSubject() throws Exception {
        ServerConfig.Tls base = TestPki.config().tls();
        int port = start(withTls(new ServerConfig.Tls(base.certificate(), base.privateKey(), null, base.trustedCas(),
                base.crls(), base.protocols(), base.profile(), false, ServerConfig.ClientIdentity.SUBJECT,
                base.sessionTimeout(), base.reloadInterval(), base.provider())));
        try (TlsClient c = TlsClient.connect(port)) {
            assertThat(identitySeenBy(c)).isEqualTo("O=Keyhold development,CN=client1");
        }
    }

    @Test
    void clientWithoutSni_isServed() throws Exception {
        int port = start(TestPki.config());
        try (TlsClient c = TlsClient.connect(port)) {
            assertThat(c.socket().getSSLParameters().getServerNames()).isNullOrEmpty();
            assertThat(identitySeenBy(c)).isEqualTo("client1");
        }
    }

    @Test
    void clientCertificateWithoutClientAuthUsage_isAcceptedByDefault_refusedWhenRequired() throws Exception {
        // the server certificate carries serverAuth only: used as a client certificate it lacks clientAuth
        SSLContext serverAuthOnly = pemContext(TestPki.trusted().serverCertificate(), TestPki.trusted().serverKey());
        int port = start(TestPki.config());
        try (TlsClient c = TlsClient.connect(serverAuthOnly, port, null, null)) {
            assertThat(identitySeenBy(c)).isEqualTo("localhost");
        }
        server.close();

        ServerConfig.Tls base = TestPki.config().tls();
        int strict = start(withTls(base.withRequireClientAuthUsage(true)));
        assertRefused(serverAuthOnly, strict);
        try (TlsClient c = TlsClient.connect(strict)) {
            assertThat(identitySeenBy(c)).isEqualTo("client1");
        }
    }

    @Test
    void sessions_areResumed() throws Exception {
        int port = start(TestPki.config());
        SSLContext ctx = TlsClient.client1();
        byte[] first;
        try (TlsClient c = TlsClient.connect(ctx, port, "TLSv1.2", null)) {
            first = c.socket().getSession().getId();
            identitySeenBy(c);
        }
        try (TlsClient c = TlsClient.connect(ctx, port, "TLSv1.2", null)) {
            // JSSE caches client sessions by host and port; a resumed session keeps its id
            assertThat(identitySeenBy(c)).isEqualTo("client1");
            assertThat(c.socket().getSession().getId()).isEqualTo(first);
        }
    }

    @Test
    void keyNotMatchingTheCertificate_isAConfigError() {
        ServerConfig.Tls base = TestPki.config().tls();
        ServerConfig config = withTls(base.withFiles(base.certificate(), TestPki.trusted().clientKey(1),
                base.trustedCas()));
        assertThatThrownBy(() -> new KeyholdServer(config, processor))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("tls.private_key: ")
                .hasMessageContaining("does not belong to the certificate");
    }

    @Test
    void fileWithoutCertificate_isAConfigError(@TempDir Path dir) throws Exception {
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "hello\n");
        ServerConfig.Tls base = TestPki.config().tls();
        ServerConfig config = withTls(base.withFiles(base.certificate(), base.privateKey(), List.of(notPem)));
        assertThatThrownBy(() -> new KeyholdServer(config, processor))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("tls.trusted_cas: ");
    }

    @Test
    void keyFileWithoutKey_isAConfigError() {
        ServerConfig.Tls base = TestPki.config().tls();
        ServerConfig config = withTls(base.withFiles(base.certificate(), base.certificate(), base.trustedCas()));
        assertThatThrownBy(() -> new KeyholdServer(config, processor))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("tls.private_key: ")
                .hasMessageContaining("holds no private key");
    }

    /** A client context from a PEM certificate and PKCS#8 key (for certificates that have no .p12). */
    private static SSLContext pemContext(Path certPem, Path keyPem) throws Exception {
        LegacySuites.enable();
        X509Certificate cert;
        try (InputStream s = Files.newInputStream(certPem)) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(s);
        }
        String pem = Files.readString(keyPem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("k", key, "x".toCharArray(), new X509Certificate[] {cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "x".toCharArray());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream s = Files.newInputStream(TestPki.trusted().ca())) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(s));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    static DevPki.Layout pki() {
        return TestPki.trusted();
    }
}
