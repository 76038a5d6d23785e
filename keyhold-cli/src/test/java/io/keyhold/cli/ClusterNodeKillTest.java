package io.keyhold.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.keyhold.client.ClientTls;
import io.keyhold.client.KmipClient;
import io.keyhold.client.KmipClientException;
import io.keyhold.client.KmipTransportException;
import io.keyhold.client.ServerSelection;
import io.keyhold.client.SymmetricKeySpec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code keyhold serve} processes on one PostgreSQL database, a client that lists both: when one node
 * is killed (SIGKILL) in the middle of a Create load, the client carries on through the other, every
 * acknowledged object is there once, nothing else was stored beyond the creates whose answer was lost, and
 * the audit chain both nodes wrote verifies. The PostgreSQL server is {@code KEYHOLD_TEST_POSTGRES} (default
 * {@code jdbc:postgresql://127.0.0.1:5432/test}) as {@code KEYHOLD_TEST_POSTGRES_USER} (default postgres); the
 * test is skipped where none answers, except with KEYHOLD_REQUIRE_POSTGRES=1, where it fails.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterNodeKillTest {
    private static final String URL = env("KEYHOLD_TEST_POSTGRES", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String USER = env("KEYHOLD_TEST_POSTGRES_USER", "postgres");
    private static final Pattern READY = Pattern.compile("Keyhold ready: KMIP on 127\\.0\\.0\\.1:(\\d+)");
    private static final int THREADS = 6;
    private static final int BEFORE_KILL = 60;
    private static final int AFTER_KILL = 80;

    @TempDir
    Path dir;

    private String schema;
    private final List<Process> nodes = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        for (Process p : nodes) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        if (schema != null) {
            try (Connection c = admin(); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    @Test
    void killingOneNodeMidLoad_losesNoAcknowledgedCreate_andTheAuditChainVerifies() throws Exception {
        schema = "kh_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            schema = null;
            if ("1".equals(System.getenv("KEYHOLD_REQUIRE_POSTGRES"))) {
                fail("PostgreSQL at " + URL + " cannot be used: " + e.getMessage() + ", and KEYHOLD_REQUIRE_POSTGRES=1");
            }
            Assumptions.abort("PostgreSQL at " + URL + " cannot be used: " + e.getMessage());
        }
        Path pki = Files.createDirectories(dir.resolve("pki"));
        DevConfigFiles.ensurePkiAndMasterKey(pki);
        String separator = URL.contains("?") ? "&" : "?";
        Path config = Files.writeString(dir.resolve("keyhold.yaml"), """
                kmip:
                  host: 127.0.0.1
                  port: 0
                tls:
                  certificate: %s
                  private_key: %s
                  trusted_cas: [%s]
                storage:
                  data_dir: data
                  database: %s
                  database_user: %s
                master_key:
                  keystore: %s
                  passphrase_file: %s
                http:
                  enabled: false
                """.formatted(pki.resolve("server.pem"), pki.resolve("server.key"), pki.resolve("ca.pem"),
                URL + separator + "currentSchema=" + schema, USER, pki.resolve("master-key.p12"),
                pki.resolve("master-key.pass")));

        Process node1 = serve(config, "node1");
        Process node2 = serve(config, "node2"); // both at once: the second waits for the first's schema migration
        int port1 = awaitReady(node1, "node1");
        int port2 = awaitReady(node2, "node2");

        ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
        AtomicInteger answerLost = new AtomicInteger();
        AtomicInteger notSent = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> writers = new ArrayList<>();
        try (KmipClient kmip = KmipClient.builder().servers("127.0.0.1:" + port1, "127.0.0.1:" + port2)
                .tls(ClientTls.fromDirectory(pki)).serverSelection(ServerSelection.ROUND_ROBIN)
                .requestTimeout(Duration.ofSeconds(15)).build()) {
            for (int t = 0; t < THREADS; t++) {
                Thread w = new Thread(() -> {
                    while (!stop.get()) {
                        String uid;
                        try {
                            uid = kmip.create(SymmetricKeySpec.aes(256));
                        } catch (KmipTransportException e) {
                            // Create is not idempotent: the client does not repeat it; the load goes on
                            (e.mayHaveExecuted() ? answerLost : notSent).incrementAndGet();
                            continue;
                        } catch (KmipClientException | RuntimeException e) {
                            unexpected.add(e);
                            return;
                        }
                        acknowledged.add(uid);
                        try {
                            kmip.get(uid); // read-only: repeated on the other node if its connection breaks
                        } catch (Exception e) {
                            unexpected.add(e);
                            return;
                        }
                    }
                }, "create-load-" + t);
                w.start();
                writers.add(w);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            await(() -> acknowledged.size() >= BEFORE_KILL || !unexpected.isEmpty(), deadline);
            assertThat(unexpected).isEmpty();

            node1.destroyForcibly(); // SIGKILL to the server's own JVM
            assertThat(node1.waitFor(30, TimeUnit.SECONDS)).isTrue();
            int atKill = acknowledged.size();
            await(() -> acknowledged.size() >= atKill + AFTER_KILL || !unexpected.isEmpty(), deadline);
            stop.set(true);
            for (Thread w : writers) {
                w.join(30_000);
                assertThat(w.isAlive()).isFalse();
            }
            assertThat(unexpected).isEmpty();
            assertThat(acknowledged.size()).as("creates acknowledged after the kill")
                    .isGreaterThanOrEqualTo(atKill + AFTER_KILL);
        }

        List<String> acked = new ArrayList<>(acknowledged);
        Set<String> distinct = new HashSet<>(acked);
        assertThat(distinct).as("no identifier acknowledged twice").hasSize(acked.size());
        try (KmipClient onlyNode2 = KmipClient.builder().servers("127.0.0.1:" + port2).tls(ClientTls.fromDirectory(pki))
                .build()) {
            for (String uid : acked) {
                assertThat(onlyNode2.get(uid).uniqueIdentifier()).isEqualTo(uid);
            }
        }
        long stored;
        try (Connection c = admin(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*), count(DISTINCT uid) FROM " + schema + ".managed_object")) {
            r.next();
            stored = r.getLong(1);
            assertThat(r.getLong(2)).isEqualTo(stored);
        }
        assertThat(stored).as("objects stored: the acknowledged ones and at most those whose answer was lost ("
                + answerLost.get() + ")").isBetween((long) acked.size(), (long) acked.size() + answerLost.get());

        node2.destroy(); // SIGTERM: stores the queued audit records of the reads
        assertThat(node2.waitFor(30, TimeUnit.SECONDS)).isTrue();
        CliRun verify = CliRun.run("", "audit", "verify", "--config", config.toString());
        assertThat(verify.exitCode()).as(verify.stderr()).isZero();
        assertThat(verify.stdout()).contains("verified ");
        System.out.printf("cluster node kill: %d acknowledged (%d before the kill), %d stored, %d answers lost,"
                + " %d creates not sent%n", acked.size(), BEFORE_KILL, stored, answerLost.get(), notSent.get());
    }

    private Process serve(Path config, String name) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), KeyholdCommand.class.getName(),
                "serve", "--config", config.toString())
                .redirectError(dir.resolve(name + ".stderr.txt").toFile()).start();
        nodes.add(p);
        return p;
    }

    /** The KMIP port of the ready line; the rest of the output is drained so that the process never blocks on it. */
    private int awaitReady(Process p, String name) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            Matcher m = READY.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // discard
                        }
                    } catch (java.io.IOException ignored) {
                        // the process ended
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError(name + " ended before it was ready: " + Files.readString(
                dir.resolve(name + ".stderr.txt")));
    }

    private static void await(java.util.function.BooleanSupplier condition, long deadlineNanos)
            throws InterruptedException {
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadlineNanos >= 0) {
                throw new AssertionError("the load did not reach its count in time");
            }
            Thread.sleep(10);
        }
    }

    private static Connection admin() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(URL, p);
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
