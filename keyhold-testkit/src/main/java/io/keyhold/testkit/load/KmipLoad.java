package io.keyhold.testkit.load;

import io.keyhold.protocol.ttlv.CodecException;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * Closed-loop KMIP load generator: N connections, each sending one request and waiting for its response
 * before the next, driven from event loops ({@link EventLoopLoad}); the handshake runs, whose connections
 * are opened per request, and runs over other {@link LoadConnection}s take a thread per connection. The
 * operations ({@link LoadOperation}) are prepared on one setup connection first (keys created and
 * activated, one probe request each). Every response's Result Status is checked; failures count as errors.
 * After a warm-up, it measures for a fixed time or a fixed number of requests in total and reports
 * throughput and latency percentiles, per operation for a mix, and the load tool's own processor time.
 *
 * <p>Exit status: {@value #EXIT_OK} when the run completed (errors are reported, not fatal),
 * {@value #EXIT_FAILED} when a connection or the TLS setup failed or a connection was lost for good,
 * {@value #EXIT_USAGE} for bad arguments (the caller's), {@value #EXIT_UNSUPPORTED} when the server refused
 * the setup or the first request (the operation or algorithm is not supported there).
 */
public final class KmipLoad {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_UNSUPPORTED = 3;

    private KmipLoad() {}

    /** The result of a run: its exit status and, when it got to measure, the report. */
    record Outcome(int exitCode, LoadReport report) {}

    /**
     * Runs the load over mutual TLS with the options' CA, client certificate and key, prints the report on
     * {@code out} (text, or one JSON object) and notes and errors on {@code err}; returns the exit status.
     */
    public static int run(LoadOptions o, boolean json, PrintWriter out, PrintWriter err) {
        if (TlsSetup.allowStaticRsa(o.cipherSuite())) {
            err.println("note: re-enabled TLS_RSA_* cipher suites (disabled by this JDK) for " + o.cipherSuite());
        }
        TlsSetup.Managers managers;
        SSLContext ctx;
        try {
            managers = TlsSetup.Managers.of(o);
            ctx = managers.newContext();
        } catch (IOException | GeneralSecurityException e) {
            err.println("error: TLS setup failed: " + e.getMessage());
            err.flush();
            return EXIT_FAILED;
        }
        if (o.cipherSuite() != null && !List.of(ctx.getSupportedSSLParameters().getCipherSuites()).contains(o.cipherSuite())) {
            err.println("error: cipher suite " + o.cipherSuite() + " is not supported by this JDK");
            err.flush();
            return EXIT_FAILED;
        }
        LoadConnection.Connector connector = () -> KmipConnection.open(ctx, o);
        LoadOperation only = o.mix().entries().get(0).operation();
        if (only == LoadOperation.IDLE) {
            return IdleConnections.run(o, connector, json, out, err);
        }
        if (only == LoadOperation.HANDSHAKE || only == LoadOperation.RESUME) {
            ConnectionPerRequest.Handshakes handshakes = new ConnectionPerRequest.Handshakes();
            LoadConnection.Connector perRequest = only == LoadOperation.RESUME
                    ? ConnectionPerRequest.resumedHandshakes(managers, o, handshakes)
                    : ConnectionPerRequest.fullHandshakes(managers, o, handshakes);
            return run(o, perRequest, handshakes, json, out, err);
        }
        Outcome outcome = prepareThen(o, connector, workloads -> EventLoopLoad.run(o, ctx, workloads, err), err);
        return print(outcome, json, out, err);
    }

    /**
     * As {@link #run(LoadOptions, boolean, PrintWriter, PrintWriter)} over the given connections, a thread
     * each; {@code handshakes} counts the connector's full and resumed handshakes for the report.
     */
    static int run(LoadOptions o, LoadConnection.Connector connector, ConnectionPerRequest.Handshakes handshakes,
                   boolean json, PrintWriter out, PrintWriter err) {
        return print(execute(o, connector, handshakes, err), json, out, err);
    }

    private static int print(Outcome outcome, boolean json, PrintWriter out, PrintWriter err) {
        if (outcome.report() != null) {
            out.println(json ? outcome.report().json() : outcome.report().text());
        }
        out.flush();
        err.flush();
        return outcome.exitCode();
    }

    /** Prepares, runs and measures; notes and errors go to {@code err}. */
    static Outcome execute(LoadOptions o, LoadConnection.Connector connector, PrintWriter err) {
        return execute(o, connector, null, err);
    }

    /**
     * As above, with the handshake counts of a connector that opens a connection per request (or null): the
     * closed loop on a thread per connection, over the connector's connections.
     */
    static Outcome execute(LoadOptions o, LoadConnection.Connector connector, ConnectionPerRequest.Handshakes handshakes,
                           PrintWriter err) {
        return prepareThen(o, connector, workloads -> onThreads(o, connector, handshakes, workloads, err), err);
    }

    /** The measured part of a run, once its workloads are prepared. */
    @FunctionalInterface
    interface ClosedLoop {
        Outcome measure(List<Workloads.Workload> workloads) throws IOException, CodecException;
    }

    /** Prepares the workloads on one connection of {@code setup}, then runs {@code loop}. */
    static Outcome prepareThen(LoadOptions o, LoadConnection.Connector setup, ClosedLoop loop, PrintWriter err) {
        String target = o.host() + ":" + o.port();
        try {
            List<Workloads.Workload> workloads;
            try (LoadConnection c = setup.open()) {
                StringBuilder notes = new StringBuilder();
                try {
                    workloads = Workloads.prepare(o, c, notes);
                } catch (Workloads.SetupFailure e) {
                    err.print(notes);
                    err.println("error: " + target + ": " + e.getMessage());
                    return new Outcome(e.exitCode, null);
                }
                err.print(notes);
            }
            return loop.measure(workloads);
        } catch (IOException | CodecException | RuntimeException e) {
            err.println("error: cannot talk KMIP to " + target + ": " + describe(e));
            return new Outcome(EXIT_FAILED, null);
        }
    }

    private static Outcome onThreads(LoadOptions o, LoadConnection.Connector connector,
                                     ConnectionPerRequest.Handshakes handshakes, List<Workloads.Workload> workloads,
                                     PrintWriter err) throws IOException {
        List<LoadConnection> connections = new ArrayList<>();
        try {
            for (int i = 0; i < o.connections(); i++) {
                connections.add(connector.open());
            }
            return measure(o, connector, connections, workloads, handshakes, err);
        } finally {
            connections.forEach(LoadConnection::close);
        }
    }

    private static Outcome measure(LoadOptions o, LoadConnection.Connector connector, List<LoadConnection> connections,
                                   List<Workloads.Workload> workloads, ConnectionPerRequest.Handshakes handshakes,
                                   PrintWriter err) {
        String protocol = connections.get(0).protocol();
        String cipherSuite = connections.get(0).cipherSuite();
        long start = System.nanoTime();
        long measureStart = start + o.warmupSeconds() * 1_000_000_000L;
        long measureEnd = o.limitedByRequests() ? Long.MAX_VALUE : measureStart + o.durationSeconds() * 1_000_000_000L;
        RequestBudget budget = o.limitedByRequests() ? RequestBudget.of(o.requestLimit()) : RequestBudget.unlimited();
        List<Worker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connections.size(); i++) {
            Workloads.RequestSource[] sources = new Workloads.RequestSource[workloads.size()];
            for (int k = 0; k < sources.length; k++) {
                sources[k] = workloads.get(k).forConnection(i);
            }
            Worker w = new Worker(o, connector, connections.get(i), sources, o.mix().picker(o.seed(), i), budget,
                    measureStart, measureEnd);
            workers.add(w);
            Thread t = new Thread(w, "kmip-load-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        long joinDeadline = o.limitedByRequests() ? Long.MAX_VALUE
                : measureEnd + (o.timeoutMillis() + 5_000L) * 1_000_000L;
        long cpuAtStart = processCpuNanosAt(measureStart);
        for (Thread t : threads) {
            try {
                if (o.limitedByRequests()) {
                    t.join();
                } else {
                    t.join(Math.max(1, (joinDeadline - System.nanoTime()) / 1_000_000L));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        double cpuSeconds = cpuSecondsSince(cpuAtStart);
        List<ConnectionTally> finished = new ArrayList<>();
        for (int i = 0; i < workers.size(); i++) {
            Worker w = workers.get(i);
            if (threads.get(i).isAlive()) {
                finished.add(null);
                continue;
            }
            if (w.connection != connections.get(i)) {
                w.connection.close(); // a reconnection; the list's connections are closed by the caller
            }
            finished.add(w.tally);
        }
        return report(o, workloads, handshakes, measureStart, protocol, cipherSuite, finished, cpuSeconds, err);
    }

    /**
     * The report of a closed loop from what each connection measured ({@code null} for a connection that did
     * not finish its last request in time) and the load tool's processor time in the measured window (NaN when
     * unknown), with the exit status: {@link #EXIT_FAILED} when a connection was lost.
     */
    static Outcome report(LoadOptions o, List<Workloads.Workload> workloads, ConnectionPerRequest.Handshakes handshakes,
                          long measureStart, String protocol, String cipherSuite, List<ConnectionTally> tallies,
                          double loadToolCpuSeconds, PrintWriter err) {
        int n = workloads.size();
        List<List<LatencyRecorder>> recorders = new ArrayList<>();
        long[] errors = new long[n];
        for (int k = 0; k < n; k++) {
            recorders.add(new ArrayList<>());
        }
        int lost = 0;
        long lastEnd = measureStart;
        String firstError = null;
        for (ConnectionTally t : tallies) {
            if (t == null) {
                lost++;
                firstError = firstError == null ? "a connection did not finish its last request in time" : firstError;
                continue;
            }
            for (int k = 0; k < n; k++) {
                recorders.get(k).add(t.latencies[k]);
                errors[k] += t.errors[k];
            }
            lastEnd = Math.max(lastEnd, t.lastMeasuredEnd);
            if (t.lost) {
                lost++;
            }
            if (firstError == null) {
                firstError = t.firstError;
            }
        }
        double measuredSeconds = o.limitedByRequests() ? (lastEnd - measureStart) / 1e9 : o.durationSeconds();
        List<LoadReport.OperationStats> stats = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            OperationMix.Entry e = o.mix().entries().get(k);
            stats.add(new LoadReport.OperationStats(e.operation(), e.weight(), workloads.get(k).algorithm(),
                    LatencyRecorder.mergeSorted(recorders.get(k)), errors[k]));
        }
        LoadReport report = new LoadReport(o, protocol, cipherSuite, measuredSeconds, stats, lost,
                handshakes == null ? null : new LoadReport.HandshakeCounts(handshakes.full(), handshakes.resumed()),
                loadToolCpuSeconds);
        if (firstError != null) {
            err.println("first error: " + firstError);
        }
        if (lost > 0) {
            err.println("error: " + lost + " of " + tallies.size() + " connections were lost during the run");
            return new Outcome(EXIT_FAILED, report);
        }
        return new Outcome(EXIT_OK, report);
    }

    /**
     * Sleeps until {@link System#nanoTime()} reaches {@code t} (the start of the measured window), then returns
     * this process's processor time in nanoseconds, or -1 where the JVM cannot tell.
     */
    static long processCpuNanosAt(long t) {
        try {
            long wait = t - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return processCpuNanos();
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    /** The processor time taken since {@code cpuAtStart} from {@link #processCpuNanosAt}, in seconds; NaN if unknown. */
    static double cpuSecondsSince(long cpuAtStart) {
        long now = processCpuNanos();
        return cpuAtStart < 0 || now < 0 ? Double.NaN : (now - cpuAtStart) / 1e9;
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

    /** One connection's loop on its own thread; its tally is read by the main thread after join. */
    private static final class Worker implements Runnable {
        final LoadOptions o;
        final LoadConnection.Connector connector;
        final Workloads.RequestSource[] sources;
        final OperationMix.Picker picker;
        final RequestBudget budget;
        final long measureStart;
        final long measureEnd;
        final ConnectionTally tally;
        LoadConnection connection;

        Worker(LoadOptions o, LoadConnection.Connector connector, LoadConnection connection,
               Workloads.RequestSource[] sources, OperationMix.Picker picker, RequestBudget budget, long measureStart,
               long measureEnd) {
            this.o = o;
            this.connector = connector;
            this.connection = connection;
            this.sources = sources;
            this.picker = picker;
            this.budget = budget;
            this.measureStart = measureStart;
            this.measureEnd = measureEnd;
            this.tally = new ConnectionTally(sources.length);
        }

        @Override
        public void run() {
            while (true) {
                long now = System.nanoTime();
                if (now >= measureEnd) {
                    return;
                }
                // with a request limit, a request counts when it starts after the warm-up and got a ticket
                boolean ticket = o.limitedByRequests() && now >= measureStart;
                if (ticket && !budget.tryTake()) {
                    return;
                }
                int k = picker.next();
                byte[] request = sources[k].next();
                long t0 = System.nanoTime();
                Optional<String> failure;
                boolean broken = false;
                try {
                    failure = KmipRequests.failure(connection.call(request));
                } catch (IOException | CodecException | RuntimeException e) {
                    failure = Optional.of(describe(e));
                    broken = true;
                }
                tally.record(o, k, ticket, t0, System.nanoTime(), failure, measureStart, measureEnd);
                if (broken) {
                    connection.close();
                    try {
                        connection = connector.open();
                    } catch (IOException | RuntimeException e) {
                        tally.lost = true;
                        return;
                    }
                }
            }
        }
    }
}
