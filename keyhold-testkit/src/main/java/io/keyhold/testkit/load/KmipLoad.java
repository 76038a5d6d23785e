package io.keyhold.testkit.load;

import io.keyhold.protocol.ttlv.CodecException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * Closed-loop KMIP load generator: N connections, one thread each, each sending one request and waiting
 * for its response before the next. {@code get} creates one AES-256 key and then Gets it over and over;
 * {@code create} Creates AES-256 keys; {@code encrypt} creates and activates one AES-256 key and Encrypts
 * 1 KiB with it (GCM or CBC, a fresh client IV per request); {@code sign-ecdsa} and {@code sign-rsa}
 * create and activate an EC P-256 or RSA-2048 key pair and Sign 64 bytes with its private key. Every
 * response's Result Status is checked; failures count as errors. After a warm-up, it measures for a fixed
 * time and reports throughput and latency percentiles (as text or one JSON object). Exit status: 0 when
 * the run completed, 1 when a connection could not be made or a connection was lost for good, 2 for bad
 * arguments, 3 when the server refused the setup or the first request (the operation or algorithm is not
 * supported there).
 *
 * <p>Run: {@code java -cp keyhold-benchmarks/target/benchmarks.jar io.keyhold.testkit.load.KmipLoad --help}
 */
public final class KmipLoad {
    private KmipLoad() {}

    public static void main(String[] args) {
        LoadOptions o;
        try {
            o = LoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("error: " + e.getMessage());
            }
            System.err.println(LoadOptions.USAGE);
            System.exit(e.getMessage().isEmpty() ? 0 : 2);
            return;
        }
        System.exit(run(o));
    }

    static int run(LoadOptions o) {
        if (TlsSetup.allowStaticRsa(o.cipherSuite())) {
            System.err.println("note: re-enabled TLS_RSA_* cipher suites (disabled by this JDK) for " + o.cipherSuite());
        }
        String target = o.host() + ":" + o.port();
        SSLContext ctx;
        try {
            ctx = TlsSetup.context(o);
        } catch (IOException | GeneralSecurityException e) {
            System.err.println("error: TLS setup failed: " + e.getMessage());
            return 1;
        }
        if (o.cipherSuite() != null && !List.of(ctx.getSupportedSSLParameters().getCipherSuites()).contains(o.cipherSuite())) {
            System.err.println("error: cipher suite " + o.cipherSuite() + " is not supported by this JDK");
            return 1;
        }

        List<KmipConnection> connections = new ArrayList<>();
        try {
            Workloads.Workload workload;
            try (KmipConnection setup = KmipConnection.open(ctx, o)) {
                StringBuilder notes = new StringBuilder();
                try {
                    workload = Workloads.prepare(o, setup, notes);
                } catch (Workloads.SetupFailure e) {
                    System.err.print(notes);
                    System.err.println("error: " + target + ": " + e.getMessage());
                    return e.exitCode;
                }
                System.err.print(notes);
            }
            for (int i = 0; i < o.connections(); i++) {
                connections.add(KmipConnection.open(ctx, o));
            }
            return measure(o, connections, workload);
        } catch (IOException | CodecException | RuntimeException e) {
            System.err.println("error: cannot talk KMIP to " + target + ": " + describe(e));
            return 1;
        } finally {
            connections.forEach(KmipConnection::close);
        }
    }

    private static int measure(LoadOptions o, List<KmipConnection> connections, Workloads.Workload workload) {
        SSLSession session = connections.get(0).session();
        long start = System.nanoTime();
        long measureStart = start + o.warmupSeconds() * 1_000_000_000L;
        long measureEnd = measureStart + o.durationSeconds() * 1_000_000_000L;
        List<Worker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connections.size(); i++) {
            Worker w = new Worker(o, connections.get(i), workload.forConnection(i), measureStart, measureEnd);
            workers.add(w);
            Thread t = new Thread(w, "kmip-load-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        long joinDeadline = measureEnd + (o.timeoutMillis() + 5_000L) * 1_000_000L;
        for (Thread t : threads) {
            long left = (joinDeadline - System.nanoTime()) / 1_000_000L;
            try {
                t.join(Math.max(1, left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }

        List<LatencyRecorder> recorders = new ArrayList<>();
        long errors = 0;
        int lost = 0;
        String firstError = null;
        for (Worker w : workers) {
            recorders.add(w.latencies);
            errors += w.errors;
            if (w.lost) {
                lost++;
            }
            if (firstError == null) {
                firstError = w.firstError;
            }
        }
        for (Thread t : threads) {
            if (t.isAlive()) {
                lost++;
                firstError = firstError == null ? "a connection did not finish its last request in time" : firstError;
            }
        }
        long[] sorted = LatencyRecorder.mergeSorted(recorders);
        Report r = new Report(o, workload.algorithm(), session.getProtocol(), session.getCipherSuite(), sorted, errors, lost);
        System.out.println(o.json() ? r.json() : r.text());
        if (firstError != null) {
            System.err.println("first error: " + firstError);
        }
        if (lost > 0) {
            System.err.println("error: " + lost + " of " + connections.size() + " connections were lost during the run");
            return 1;
        }
        return 0;
    }

    static String describe(Throwable e) {
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof UnknownHostException) {
            return "unknown host " + e.getMessage();
        }
        if (e instanceof SocketTimeoutException) {
            return "timed out";
        }
        if (e instanceof SSLException) {
            return "TLS handshake or record failure: " + e.getMessage();
        }
        if (e instanceof java.io.EOFException) {
            return "the server closed the connection";
        }
        if (e instanceof CodecException) {
            return "malformed response: " + e.getMessage();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** One connection's loop. Fields are read by the main thread after join. */
    private static final class Worker implements Runnable {
        final LoadOptions o;
        final Workloads.RequestSource requests;
        final long measureStart;
        final long measureEnd;
        final LatencyRecorder latencies = new LatencyRecorder();
        KmipConnection connection;
        long errors;
        boolean lost;
        String firstError;

        Worker(LoadOptions o, KmipConnection connection, Workloads.RequestSource requests, long measureStart,
               long measureEnd) {
            this.o = o;
            this.connection = connection;
            this.requests = requests;
            this.measureStart = measureStart;
            this.measureEnd = measureEnd;
        }

        @Override
        public void run() {
            SSLContext ctx = null;
            while (System.nanoTime() < measureEnd) {
                byte[] request = requests.next();
                long t0 = System.nanoTime();
                Optional<String> failure;
                boolean broken = false;
                try {
                    failure = KmipRequests.failure(connection.call(request));
                } catch (IOException | CodecException | RuntimeException e) {
                    failure = Optional.of(describe(e));
                    broken = true;
                }
                long t1 = System.nanoTime();
                boolean inWindow = t1 >= measureStart && t1 < measureEnd;
                if (failure.isEmpty()) {
                    if (inWindow) {
                        latencies.record(t1 - t0);
                    }
                } else {
                    if (inWindow) {
                        errors++;
                    }
                    if (firstError == null) {
                        firstError = failure.get();
                    }
                }
                if (broken) {
                    connection.close();
                    try {
                        if (ctx == null) {
                            ctx = TlsSetup.context(o);
                        }
                        connection = KmipConnection.open(ctx, o);
                    } catch (IOException | GeneralSecurityException | RuntimeException e) {
                        lost = true;
                        return;
                    }
                }
            }
        }
    }

    /** The numbers of one run, as text or JSON. */
    private record Report(LoadOptions o, String algorithm, String protocol, String cipherSuite, long[] sorted, long errors, int lost) {
        double opsPerSecond() {
            return sorted.length / (double) o.durationSeconds();
        }

        double p(double q) {
            return LatencyRecorder.percentileMillis(sorted, q);
        }

        String text() {
            return String.format(Locale.ROOT,
                    "KMIP load: %s (%s), %d connection%s, %d s measured after %d s warm-up, KMIP %s, %s %s, %s:%d%n"
                            + "ops: %d  ops/s: %.1f  errors: %d%s%n"
                            + "latency ms: p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f",
                    o.op().cliName, algorithm, o.connections(), o.connections() == 1 ? "" : "s",
                    o.durationSeconds(), o.warmupSeconds(), o.kmipVersion(), protocol, cipherSuite, o.host(), o.port(),
                    sorted.length, opsPerSecond(), errors, lost > 0 ? "  lost connections: " + lost : "",
                    p(0.50), p(0.90), p(0.99), p(0.999), p(1.0));
        }

        String json() {
            return String.format(Locale.ROOT,
                    "{\"host\":\"%s\",\"port\":%d,\"op\":\"%s\",\"algorithm\":\"%s\",\"connections\":%d,\"durationSeconds\":%d,"
                            + "\"warmupSeconds\":%d,\"kmipVersion\":\"%s\",\"tlsProtocol\":\"%s\",\"cipherSuite\":\"%s\","
                            + "\"ops\":%d,\"opsPerSecond\":%.2f,\"errors\":%d,\"lostConnections\":%d,"
                            + "\"latencyMs\":{\"p50\":%s,\"p90\":%s,\"p99\":%s,\"p999\":%s,\"max\":%s}}",
                    jsonEscape(o.host()), o.port(), o.op().cliName, algorithm, o.connections(),
                    o.durationSeconds(), o.warmupSeconds(), o.kmipVersion(), jsonEscape(protocol), jsonEscape(cipherSuite),
                    sorted.length, opsPerSecond(), errors, lost,
                    num(p(0.50)), num(p(0.90)), num(p(0.99)), num(p(0.999)), num(p(1.0)));
        }

        private static String num(double v) {
            return Double.isNaN(v) ? "null" : String.format(Locale.ROOT, "%.3f", v);
        }

        private static String jsonEscape(String s) {
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
}
