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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** tls.crls over real mutual TLS: a client certificate on its CA's CRL is refused at the handshake. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RevocationListsTest {
    private final StubProcessor processor = new StubProcessor();
    private KeyholdServer server;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private int start(List<Path> crls) throws Exception {
        ServerConfig base = TestPki.config();
        ServerConfig config = new ServerConfig(base.kmip(), base.tls().withCrls(crls), base.storage(), base.limits(),
                base.logging());
        server = new KeyholdServer(config, processor);
        server.start();
        return server.port();
    }

    private static SSLContext client(int n) throws Exception {
        return TlsClient.context(TestPki.trusted().clientP12(n), TestPki.trusted().ca());
    }

    private static String identitySeenBy(SSLContext ctx, int port) throws Exception {
        try (TlsClient c = TlsClient.connect(ctx, port, null, null)) {
            c.send(StubProcessor.request("who am I"));
            return c.readItem().child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
        }
    }

    /** Refused in the handshake, or (TLS 1.3, where the client finishes first) at the first exchange. */
    private static boolean refused(SSLContext ctx, int port) throws Exception {
        TlsClient c;
        try {
            c = TlsClient.connect(ctx, port, null, null);
        } catch (IOException e) {
            return true;
        }
        try (c) {
            try {
                c.send(StubProcessor.request("let me in"));
            } catch (IOException e) {
                return true;
            }
            return c.closedByServer();
        }
    }

    @Test
    void revokedClient_isRefused_othersAreServed_pem() throws Exception {
        DevPki.Layout pki = TestPki.trusted();
        Path crl = TestCrls.writePem(dir.resolve("revoked.pem"), pki, pki.clientCertificate(1));
        int port = start(List.of(crl));

        assertThat(refused(client(1), port)).isTrue();
        assertThat(identitySeenBy(client(2), port)).isEqualTo("client2");
        assertThat(processor.processed.get()).as("only client2's request ran").isEqualTo(1);
    }

    @Test
    void revokedClient_isRefused_der() throws Exception {
        DevPki.Layout pki = TestPki.trusted();
        Path crl = TestCrls.writeDer(dir.resolve("revoked.crl"), pki, pki.clientCertificate(2));
        int port = start(List.of(crl));

        assertThat(refused(client(2), port)).isTrue();
        assertThat(identitySeenBy(client(1), port)).isEqualTo("client1");
    }

    @Test
    void emptyCrl_refusesNobody() throws Exception {
        Path crl = TestCrls.writeDer(dir.resolve("empty.crl"), TestPki.trusted());
        int port = start(List.of(crl));

        assertThat(identitySeenBy(client(1), port)).isEqualTo("client1");
    }

    @Test
    void replacedCrl_appliesToNewHandshakesAfterAReload() throws Exception {
        DevPki.Layout pki = TestPki.trusted();
        Path crl = TestCrls.writePem(dir.resolve("clients.crl"), pki);
        int port = start(List.of(crl));
        assertThat(identitySeenBy(client(1), port)).isEqualTo("client1");

        TestCrls.writePem(dir.resolve("next.crl"), pki, pki.clientCertificate(1));
        Files.move(dir.resolve("next.crl"), crl, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(server.reloadTls().outcome()).isEqualTo(ServerTls.Reload.Outcome.RELOADED);

        assertThat(refused(client(1), port)).isTrue();
        assertThat(identitySeenBy(client(2), port)).isEqualTo("client2");
    }

    @Test
    void crlOfAnotherCa_isAConfigError() throws Exception {
        // the other PKI's CA has the same name but another key: the signature does not verify
        Path crl = TestCrls.writeDer(dir.resolve("other.crl"), TestPki.other(), TestPki.other().clientCertificate(1));
        assertThatThrownBy(() -> start(List.of(crl)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("tls.crls: the signature of the CRL in " + crl + " does not verify");
    }

    @Test
    void fileWithoutCrl_isAConfigError() throws Exception {
        Path notCrl = Files.writeString(dir.resolve("notes.txt"), "hello\n");
        assertThatThrownBy(() -> start(List.of(notCrl)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("tls.crls: " + notCrl);
        assertThatThrownBy(() -> start(List.of(TestPki.trusted().ca())))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("tls.crls: " + TestPki.trusted().ca());
    }
}
