package io.keyhold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keyhold bench} through a TCP proxy that breaks the measured connections on purpose, one second after
 * it accepted them: a request left unanswered times out and counts as an error, a connection closed under
 * the load tool is replaced, and a run whose connections cannot be replaced reports them lost and exits 1.
 * The first connection the proxy accepts is the setup's, which it leaves alone.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BenchFaultsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

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

    private static CliRun bench(FaultyProxy proxy) {
        return CliRun.run("", "bench", "--server", "127.0.0.1:" + proxy.port(), "--certs", dir.toString(),
                "--op", "get", "--connections", "2", "--duration", "3", "--warmup", "0", "--timeout-ms", "300",
                "--json");
    }

    @Test
    void unansweredRequests_timeOut_countAsErrors_andTheirConnectionsAreReplaced() throws Exception {
        try (FaultyProxy proxy = new FaultyProxy(FaultyProxy.Fault.STALL)) {
            CliRun run = bench(proxy);

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
        try (FaultyProxy proxy = new FaultyProxy(FaultyProxy.Fault.CLOSE)) {
            CliRun run = bench(proxy);

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
        try (FaultyProxy proxy = new FaultyProxy(FaultyProxy.Fault.CLOSE_AND_REFUSE)) {
            CliRun run = bench(proxy);

            assertThat(run.exitCode()).as(run.stderr()).isEqualTo(1);
            JsonNode r = JSON.readTree(run.stdout());
            assertThat(r.get("lostConnections").asInt()).isEqualTo(2);
            assertThat(run.stderr()).contains("error: 2 of 2 connections were lost during the run");
            assertThat(proxy.accepted()).isEqualTo(3);
        }
    }

    /**
     * Forwards TCP to the dev server, a thread per direction. From its second accepted connection on, one second
     * after accepting each of the next two, it applies its fault: STALL stops passing the server's bytes to the
     * client (the client's still reach the server); CLOSE closes both sides; CLOSE_AND_REFUSE also stops
     * listening first, so no new connection can be made.
     */
    static final class FaultyProxy implements AutoCloseable {
        enum Fault { STALL, CLOSE, CLOSE_AND_REFUSE }

        private final Fault fault;
        private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final AtomicInteger accepted = new AtomicInteger();
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        FaultyProxy(Fault fault) throws IOException {
            this.fault = fault;
            daemon(this::accept);
        }

        int port() {
            return listener.getLocalPort();
        }

        int accepted() {
            return accepted.get();
        }

        private void accept() {
            try {
                while (true) {
                    Socket client = listener.accept();
                    int n = accepted.incrementAndGet();
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), port);
                    sockets.add(client);
                    sockets.add(upstream);
                    boolean faulty = n == 2 || n == 3;
                    long faultAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                    daemon(() -> pump(client, upstream, false, faultAt));
                    daemon(() -> pump(upstream, client, faulty && fault == Fault.STALL, faultAt));
                    if (faulty && fault != Fault.STALL) {
                        daemon(() -> {
                            sleepUntil(faultAt);
                            if (fault == Fault.CLOSE_AND_REFUSE) {
                                closeQuietly(listener);
                            }
                            closeQuietly(client);
                            closeQuietly(upstream);
                        });
                    }
                }
            } catch (IOException e) {
                // the listener was closed
            }
        }

        /** Copies {@code from} to {@code to}; once {@code stallAt} has passed, if {@code stall}, reads and drops. */
        private static void pump(Socket from, Socket to, boolean stall, long stallAt) {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (!(stall && System.nanoTime() >= stallAt)) {
                        out.write(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                // either side closed
            } finally {
                closeQuietly(to);
            }
        }

        private static void sleepUntil(long nanoTime) {
            try {
                TimeUnit.NANOSECONDS.sleep(Math.max(0, nanoTime - System.nanoTime()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static void daemon(Runnable r) {
            Thread t = new Thread(r, "faulty-proxy");
            t.setDaemon(true);
            t.start();
        }

        private static void closeQuietly(AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // already closed
            }
        }

        @Override
        public void close() {
            closeQuietly(listener);
            sockets.forEach(FaultyProxy::closeQuietly);
        }
    }
}
