package io.keyhold.server.http;

import static io.keyhold.server.testing.Payloads.createAes;
import static io.keyhold.server.testing.Payloads.withUid;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.pki.DevPki;
import io.keyhold.server.testing.BoringSsl;
import io.keyhold.server.testing.KmipTestClient;
import io.keyhold.server.testing.LiveServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole server on {@code tls.provider: openssl}: keys created and fetched over the KMIP port, each
 * client named by its certificate, and the HTTPS listener on the same provider, where a client certificate is
 * optional.
 */
class OpenSslListenersTest {
    private static final KmipVersion V14 = KmipVersion.V1_4;

    @TempDir
    static Path dir;
    private static LiveServer server;

    @BeforeAll
    static void start() throws Exception {
        BoringSsl.requireWhereShipped();
        server = LiveServer.start(dir, false, c -> c.withTls(c.tls().withProvider(ServerConfig.TlsProvider.OPENSSL))
                .withHttp(ServerConfig.Http.on("127.0.0.1", 0)));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void keys_areCreatedAndFetched_byTheirOwnerOnly() throws Exception {
        String uid;
        try (KmipTestClient c = server.client("client1")) {
            assertThat(c.socket().getSession().getProtocol()).isEqualTo("TLSv1.3");
            uid = c.ok(V14, Operation.CREATE, createAes(V14, 256)).child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
            TtlvItem got = c.ok(V14, Operation.GET, withUid(uid));
            assertThat(got.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue()).isEqualTo(uid);
            assertThat(got.child(Tag.OBJECT_TYPE).orElseThrow().enumValue()).isEqualTo(ObjectType.SYMMETRIC_KEY.value());
        }
        try (KmipTestClient other = server.client("client2")) {
            ResponseBatchItem refused = other.call(V14, Operation.GET, withUid(uid));
            assertThat(refused.resultStatus()).isEqualTo(ResultStatus.OPERATION_FAILED.value());
        }
    }

    @Test
    void https_answersKmip_withACertificate_andHealth_without() throws Exception {
        DevPki.Layout pki = new DevPki.Layout(dir);
        HttpClient withCertificate = HttpClient.newBuilder()
                .sslContext(KmipTestClient.sslContext(pki.clientP12(1), pki.ca()))
                .connectTimeout(Duration.ofSeconds(10)).build();
        HttpClient anonymous = HttpClient.newBuilder().sslContext(HttpsListenerTest.trustOnly(pki.ca()))
                .connectTimeout(Duration.ofSeconds(10)).build();
        URI kmip = URI.create("https://localhost:" + server.httpsPort() + "/kmip");

        HttpResponse<String> answered = withCertificate.send(HttpRequest.newBuilder(kmip)
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(HttpsListenerTest.DISCOVER_JSON)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answered.statusCode()).isEqualTo(200);
        assertThat(answered.body()).contains("ProtocolVersionMajor").contains("Success");

        HttpResponse<String> refused = anonymous.send(HttpRequest.newBuilder(kmip)
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(HttpsListenerTest.DISCOVER_JSON)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(401);

        HttpResponse<String> health = anonymous.send(HttpRequest.newBuilder(
                        URI.create("https://localhost:" + server.httpsPort() + "/health")).timeout(Duration.ofSeconds(30))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"up\"");
    }
}
