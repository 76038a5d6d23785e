package io.keyhold.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.server.KeyholdServer;
import io.keyhold.server.transport.StubProcessor;
import io.keyhold.server.transport.TestPki;
import io.keyhold.server.transport.TlsClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The KMIP listener's connection metrics, seen through a running server on a loopback port. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionMetricsTest {
    private final ServerMetrics metrics = ServerMetrics.create("test");
    private KeyholdServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        metrics.close();
    }

    private int start(int maxConnections) throws Exception {
        server = new KeyholdServer(TestPki.config(TestPki.limits(1 << 20, maxConnections, Duration.ofMinutes(1),
                Duration.ofSeconds(5))), new StubProcessor(), metrics.connectionObserver());
        server.start();
        return server.port();
    }

    private double value(String name) {
        return value(name, Map.of());
    }

    private double value(String name, Map<String, String> labels) {
        return new Samples(metrics.scrape()).value(name, labels);
    }

    /** Waits for the server's side of a close (or an accept) to be counted. */
    private static void await(Supplier<Double> value, double expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (value.get() != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(value.get()).isEqualTo(expected);
    }

    @Test
    void openConnectionsGauge_goesUpWithEachConnection_andDownWhenTheyClose() throws Exception {
        int port = start(16);
        assertThat(value("keyhold_kmip_connections_open")).isZero();
        TlsClient a = TlsClient.connect(port);
        TlsClient b = TlsClient.connect(port);
        await(() -> value("keyhold_kmip_connections_open"), 2.0);
        a.send(StubProcessor.request("hello"));
        a.readMessage();
        assertThat(value("keyhold_kmip_messages_total", Map.of("transport", "tls"))).isEqualTo(1.0);
        assertThat(value("keyhold_kmip_message_seconds_count", Map.of("transport", "tls"))).isEqualTo(1.0);

        a.close();
        await(() -> value("keyhold_kmip_connections_open"), 1.0);
        b.close();
        await(() -> value("keyhold_kmip_connections_open"), 0.0);
        assertThat(value("keyhold_kmip_connections_total")).isEqualTo(2.0);
        assertThat(value("keyhold_kmip_connections_refused_total")).isZero();
        assertThat(value("keyhold_kmip_tls_handshake_failures_total")).isZero();
    }

    @Test
    void connectionBeyondTheLimit_isCountedRefused_andLeavesTheGaugeWhereItWas() throws Exception {
        int port = start(1);
        try (TlsClient a = TlsClient.connect(port)) {
            await(() -> value("keyhold_kmip_connections_open"), 1.0);
            try (Socket second = new Socket()) {
                second.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                second.setSoTimeout(5000);
                try {
                    assertThat(second.getInputStream().read()).as("closed by the server").isEqualTo(-1);
                } catch (java.net.SocketTimeoutException e) {
                    throw new AssertionError("the connection beyond the limit is still open", e);
                } catch (IOException reset) {
                    // closed by a reset: refused too
                }
            }
            await(() -> value("keyhold_kmip_connections_refused_total"), 1.0);
            await(() -> value("keyhold_kmip_connections_open"), 1.0);
            assertThat(value("keyhold_kmip_connections_total")).isEqualTo(2.0);
        }
        await(() -> value("keyhold_kmip_connections_open"), 0.0);
    }

    @Test
    void clientOfAnotherCa_isCountedAsAFailedHandshake() throws Exception {
        int port = start(16);
        SSLContext stranger = TlsClient.context(TestPki.other().clientP12(1), TestPki.trusted().ca());
        try (TlsClient c = TlsClient.connect(stranger, port, "TLSv1.2", null)) {
            assertThat(c.closedByServer()).isTrue(); // TLS 1.2: the handshake itself fails, normally
        } catch (IOException refusedDuringHandshake) {
            // the usual outcome
        }
        await(() -> value("keyhold_kmip_tls_handshake_failures_total"), 1.0);
        await(() -> value("keyhold_kmip_connections_open"), 0.0);
        assertThat(value("keyhold_kmip_connections_total")).isEqualTo(1.0);
    }
}
