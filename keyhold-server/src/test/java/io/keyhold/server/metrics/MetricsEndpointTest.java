package io.keyhold.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.pki.DevPki;
import io.keyhold.server.testing.KmipTestClient;
import io.keyhold.server.testing.LiveServer;
import io.keyhold.server.testing.Payloads;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** GET /metrics on the HTTPS listener of a whole server, after KMIP requests over its TLS listener. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MetricsEndpointTest {

    @Test
    void metrics_countTheKmipListenersRequestsAndConnections(@TempDir Path dir) throws Exception {
        try (LiveServer server = LiveServer.start(dir, false,
                c -> c.withHttp(ServerConfig.Http.on("127.0.0.1", 0)))) {
            try (KmipTestClient kmip = server.client("client1")) {
                kmip.ok(KmipVersion.V1_4, Operation.CREATE, Payloads.createAes(KmipVersion.V1_4, 256));
                kmip.ok(KmipVersion.V1_4, Operation.CREATE, Payloads.createAes(KmipVersion.V1_4, 256));
            }
            DevPki.Layout pki = new DevPki.Layout(dir);
            HttpClient https = HttpClient.newBuilder().sslContext(KmipTestClient.sslContext(pki.clientP12(1), pki.ca()))
                    .connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> health = https.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + server.httpsPort() + "/health")).timeout(Duration.ofSeconds(30))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            HttpResponse<String> r = https.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + server.httpsPort() + "/metrics")).timeout(Duration.ofSeconds(30))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
            Samples s = new Samples(r.body());
            assertThat(s.value("keyhold_kmip_requests_total", Map.of("operation", "Create", "result", "success")))
                    .isEqualTo(2.0);
            assertThat(s.value("keyhold_kmip_messages_total", Map.of("transport", "tls"))).isEqualTo(2.0);
            assertThat(s.value("keyhold_kmip_connections_total")).isEqualTo(1.0);
            assertThat(s.value("keyhold_store_commits_total")).isPositive();
            assertThat(s.has("jvm_memory_used_bytes")).isTrue();
            assertThat(s.value("keyhold_http_request_seconds_count",
                    Map.of("method", "GET", "route", "/health", "status", "200"))).isEqualTo(1.0);
        }
    }
}
