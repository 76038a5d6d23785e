package io.keyhold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code keyhold bench} against an in-process {@code keyhold dev} server with a request limit: every
 * operation and a mix complete without errors and report the limit's count. No timing is asserted.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BenchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LOAD_TOOL_LINE =
            "  load tool: \\d+\\.\\d\\d s of processor time in the measured window, \\d+\\.\\d us per request";

    @TempDir
    static Path tmp;
    static Path dir;
    static ServerCommands server;
    static int port;

    @BeforeAll
    static void startServer() throws Exception {
        dir = tmp.resolve("dev");
        server = new ServerCommands();
        port = server.start("dev", "--dir", dir.toString(), "--port", "0", "--http-port", "0");
    }

    @AfterAll
    static void stopServer() {
        if (server != null && server.exit != null) {
            ((DevCommand) server.cl.getSubcommands().get("dev").getCommand()).stop();
        }
    }

    private static CliRun bench(String... args) {
        List<String> all = new ArrayList<>(List.of("bench", "--server", "127.0.0.1:" + port, "--certs", dir.toString()));
        all.addAll(List.of(args));
        return CliRun.run("", all.toArray(new String[0]));
    }

    private static void assertCounts(JsonNode stats, long requests) {
        assertThat(stats.get("requests").asLong()).isEqualTo(requests);
        assertThat(stats.get("ops").asLong()).isEqualTo(requests);
        assertThat(stats.get("errors").asLong()).isZero();
        assertThat(stats.get("opsPerSecond").isNumber()).isTrue();
        for (String p : List.of("p50", "p90", "p99", "p999", "max")) {
            assertThat(stats.get("latencyMs").get(p).isNumber()).as(p).isTrue();
        }
    }

    @Test
    void everyOperation_twentyRequestsOverTwoConnections_withoutErrors() throws Exception {
        for (String op : List.of("get", "create", "locate", "get-attributes", "encrypt", "sign", "sign-ecdsa", "register")) {
            CliRun run = bench("--op", op, "--requests", "20", "--connections", "2", "--warmup", "0", "--json");

            assertThat(run.exitCode()).as(op + ": " + run.stderr()).isZero();
            assertThat(run.stdout().lines().count()).as(op + ": one JSON line").isEqualTo(1);
            JsonNode r = JSON.readTree(run.stdout());
            assertThat(r.get("op").asText()).isEqualTo(op);
            assertThat(r.get("port").asInt()).isEqualTo(port);
            assertThat(r.get("connections").asInt()).isEqualTo(2);
            assertThat(r.get("requestLimit").asLong()).isEqualTo(20);
            assertThat(r.get("durationSeconds").isNull()).isTrue();
            assertThat(r.get("kmipVersion").asText()).isEqualTo("1.2");
            assertThat(r.get("lostConnections").asInt()).isZero();
            // 20 requests may take less than the 10 ms clock tick the JVM counts process time in
            assertThat(r.get("loadToolCpuSeconds").isNumber()).as("the load tool's own processor time").isTrue();
            assertThat(r.get("loadToolCpuSeconds").asDouble()).isNotNegative();
            assertCounts(r, 20);
            assertThat(r.get("operations").size()).isEqualTo(1);
            assertCounts(r.get("operations").get(op), 20);
        }
    }

    @Test
    void loadToolCpu_overASecondOfGets_isPositive() throws Exception {
        CliRun run = bench("--op", "get", "--duration", "1", "--connections", "2", "--warmup", "0", "--json");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        JsonNode r = JSON.readTree(run.stdout());
        assertThat(r.get("ops").asLong()).isPositive();
        assertThat(r.get("loadToolCpuSeconds").asDouble()).as("the load tool's own processor time").isPositive();
    }

    @Test
    void handshake_everyRequestAFullHandshake_noneResumed() throws Exception {
        CliRun run = bench("--op", "handshake", "--requests", "20", "--connections", "2", "--warmup", "0", "--json");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        JsonNode r = JSON.readTree(run.stdout());
        assertThat(r.get("op").asText()).isEqualTo("handshake");
        assertThat(r.get("algorithm").asText()).isEqualTo("discover-versions");
        assertCounts(r, 20);
        // the setup connection's and the 20 measured requests' connections (no warm-up), all full handshakes
        assertThat(r.get("handshakes").get("full").asLong()).isEqualTo(21);
        assertThat(r.get("handshakes").get("resumed").asLong()).isZero();
    }

    @Test
    void resume_resumesTheSessions_afterEachLoadConnectionsFirstHandshake() throws Exception {
        CliRun run = bench("--op", "resume", "--requests", "20", "--connections", "2", "--warmup", "0", "--json");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        JsonNode r = JSON.readTree(run.stdout());
        assertThat(r.get("op").asText()).isEqualTo("resume");
        assertCounts(r, 20);
        long full = r.get("handshakes").get("full").asLong();
        long resumed = r.get("handshakes").get("resumed").asLong();
        assertThat(full + resumed).isEqualTo(21);
        assertThat(resumed).isPositive();
        // each of the two load connections (and the setup one) has its own session cache: its first is full
        assertThat(full).isGreaterThanOrEqualTo(2);
    }

    @Test
    void resume_text_countsTheHandshakes() {
        CliRun run = bench("--op", "resume", "--requests", "5", "--warmup", "0", "--tls-protocol", "TLSv1.2");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        List<String> lines = run.stdout().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("KMIP load: resume (discover-versions), 1 connection, 5 requests measured in ")
                .contains("TLSv1.2 ");
        assertThat(lines.get(2)).matches("  TLS handshakes \\(all connections, setup and warm-up included\\): "
                + "[12] full, [45] resumed");
        assertThat(lines.get(3)).matches(LOAD_TOOL_LINE);
    }

    @Test
    void idle_twentyConnections_openHeldAndAnsweringAfterTheHold() throws Exception {
        CliRun run = bench("--op", "idle", "--connections", "20", "--duration", "1", "--json");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stderr()).isEqualTo("holding 20 connections for 1 s" + System.lineSeparator());
        JsonNode r = JSON.readTree(run.stdout());
        assertThat(r.get("op").asText()).isEqualTo("idle");
        assertThat(r.get("connections").asInt()).isEqualTo(20);
        assertThat(r.get("durationSeconds").asInt()).isEqualTo(1);
        assertThat(r.get("opened").asInt()).isEqualTo(20);
        assertThat(r.get("failed").asInt()).isZero();
        assertThat(r.get("answeredAfterHold").asInt()).isEqualTo(20);
        assertThat(r.get("tlsProtocol").asText()).startsWith("TLSv1.");
        assertThat(r.get("openLatencyMs").get("max").isNumber()).isTrue();
    }

    @Test
    void idle_beyondTheDevServersLimitPerIdentity_theRestAreRefused_exit1() throws Exception {
        // keyhold dev keeps the default limits.max_connections_per_identity, 256
        CliRun run = bench("--op", "idle", "--connections", "260", "--duration", "1", "--json");

        assertThat(run.exitCode()).isEqualTo(1);
        JsonNode r = JSON.readTree(run.stdout());
        // at most 256: a connection of an earlier test the server has not yet seen closed still counts
        int opened = r.get("opened").asInt();
        assertThat(opened).isBetween(200, 256);
        assertThat(r.get("failed").asInt()).isEqualTo(260 - opened);
        assertThat(r.get("answeredAfterHold").asInt()).isEqualTo(opened);
        assertThat(run.stderr()).contains("first error: connection ", ": the server closed the connection",
                "error: " + (260 - opened) + " of 260 connections failed to open, 0 of " + opened
                        + " did not answer after the hold");
    }

    @Test
    void mix_reportsEachOperation_andTheirSumIsTheLimit() throws Exception {
        CliRun run = bench("--op", "mix:get=8,create=2,locate=1", "--requests", "20", "--connections", "2", "--warmup", "0",
                "--kmip-version", "2.0", "--json");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        JsonNode r = JSON.readTree(run.stdout());
        assertThat(r.get("op").asText()).isEqualTo("mix:get=8,create=2,locate=1");
        assertCounts(r, 20);
        JsonNode ops = r.get("operations");
        List<String> names = new ArrayList<>();
        ops.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("get", "create", "locate");
        assertThat(ops.get("get").get("weight").asInt()).isEqualTo(8);
        long sum = 0;
        for (String n : names) {
            assertThat(ops.get(n).get("errors").asLong()).isZero();
            assertThat(ops.get(n).get("ops").asLong()).isEqualTo(ops.get(n).get("requests").asLong());
            sum += ops.get(n).get("requests").asLong();
        }
        assertThat(sum).isEqualTo(20);
    }

    @Test
    void text_namesTheOperationAndTheTotals() {
        CliRun run = bench("--op", "mix:get=1,register=1", "--requests", "10", "--warmup", "0", "--tls-protocol", "TLSv1.2");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        List<String> lines = run.stdout().lines().toList();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).startsWith("KMIP load: mix:get=1,register=1, 1 connection, 10 requests measured in ")
                .contains("KMIP 1.2, TLSv1.2 ").endsWith("127.0.0.1:" + port);
        assertThat(lines.get(1)).startsWith("get (aes-256) ");
        assertThat(lines.get(2)).startsWith("register (aes-256) ");
        assertThat(lines.get(3)).startsWith("total ").contains(" ops: 10 ", " errors: 0 ", " p99.9 ");
        assertThat(lines.get(4)).matches(LOAD_TOOL_LINE);
    }

    @Test
    void badArguments_exit2_withOneLine() {
        assertUsage(bench("--op", "rekey", "--requests", "5"), "keyhold bench: --op: unknown operation 'rekey' (expected: "
                + "get, create, locate, get-attributes, encrypt, sign, sign-ecdsa, register, handshake, resume or idle, "
                + "or mix:OP=WEIGHT,...)");
        assertUsage(bench("--op", "mix:get=1,resume=1"), "keyhold bench: --op: resume cannot be part of a mix (it measures connections)");
        assertUsage(bench("--op", "idle", "--requests", "5"), "keyhold bench: --requests does not apply to --op idle (it holds "
                + "the connections for --duration seconds)");
        assertUsage(bench("--op", "idle", "--warmup", "1"), "keyhold bench: --warmup does not apply to --op idle");
        assertUsage(bench("--op", "mix:get=8,create=0"), "keyhold bench: --op: mix weight 0 of create (expected: 1 .. 1000000)");
        assertUsage(bench("--op", "mix:get=8,create"), "keyhold bench: --op: mix entry 'create' has no weight (expected: OP=WEIGHT)");
        assertUsage(bench("--duration", "5", "--requests", "5"), "keyhold bench: give either --duration or --requests, not both");
        assertUsage(bench("--connections", "0"), "keyhold bench: --connections 0 (expected: 1 .. 10000)");
        assertUsage(bench("--requests", "-1"), "keyhold bench: --requests -1 (expected: > 0)");
        assertUsage(bench("--duration", "0"), "keyhold bench: --duration 0 (expected: 1 .. 86400)");
        assertUsage(bench("--connections", "two"), "keyhold bench: Invalid value for option '--connections': 'two' is not an int");
        assertUsage(CliRun.run("", "bench", "--certs", dir.toString()), "keyhold bench: Missing required option: '--server=HOST:PORT'");
        assertUsage(bench("--client", "nobody"), "keyhold bench: " + dir.resolve("nobody.pem") + ": file not found or not readable");
    }

    @Test
    void help_listsTheOperationsAndExitStatuses() {
        CliRun run = CliRun.run("", "bench", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout()).startsWith("Usage: keyhold bench ")
                .contains("--requests=R", "--op=OP", "sign-ecdsa (P-256), register", "2 bad arguments;", "resume (the same, resuming the",
                        "--op idle");
        assertThat(run.stdout().lines().filter(l -> l.length() > 80).toList()).as("lines within 80 columns").isEmpty();
    }

    private static void assertUsage(CliRun run, String message) {
        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(2);
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr()).isEqualTo(message + " (see keyhold bench --help)" + System.lineSeparator());
    }

    // Through a TCP proxy that breaks the measured connections on purpose, one second after it accepted them:
    // a request left unanswered times out and counts as an error, a connection closed under the load tool is
    // replaced, and a run whose connections cannot be replaced reports them lost and exits 1. The first
    // connection the proxy accepts is the setup's, which it leaves alone.

    private static CliRun benchThrough(FaultyProxy proxy) {
        return CliRun.run("", "bench", "--server", "127.0.0.1:" + proxy.port(), "--certs", dir.toString(),
                "--op", "get", "--connections", "2", "--duration", "3", "--warmup", "0", "--timeout-ms", "300",
                "--json");
    }

    @Test
    void unansweredRequests_timeOut_countAsErrors_andTheirConnectionsAreReplaced() throws Exception {
        try (FaultyProxy proxy = new FaultyProxy(FaultyProxy.Fault.STALL, port)) {
            CliRun run = benchThrough(proxy);

            assertThat(run.exitCode()).as(run.stderr()).isZero();
            JsonNode r = JSON.readTree(run.stdout());
            // the one request in flight on each stalled connection; their replacements are answered
            assertThat(r.get("errors").asLong()).isEqualTo(2);
            assertThat(r.get("ops").asLong()).isPositive();
            assertThat(r.get("lostConnections").asInt()).isZero();
            assertThat(run.stderr()).contains("first error: get: timed out");
            assertThat(proxy.accepted()).isGreaterThanOrEqualTo(5);
        }
    }

    @Test
    void connectionsClosedUnderTheLoad_areReplaced_andTheRunGoesOn() throws Exception {
        try (FaultyProxy proxy = new FaultyProxy(FaultyProxy.Fault.CLOSE, port)) {
            CliRun run = benchThrough(proxy);

            assertThat(run.exitCode()).as(run.stderr()).isZero();
            JsonNode r = JSON.readTree(run.stdout());
            // at most the request in flight on each closed connection fails
            assertThat(r.get("errors").asLong()).isBetween(0L, 2L);
            assertThat(r.get("ops").asLong()).isPositive();
            assertThat(r.get("lostConnections").asInt()).isZero();
            assertThat(proxy.accepted()).isGreaterThanOrEqualTo(5);
        }
    }

    @Test
    void connectionsThatCannotBeReplaced_areLost_exit1() throws Exception {
        try (FaultyProxy proxy = new FaultyProxy(FaultyProxy.Fault.CLOSE_AND_REFUSE, port)) {
            CliRun run = benchThrough(proxy);

            assertThat(run.exitCode()).as(run.stderr()).isEqualTo(1);
            JsonNode r = JSON.readTree(run.stdout());
            assertThat(r.get("lostConnections").asInt()).isEqualTo(2);
            assertThat(run.stderr()).contains("error: 2 of 2 connections were lost during the run");
            assertThat(proxy.accepted()).isEqualTo(3);
        }
    }

    @Test
    void serverNotListening_exits1() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        CliRun run = CliRun.run("", "bench", "--server", "127.0.0.1:" + closed, "--certs", dir.toString(), "--requests", "1");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).isEqualTo("error: cannot talk KMIP to 127.0.0.1:" + closed + ": connection refused"
                + System.lineSeparator());
        assertThat(Files.exists(dir.resolve("client.key"))).isTrue();
    }
}
