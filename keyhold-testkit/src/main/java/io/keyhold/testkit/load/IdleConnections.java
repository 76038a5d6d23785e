package io.keyhold.testkit.load;

import io.keyhold.protocol.ttlv.CodecException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code --op idle}: opens N mutually authenticated TLS connections to one server, proves each with one
 * Discover Versions (Query for KMIP 1.0), holds them all open and idle for the duration, then sends one more
 * Discover Versions on each to count how many the server kept, and closes them. While they are held, the
 * server's memory can be sampled from outside (benchmarks/connections.sh reads /proc/PID/status).
 *
 * <p>Idle connections are plain blocking {@code SSLSocket}s that no thread reads: a socket that is not
 * being read needs no thread, so the client holds 10,000 connections with only {@value #MAX_OPENERS}
 * threads, which open and check them in parallel.
 */
final class IdleConnections {
    /** Threads that open (and at the end check) the connections in parallel. */
    static final int MAX_OPENERS = 8;
    /** The line on standard error that says all connections are open and being held (scripts wait for it). */
    static final String HOLDING = "holding ";

    private IdleConnections() {}

    /** What a run found; {@code openNanos} holds the sorted open latencies (handshake and first request). */
    record Result(int opened, int failed, double openSeconds, int answeredAfterHold, long[] openNanos,
                  String tlsProtocol, String cipherSuite, String firstError) {}

    /** Runs with the given connections; prints the report on {@code out} and progress and errors on {@code err}. */
    static int run(LoadOptions o, LoadConnection.Connector connector, boolean json, PrintWriter out, PrintWriter err) {
        byte[] probe = KmipRequests.discoverVersions(o.kmipVersion());
        int n = o.connections();
        LoadConnection[] connections = new LoadConnection[n];
        long[] latencies = new long[n];
        AtomicInteger next = new AtomicInteger();
        List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        int threads = Math.min(n, MAX_OPENERS);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(null, r, "kmip-idle-opener", 256 * 1024);
            t.setDaemon(true);
            return t;
        });
        try {
            long start = System.nanoTime();
            inParallel(pool, threads, () -> {
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    long t0 = System.nanoTime();
                    try {
                        LoadConnection c = connector.open();
                        connections[i] = c;
                        Optional<String> failure = KmipRequests.failure(c.call(probe));
                        if (failure.isPresent()) {
                            errors.add("connection " + (i + 1) + ": " + failure.get());
                            c.close();
                            connections[i] = null;
                            continue;
                        }
                        latencies[i] = System.nanoTime() - t0;
                    } catch (IOException | CodecException | RuntimeException e) {
                        errors.add("connection " + (i + 1) + ": " + KmipLoad.describe(e));
                        if (connections[i] != null) {
                            connections[i].close();
                            connections[i] = null;
                        }
                    }
                }
            });
            double openSeconds = (System.nanoTime() - start) / 1e9;
            int opened = 0;
            String protocol = "none";
            String suite = "none";
            for (LoadConnection c : connections) {
                if (c != null) {
                    if (opened++ == 0) {
                        protocol = c.protocol();
                        suite = c.cipherSuite();
                    }
                }
            }
            err.println(HOLDING + opened + " connections for " + o.durationSeconds() + " s");
            err.flush();
            try {
                Thread.sleep(o.durationSeconds() * 1000L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            AtomicInteger answered = new AtomicInteger();
            next.set(0);
            inParallel(pool, threads, () -> {
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    if (connections[i] == null) {
                        continue;
                    }
                    try {
                        Optional<String> failure = KmipRequests.failure(connections[i].call(probe));
                        if (failure.isEmpty()) {
                            answered.incrementAndGet();
                        } else {
                            errors.add("connection " + (i + 1) + " after the hold: " + failure.get());
                        }
                    } catch (IOException | CodecException | RuntimeException e) {
                        errors.add("connection " + (i + 1) + " after the hold: " + KmipLoad.describe(e));
                    }
                }
            });
            long[] sorted = new long[opened];
            int k = 0;
            for (int i = 0; i < n; i++) {
                if (connections[i] != null) {
                    sorted[k++] = latencies[i];
                }
            }
            java.util.Arrays.sort(sorted);
            Result r = new Result(opened, n - opened, openSeconds, answered.get(), sorted, protocol, suite,
                    errors.isEmpty() ? null : errors.get(0));
            out.println(json ? json(o, r) : text(o, r));
            if (r.firstError() != null) {
                err.println("first error: " + r.firstError());
            }
            int exit = KmipLoad.EXIT_OK;
            if (r.failed() > 0 || r.answeredAfterHold() < r.opened()) {
                err.println("error: " + r.failed() + " of " + n + " connections failed to open, "
                        + (r.opened() - r.answeredAfterHold()) + " of " + r.opened() + " did not answer after the hold");
                exit = KmipLoad.EXIT_FAILED;
            }
            return exit;
        } finally {
            pool.shutdownNow();
            for (LoadConnection c : connections) {
                if (c != null) {
                    c.close();
                }
            }
            out.flush();
            err.flush();
        }
    }

    private static void inParallel(ExecutorService pool, int threads, Runnable task) {
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            running.add(pool.submit(task));
        }
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    static String text(LoadOptions o, Result r) {
        long[] s = r.openNanos();
        return String.format(Locale.ROOT,
                "KMIP idle connections: %d of %d opened in %.3f s (%.1f connections/s), held %d s, %d answered after the"
                        + " hold, KMIP %s, %s %s, %s:%d%n"
                        + "%-32s latency ms: p50 %s  p90 %s  p99 %s  p99.9 %s  max %s",
                r.opened(), o.connections(), r.openSeconds(), rate(r), o.durationSeconds(), r.answeredAfterHold(),
                o.kmipVersion(), r.tlsProtocol(), r.cipherSuite(), o.host(), o.port(),
                "open (handshake + first request)", ms(s, 0.50), ms(s, 0.90), ms(s, 0.99), ms(s, 0.999), ms(s, 1.0));
    }

    static String json(LoadOptions o, Result r) {
        long[] s = r.openNanos();
        return String.format(Locale.ROOT,
                "{\"host\":\"%s\",\"port\":%d,\"op\":\"idle\",\"connections\":%d,\"durationSeconds\":%d,"
                        + "\"kmipVersion\":\"%s\",\"tlsProtocol\":\"%s\",\"cipherSuite\":\"%s\",\"opened\":%d,\"failed\":%d,"
                        + "\"openSeconds\":%.3f,\"connectionsPerSecond\":%.2f,\"answeredAfterHold\":%d,"
                        + "\"openLatencyMs\":{\"p50\":%s,\"p90\":%s,\"p99\":%s,\"p999\":%s,\"max\":%s}}",
                LoadReport.escape(o.host()), o.port(), o.connections(), o.durationSeconds(), o.kmipVersion(),
                LoadReport.escape(r.tlsProtocol()), LoadReport.escape(r.cipherSuite()), r.opened(), r.failed(),
                r.openSeconds(), rate(r), r.answeredAfterHold(), num(s, 0.50), num(s, 0.90), num(s, 0.99),
                num(s, 0.999), num(s, 1.0));
    }

    private static double rate(Result r) {
        return r.openSeconds() > 0 ? r.opened() / r.openSeconds() : 0.0;
    }

    private static String ms(long[] sorted, double q) {
        double v = LatencyRecorder.percentileMillis(sorted, q);
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String num(long[] sorted, double q) {
        double v = LatencyRecorder.percentileMillis(sorted, q);
        return Double.isNaN(v) ? "null" : String.format(Locale.ROOT, "%.3f", v);
    }
}
