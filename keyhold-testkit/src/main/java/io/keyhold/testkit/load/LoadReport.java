package io.keyhold.testkit.load;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The numbers of one run: per operation and in total, the measured requests, the successful ones
 * ({@code ops}) and their rate, the errors, and nearest-rank latency percentiles of the successful requests.
 *
 * @param measuredSeconds the measured window: the duration, or for a request limit the time from the end of
 *                        the warm-up to the last measured response
 * @param handshakes      for handshake and resume, the full and resumed TLS handshakes of all the run's
 *                        connections (setup and warm-up included); null for the other operations
 * @param loadToolCpuSeconds the processor time the load tool's own process took in the measured window (all
 *                        its threads, user and system), or NaN where the JVM cannot tell: on a machine the
 *                        tool shares with the server, what the server did not get
 */
record LoadReport(LoadOptions options, String tlsProtocol, String cipherSuite, double measuredSeconds,
                  List<OperationStats> operations, int lostConnections, HandshakeCounts handshakes,
                  double loadToolCpuSeconds) {

    /** TLS handshakes that created a new session ({@code full}) and those that resumed one. */
    record HandshakeCounts(long full, long resumed) {}

    LoadReport(LoadOptions options, String tlsProtocol, String cipherSuite, double measuredSeconds,
               List<OperationStats> operations, int lostConnections) {
        this(options, tlsProtocol, cipherSuite, measuredSeconds, operations, lostConnections, null, Double.NaN);
    }

    /** One operation's numbers; {@code sorted} holds the latencies of its successful requests in nanoseconds. */
    record OperationStats(LoadOperation operation, int weight, String algorithm, long[] sorted, long errors) {
        long ops() {
            return sorted.length;
        }

        long requests() {
            return sorted.length + errors;
        }
    }

    LoadReport {
        operations = List.copyOf(operations);
    }

    /** All operations together (the single operation itself for a run of one). */
    OperationStats total() {
        if (operations.size() == 1) {
            return operations.get(0);
        }
        long[] all = new long[operations.stream().mapToInt(s -> s.sorted().length).sum()];
        int at = 0;
        long errors = 0;
        for (OperationStats s : operations) {
            System.arraycopy(s.sorted(), 0, all, at, s.sorted().length);
            at += s.sorted().length;
            errors += s.errors();
        }
        Arrays.sort(all);
        return new OperationStats(null, 1, "mix", all, errors);
    }

    double opsPerSecond(OperationStats s) {
        return measuredSeconds > 0 ? s.ops() / measuredSeconds : 0.0;
    }

    static double p(OperationStats s, double q) {
        return LatencyRecorder.percentileMillis(s.sorted(), q);
    }

    String text() {
        LoadOptions o = options;
        OperationStats total = total();
        StringBuilder sb = new StringBuilder();
        String what = operations.size() == 1 ? o.mix() + " (" + total.algorithm() + ")" : o.mix().toString();
        String window = o.limitedByRequests()
                ? String.format(Locale.ROOT, "%d requests measured in %.3f s", o.requestLimit(), measuredSeconds)
                : o.durationSeconds() + " s measured";
        sb.append(String.format(Locale.ROOT, "KMIP load: %s, %d connection%s, %s after %d s warm-up, KMIP %s, %s %s, %s:%d%n",
                what, o.connections(), o.connections() == 1 ? "" : "s", window, o.warmupSeconds(), o.kmipVersion(),
                tlsProtocol, cipherSuite, o.host(), o.port()));
        if (operations.size() > 1) {
            for (OperationStats s : operations) {
                sb.append(line(s.operation().cliName + " (" + s.algorithm() + ")", s)).append('\n');
            }
        }
        sb.append(line("total", total));
        if (handshakes != null) {
            sb.append(String.format(Locale.ROOT, "%n  TLS handshakes (all connections, setup and warm-up included):"
                    + " %d full, %d resumed", handshakes.full(), handshakes.resumed()));
        }
        if (!Double.isNaN(loadToolCpuSeconds) && total.requests() > 0) {
            sb.append(String.format(Locale.ROOT, "%n  load tool: %.2f s of processor time in the measured window,"
                    + " %.1f us per request", loadToolCpuSeconds, loadToolCpuSeconds * 1e6 / total.requests()));
        }
        if (lostConnections > 0) {
            sb.append("  lost connections: ").append(lostConnections);
        }
        return sb.toString();
    }

    private String line(String label, OperationStats s) {
        return String.format(Locale.ROOT,
                "%-32s ops: %d  ops/s: %.1f  errors: %d  latency ms: p50 %s  p90 %s  p99 %s  p99.9 %s  max %s",
                label, s.ops(), opsPerSecond(s), s.errors(), millis(p(s, 0.50)), millis(p(s, 0.90)), millis(p(s, 0.99)),
                millis(p(s, 0.999)), millis(p(s, 1.0)));
    }

    /** Milliseconds with three decimals, or "n/a" when nothing was measured. */
    private static String millis(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
    }

    /** One JSON object on one line; the field names are documented in benchmarks/README.md. */
    String json() {
        LoadOptions o = options;
        OperationStats total = total();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT,
                "{\"host\":\"%s\",\"port\":%d,\"op\":\"%s\",\"algorithm\":\"%s\",\"connections\":%d,\"durationSeconds\":%s,"
                        + "\"requestLimit\":%s,\"warmupSeconds\":%d,\"seed\":%d,\"kmipVersion\":\"%s\",\"tlsProtocol\":\"%s\","
                        + "\"cipherSuite\":\"%s\",\"measuredSeconds\":%.3f,",
                escape(o.host()), o.port(), escape(o.mix().toString()), escape(total.algorithm()), o.connections(),
                o.limitedByRequests() ? "null" : Integer.toString(o.durationSeconds()),
                o.limitedByRequests() ? Long.toString(o.requestLimit()) : "null", o.warmupSeconds(), o.seed(),
                o.kmipVersion(), escape(tlsProtocol), escape(cipherSuite), measuredSeconds));
        stats(sb, total);
        sb.append(",\"lostConnections\":").append(lostConnections);
        sb.append(",\"loadToolCpuSeconds\":").append(Double.isNaN(loadToolCpuSeconds) ? "null"
                : String.format(Locale.ROOT, "%.6f", loadToolCpuSeconds));
        if (handshakes != null) {
            sb.append(",\"handshakes\":{\"full\":").append(handshakes.full()).append(",\"resumed\":")
                    .append(handshakes.resumed()).append('}');
        }
        sb.append(",\"operations\":{");
        for (int i = 0; i < operations.size(); i++) {
            OperationStats s = operations.get(i);
            sb.append(i == 0 ? "" : ",").append('"').append(s.operation().cliName).append("\":{\"weight\":")
                    .append(s.weight()).append(",\"algorithm\":\"").append(escape(s.algorithm())).append("\",");
            stats(sb, s);
            sb.append('}');
        }
        return sb.append("}}").toString();
    }

    private void stats(StringBuilder sb, OperationStats s) {
        sb.append(String.format(Locale.ROOT,
                "\"requests\":%d,\"ops\":%d,\"opsPerSecond\":%.2f,\"errors\":%d,"
                        + "\"latencyMs\":{\"p50\":%s,\"p90\":%s,\"p99\":%s,\"p999\":%s,\"max\":%s}",
                s.requests(), s.ops(), opsPerSecond(s), s.errors(),
                num(p(s, 0.50)), num(p(s, 0.90)), num(p(s, 0.99)), num(p(s, 0.999)), num(p(s, 1.0))));
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "null" : String.format(Locale.ROOT, "%.3f", v);
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
