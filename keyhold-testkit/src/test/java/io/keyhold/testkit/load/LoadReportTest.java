package io.keyhold.testkit.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadReportTest {
    @TempDir
    Path dir;

    private static long[] millis(long... ms) {
        long[] out = new long[ms.length];
        for (int i = 0; i < ms.length; i++) {
            out[i] = ms[i] * 1_000_000L;
        }
        return out;
    }

    private LoadReport report(String op, long requests, double seconds, List<LoadReport.OperationStats> stats) throws Exception {
        return report(op, "1.4", requests, seconds, stats, null, Double.NaN);
    }

    private LoadReport report(String op, String version, long requests, double seconds,
                              List<LoadReport.OperationStats> stats, LoadReport.HandshakeCounts handshakes,
                              double loadToolCpuSeconds) throws Exception {
        Path pem = Files.writeString(dir.resolve("x.pem"), "x");
        LoadOptions o = LoadOptions.create("127.0.0.1", 5696, pem, pem, pem, op, null, 2, null, requests, 0, version, null,
                null, null, 5);
        return new LoadReport(o, "TLSv1.3", "TLS_AES_256_GCM_SHA384", seconds, stats, 0, handshakes, loadToolCpuSeconds);
    }

    @Test
    void total_mergesTheOperations_andRatesUseTheMeasuredSeconds() throws Exception {
        LoadReport r = report("mix:get=3,create=1", 6, 2.0, List.of(
                new LoadReport.OperationStats(LoadOperation.GET, 3, "aes-256", millis(1, 2, 3), 1),
                new LoadReport.OperationStats(LoadOperation.CREATE, 1, "aes-256", millis(4, 10), 0)));

        LoadReport.OperationStats total = r.total();
        assertThat(total.sorted()).containsExactly(millis(1, 2, 3, 4, 10));
        assertThat(total.errors()).isEqualTo(1);
        assertThat(total.requests()).isEqualTo(6);
        assertThat(r.opsPerSecond(total)).isEqualTo(2.5);
        assertThat(LoadReport.p(total, 0.5)).isEqualTo(3.0);
        assertThat(LoadReport.p(total, 0.9)).isEqualTo(10.0);
        assertThat(r.json()).contains("\"measuredSeconds\":2.000,\"requests\":6,\"ops\":5,\"opsPerSecond\":2.50,\"errors\":1,"
                + "\"latencyMs\":{\"p50\":3.000,\"p90\":10.000,\"p99\":10.000,\"p999\":10.000,\"max\":10.000}");
        assertThat(r.json()).contains("\"create\":{\"weight\":1,\"algorithm\":\"aes-256\",\"requests\":2,\"ops\":2,"
                + "\"opsPerSecond\":1.00,\"errors\":0,");
    }

    @Test
    void anOperationWithoutSuccesses_hasNullLatencies_andNaInText() throws Exception {
        LoadReport r = report("mix:get=1,register=1", 3, 1.0, List.of(
                new LoadReport.OperationStats(LoadOperation.GET, 1, "aes-256", millis(1, 2), 0),
                new LoadReport.OperationStats(LoadOperation.REGISTER, 1, "aes-256", millis(), 1)));

        assertThat(r.json()).contains("\"register\":{\"weight\":1,\"algorithm\":\"aes-256\",\"requests\":1,\"ops\":0,"
                + "\"opsPerSecond\":0.00,\"errors\":1,\"latencyMs\":{\"p50\":null,\"p90\":null,\"p99\":null,\"p999\":null,\"max\":null}}");
        assertThat(r.text().lines().toList().get(2)).startsWith("register (aes-256)")
                .endsWith("ops: 0  ops/s: 0.0  errors: 1  latency ms: p50 n/a  p90 n/a  p99 n/a  p99.9 n/a  max n/a");
    }

    @Test
    void handshakeCounts_areReportedInTextAndJson_andAbsentForOtherOperations() throws Exception {
        LoadReport r = report("resume", "1.2", 3, 1.0,
                List.of(new LoadReport.OperationStats(LoadOperation.RESUME, 1, "discover-versions", millis(1, 2, 3), 0)),
                new LoadReport.HandshakeCounts(3, 4), Double.NaN);

        assertThat(r.json()).contains("\"lostConnections\":0,\"loadToolCpuSeconds\":null,"
                + "\"handshakes\":{\"full\":3,\"resumed\":4},\"operations\":{");
        assertThat(r.text().lines().toList()).hasSize(3);
        assertThat(r.text().lines().toList().get(2))
                .isEqualTo("  TLS handshakes (all connections, setup and warm-up included): 3 full, 4 resumed");

        LoadReport get = report("get", 3, 1.0, List.of(new LoadReport.OperationStats(LoadOperation.GET, 1, "aes-256",
                millis(1, 2, 3), 0)));
        assertThat(get.json()).doesNotContain("handshakes");
        assertThat(get.text()).doesNotContain("handshakes");
    }

    @Test
    void loadToolCpu_isReportedPerRequest_andNullWhenUnknown() throws Exception {
        LoadReport r = report("get", "1.2", 4, 1.0,
                List.of(new LoadReport.OperationStats(LoadOperation.GET, 1, "aes-256", millis(1, 2, 3), 1)), null, 0.0002);

        assertThat(r.json()).contains("\"lostConnections\":0,\"loadToolCpuSeconds\":0.000200,\"operations\":{");
        // 200 us over 4 requests (3 answered, 1 error)
        assertThat(r.text().lines().toList().get(2))
                .isEqualTo("  load tool: 0.00 s of processor time in the measured window, 50.0 us per request");
        assertThat(report("get", 3, 1.0, List.of(new LoadReport.OperationStats(LoadOperation.GET, 1, "aes-256",
                millis(1, 2, 3), 0))).text()).doesNotContain("load tool");
    }
}
