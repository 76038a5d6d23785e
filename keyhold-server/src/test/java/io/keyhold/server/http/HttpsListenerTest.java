package io.keyhold.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.json.KmipJson;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.protocol.xml.KmipXml;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.server.auth.ApiTokens;
import io.keyhold.server.auth.Identity;
import io.keyhold.server.auth.TicketRights;
import io.keyhold.server.config.ServerConfig;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import io.keyhold.server.pki.DevPki;
import io.keyhold.server.testing.KmipTestClient;
import io.keyhold.server.testing.LiveServer;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTPS listener end to end: KMIP over HTTPS in the three encodings as the client certificate's
 * identity, /health open to anyone, and the problem documents for a caller without credentials, an unknown
 * token, an unknown path, a wrong method, an unsupported media type and an oversized body.
 */
class HttpsListenerTest {
    static final String DISCOVER_JSON = """
            {"tag":"RequestMessage","value":[
              {"tag":"RequestHeader","value":[
                {"tag":"ProtocolVersion","value":[
                  {"tag":"ProtocolVersionMajor","type":"Integer","value":2},
                  {"tag":"ProtocolVersionMinor","type":"Integer","value":1}]},
                {"tag":"BatchCount","type":"Integer","value":1}]},
              {"tag":"BatchItem","value":[
                {"tag":"Operation","type":"Enumeration","value":"DiscoverVersions"},
                {"tag":"RequestPayload","value":[]}]}]}
            """;

    @TempDir
    static Path dir;
    private static LiveServer server;
    private static HttpClient withCertificate;
    private static HttpClient anonymous;

    @BeforeAll
    static void start() throws Exception {
        server = LiveServer.start(dir, false, c -> c.withHttp(ServerConfig.Http.on("127.0.0.1", 0))
                .withLimits(c.limits().withMaxMessageBytes(64 * 1024)));
        DevPki.Layout pki = new DevPki.Layout(dir);
        withCertificate = HttpClient.newBuilder().sslContext(KmipTestClient.sslContext(pki.clientP12(1), pki.ca()))
                .connectTimeout(Duration.ofSeconds(10)).build();
        anonymous = HttpClient.newBuilder().sslContext(trustOnly(pki.ca()))
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static SSLContext trustOnly(Path caPem) throws Exception {
        KeyStore ts = KeyStore.getInstance(KeyStore.getDefaultType());
        ts.load(null, null);
        try (InputStream is = new FileInputStream(caPem.toFile())) {
            int i = 0;
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(is)) {
                ts.setCertificateEntry("ca" + i++, (X509Certificate) c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static URI uri(String path) {
        return URI.create("https://localhost:" + server.httpsPort() + path);
    }

    private static HttpResponse<byte[]> post(HttpClient client, String path, String contentType, byte[] body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<String> get(HttpClient client, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertDiscoverVersionsAnswered(TtlvItem response) {
        TtlvItem item = response.child(Tag.BATCH_ITEM).orElseThrow();
        assertThat(item.child(Tag.RESULT_STATUS).orElseThrow().enumValue()).isZero();
        assertThat(item.child(Tag.RESPONSE_PAYLOAD).orElseThrow().childrenWith(Tag.PROTOCOL_VERSION)).isNotEmpty();
    }

    @Test
    void kmipOverHttps_ttlv_isAnsweredInTtlv() throws Exception {
        byte[] request = new TtlvEncoder().encode(new KmipJson().read(DISCOVER_JSON));
        HttpResponse<byte[]> r = post(withCertificate, "/kmip", "application/octet-stream", request);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/octet-stream");
        assertDiscoverVersionsAnswered(new TtlvDecoder().decode(r.body()));
    }

    @Test
    void kmipOverHttps_json_isAnsweredInJson() throws Exception {
        HttpResponse<byte[]> r = post(withCertificate, "/kmip", "application/json; charset=utf-8",
                DISCOVER_JSON.getBytes());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        assertDiscoverVersionsAnswered(new KmipJson().read(new String(r.body())));
    }

    @Test
    void kmipOverHttps_xml_isAnsweredInXml() throws Exception {
        String xml = new KmipXml().write(new KmipJson().read(DISCOVER_JSON));
        HttpResponse<byte[]> r = post(withCertificate, "/kmip", "text/xml", xml.getBytes());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/xml");
        assertDiscoverVersionsAnswered(new KmipXml().read(new String(r.body())));
    }

    @Test
    void kmipOverHttps_malformedJson_isAKmipInvalidMessageResponse() throws Exception {
        HttpResponse<byte[]> r = post(withCertificate, "/kmip", "application/json", "{\"tag\":".getBytes());
        assertThat(r.statusCode()).isEqualTo(200);
        TtlvItem response = new KmipJson().read(new String(r.body()));
        TtlvItem item = response.child(Tag.BATCH_ITEM).orElseThrow();
        assertThat(item.child(Tag.RESULT_STATUS).orElseThrow().enumValue()).isEqualTo(1); // Operation Failed
        assertThat(item.child(Tag.RESULT_REASON).orElseThrow().enumValue()).isEqualTo(4); // Invalid Message
    }

    @Test
    void kmipOverHttps_unsupportedMediaType_is415() throws Exception {
        HttpResponse<byte[]> r = post(withCertificate, "/kmip", "text/plain", "hello".getBytes());
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
        assertThat(new String(r.body())).contains("application/octet-stream");
    }

    @Test
    void withoutCertificateOrToken_kmipIs401_healthIsOpen() throws Exception {
        HttpResponse<byte[]> r = post(anonymous, "/kmip", "application/json", DISCOVER_JSON.getBytes());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("www-authenticate")).hasValue("Bearer");
        assertThat(new String(r.body())).contains("client certificate").contains("Bearer");

        HttpResponse<String> health = get(anonymous, "/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"up\"").contains("\"database\":\"up\"");
        assertThat(get(anonymous, "/health/live").statusCode()).isEqualTo(200);
    }

    private static HttpResponse<byte[]> postWithToken(String token, String json) throws Exception {
        return anonymous.send(HttpRequest.newBuilder(uri("/kmip")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void apiToken_authenticatesWithoutACertificate_untilRevoked() throws Exception {
        ApiTokens tokens = new ApiTokens(server.assembly().store(), Clock.systemUTC());
        ApiTokens.Issued issued = tokens.create(new Identity("client1"), TicketRights.UNRESTRICTED, null, "test");
        HttpResponse<byte[]> r = postWithToken(issued.token(), DISCOVER_JSON);
        assertThat(r.statusCode()).isEqualTo(200);
        assertDiscoverVersionsAnswered(new KmipJson().read(new String(r.body())));

        assertThat(tokens.revoke(issued.id())).isTrue();
        HttpResponse<byte[]> after = postWithToken(issued.token(), DISCOVER_JSON);
        assertThat(after.statusCode()).isEqualTo(401);
    }

    @Test
    void scopedToken_operationsOutsideItsScope_arePermissionDenied() throws Exception {
        ApiTokens tokens = new ApiTokens(server.assembly().store(), Clock.systemUTC());
        TicketRights onlyQuery = new TicketRights(List.of(new TicketRights.Right(Set.of(Operation.QUERY), Set.of(),
                Set.of())));
        ApiTokens.Issued issued = tokens.create(new Identity("client1"), onlyQuery, null, "query only");
        HttpResponse<byte[]> r = postWithToken(issued.token(), DISCOVER_JSON);
        assertThat(r.statusCode()).isEqualTo(200);
        TtlvItem item = new KmipJson().read(new String(r.body())).child(Tag.BATCH_ITEM).orElseThrow();
        assertThat(item.child(Tag.RESULT_STATUS).orElseThrow().enumValue()).isEqualTo(1);
        assertThat(item.child(Tag.RESULT_REASON).orElseThrow().enumValue())
                .isEqualTo(ResultReason.PERMISSION_DENIED.value());
    }

    @Test
    void unknownToken_is401_evenWithACertificate() throws Exception {
        HttpResponse<String> r = get(withCertificate, "/health", "Authorization", "Bearer kh_nope_nope");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("unknown, expired or revoked");
    }

    @Test
    void unknownPath_is404_wrongMethod_is405WithAllow() throws Exception {
        HttpResponse<String> missing = get(withCertificate, "/no/such/thing");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("\"status\":404").contains("/no/such/thing");

        HttpResponse<String> wrong = get(withCertificate, "/kmip");
        assertThat(wrong.statusCode()).isEqualTo(405);
        assertThat(wrong.headers().firstValue("allow")).hasValue("POST");
    }

    @Test
    void bodyOverTheMessageLimit_is413_andTheConnectionStillServesOthers() throws Exception {
        HttpResponse<byte[]> r = post(withCertificate, "/kmip", "application/octet-stream", new byte[200 * 1024]);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(get(withCertificate, "/health").statusCode()).isEqualTo(200);
    }

    @Test
    void responsesCarrySecurityHeaders() throws Exception {
        HttpResponse<String> r = get(anonymous, "/health");
        assertThat(r.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(r.headers().firstValue("strict-transport-security")).isPresent();
    }

    @Test
    void disabledByDefault_inConfigurationsBuiltInCode() throws Exception {
        try (LiveServer plain = LiveServer.start(Files.createTempDirectory(dir, "plain"))) {
            assertThat(plain.httpsPort()).isEqualTo(-1);
        }
    }
}
