package io.keyhold.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.spec.Tag;
import io.keyhold.server.KeyholdServer;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.pki.DevPki;
import io.keyhold.server.transport.StubProcessor;
import io.keyhold.server.transport.TestPki;
import io.keyhold.server.transport.TlsClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server certificate, key and CA files replaced on disk while the server runs: new handshakes use the
 * new files (after an explicit reload, or by themselves once the modification times are polled),
 * connections already open carry on, and a broken file keeps the previous context.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServerTlsReloadTest {
    private final StubProcessor processor = new StubProcessor();
    private KeyholdServer server;

    @TempDir
    Path dir;
    private Path certificate;
    private Path key;
    private Path ca;

    @BeforeEach
    void copyFirstPki() throws IOException {
        certificate = dir.resolve("server.pem");
        key = dir.resolve("server.key");
        ca = dir.resolve("ca.pem");
        install(TestPki.trusted());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Writes the PKI's server certificate, key and CA over the configured files, as a renewal would. */
    private void install(DevPki.Layout pki) throws IOException {
        replace(pki.serverCertificate(), certificate);
        replace(pki.serverKey(), key);
        replace(pki.ca(), ca);
    }

    private void replace(Path source, Path target) throws IOException {
        Path next = dir.resolve(target.getFileName() + ".next");
        Files.copy(source, next, StandardCopyOption.REPLACE_EXISTING);
        Files.move(next, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private int start(Duration reloadInterval) throws Exception {
        ServerConfig base = TestPki.config();
        ServerConfig.Tls tls = base.tls().withFiles(certificate, key, List.of(ca)).withReloadInterval(reloadInterval);
        server = new KeyholdServer(new ServerConfig(base.kmip(), tls, base.storage(), base.limits(), base.logging()),
                processor);
        server.start();
        return server.port();
    }

    private static SSLContext clientOf(DevPki.Layout pki) throws Exception {
        return TlsClient.context(pki.clientP12(1), pki.ca());
    }

    /** The server certificate a new connection is shown, after checking that a request is answered. */
    private static X509Certificate serverCertificateSeenBy(SSLContext ctx, int port) throws Exception {
        try (TlsClient c = TlsClient.connect(ctx, port, null, null)) {
            assertAnswered(c);
            return (X509Certificate) c.socket().getSession().getPeerCertificates()[0];
        }
    }

    private static void assertAnswered(TlsClient c) throws Exception {
        c.send(StubProcessor.request("ping"));
        assertThat(c.readItem().child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue()).isEqualTo("client1");
    }

    private static boolean handshakeFails(SSLContext ctx, int port) throws Exception {
        try (TlsClient c = TlsClient.connect(ctx, port, null, null)) {
            try {
                c.send(StubProcessor.request("ping"));
            } catch (IOException e) {
                return true;
            }
            return c.closedByServer();
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void reload_afterTheFilesAreReplaced_newHandshakesUseTheNewCertificateAndCa() throws Exception {
        DevPki.Layout first = TestPki.trusted();
        DevPki.Layout second = TestPki.other();
        int port = start(Duration.ZERO);
        assertThat(serverCertificateSeenBy(clientOf(first), port))
                .isEqualTo(TestCrls.certificate(first.serverCertificate()));

        try (TlsClient open = TlsClient.connect(clientOf(first), port, null, null)) {
            assertAnswered(open);
            install(second);
            assertThat(server.reloadTls().outcome()).isEqualTo(ServerTls.Reload.Outcome.RELOADED);

            assertThat(serverCertificateSeenBy(clientOf(second), port))
                    .isEqualTo(TestCrls.certificate(second.serverCertificate()));
            assertThat(handshakeFails(clientOf(first), port)).as("the old CA is no longer trusted").isTrue();
            assertAnswered(open); // the connection made before the reload carries on
        }
    }

    @Test
    void changedFiles_arePickedUpByThePoll() throws Exception {
        DevPki.Layout second = TestPki.other();
        int port = start(Duration.ofMillis(100));
        try (TlsClient c = TlsClient.connect(clientOf(TestPki.trusted()), port, null, null)) {
            assertAnswered(c);
        }

        install(second);
        X509Certificate expected = TestCrls.certificate(second.serverCertificate());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        X509Certificate seen = null;
        while (System.nanoTime() < deadline) {
            try {
                seen = serverCertificateSeenBy(clientOf(second), port);
                break;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        assertThat(seen).as("a handshake with the new CA's client and server certificate").isEqualTo(expected);
        assertThat(server.reloadTls().outcome()).isEqualTo(ServerTls.Reload.Outcome.RELOADED);
    }

    @Test
    void brokenFile_keepsThePreviousContext_andIsReportedOnce() throws Exception {
        DevPki.Layout first = TestPki.trusted();
        int port = start(Duration.ZERO);
        Files.writeString(dir.resolve("half.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n");
        Files.move(dir.resolve("half.pem"), certificate, StandardCopyOption.REPLACE_EXISTING);

        ServerTls.Reload failed = server.reloadTls();
        assertThat(failed.outcome()).isEqualTo(ServerTls.Reload.Outcome.FAILED);
        assertThat(failed.detail()).startsWith("TLS reload failed, keeping the previous certificate, CAs and CRLs:"
                + " tls.certificate: ");
        assertThat(serverCertificateSeenBy(clientOf(first), port))
                .isEqualTo(TestCrls.certificate(first.serverCertificate()));

        // a key that does not match the certificate is refused the same way
        install(first);
        replace(TestPki.trusted().clientKey(1), key);
        assertThat(server.reloadTls().detail()).contains("tls.private_key: ").contains("does not belong");
        assertThat(serverCertificateSeenBy(clientOf(first), port))
                .isEqualTo(TestCrls.certificate(first.serverCertificate()));
    }

    @Test
    void reloadIfChanged_readsOnlyChangedFiles_andReportsABrokenOneOnce() throws Exception {
        ServerConfig.Tls settings = TestPki.config().tls().withFiles(certificate, key, List.of(ca));
        ServerTls tls = ServerTls.create(settings);
        var first = tls.context();
        assertThat(tls.reloadIfChanged().outcome()).isEqualTo(ServerTls.Reload.Outcome.UNCHANGED);
        assertThat(tls.context()).isSameAs(first);

        Files.move(Files.writeString(dir.resolve("x"), "not a certificate\n"), ca, StandardCopyOption.REPLACE_EXISTING);
        assertThat(tls.reloadIfChanged().outcome()).isEqualTo(ServerTls.Reload.Outcome.FAILED);
        assertThat(tls.reloadIfChanged().outcome()).as("the same broken file again").isEqualTo(
                ServerTls.Reload.Outcome.UNCHANGED);
        assertThat(tls.context()).isSameAs(first);

        install(TestPki.other());
        assertThat(tls.reloadIfChanged().outcome()).isEqualTo(ServerTls.Reload.Outcome.RELOADED);
        assertThat(tls.context()).isNotSameAs(first);
    }
}
