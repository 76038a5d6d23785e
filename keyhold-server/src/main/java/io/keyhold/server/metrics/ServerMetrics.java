package io.keyhold.server.metrics;

import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.server.dispatch.DispatchObserver;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.sql.SqlObjectStore;
import io.keyhold.server.transport.ConnectionObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The server's metrics, in the Prometheus text format that {@code GET /metrics} serves ({@link #scrape()}):
 *
 * <ul>
 *   <li>{@code keyhold_kmip_requests_total{operation,result}}: KMIP batch items answered, by Operation (its
 *       name in the specification, such as {@code Get} or {@code Create Key Pair}; {@code unknown} for a value
 *       that is no operation) and result: {@code success}, {@code pending} (an item of an asynchronous
 *       request, counted again with its outcome once it has run), {@code undone}, or for a failure its
 *       Result Reason in lower case ({@code item_not_found}, {@code permission_denied}...);
 *   <li>{@code keyhold_kmip_request_seconds{operation}}: the time to answer a batch item (count, sum, max);
 *   <li>{@code keyhold_kmip_messages_refused_total{reason}}: request messages refused as a whole;
 *   <li>{@code keyhold_kmip_messages_total{transport}} and {@code keyhold_kmip_message_seconds{transport}}:
 *       request messages answered and the time the request processor took for them ({@code transport="tls"}
 *       for the KMIP listener);
 *   <li>{@code keyhold_kmip_connections_open}, {@code keyhold_kmip_connections_total},
 *       {@code keyhold_kmip_connections_refused_total}, {@code keyhold_kmip_tls_handshake_failures_total};
 *   <li>the store's group commit (SQLite or PostgreSQL), which stands where a database connection pool would:
 *       {@code keyhold_store_commits_total}, {@code keyhold_store_write_transactions_total} (their rates'
 *       ratio is the transactions per commit), {@code keyhold_store_commit_seconds} (count and sum, BEGIN to
 *       COMMIT), {@code keyhold_store_commit_failures_total}, {@code keyhold_store_retries_total} (groups run
 *       again after a lost connection), {@code keyhold_store_largest_group}, the PostgreSQL pools
 *       ({@code hikaricp_connections_active|idle|pending|...{pool="keyhold-writer|keyhold-readers"}}) and the
 *       queues' depths {@code keyhold_store_write_queue} and {@code keyhold_store_audit_queue};
 *   <li>the JVM's memory, garbage collection, threads, classes, processor, open files and uptime
 *       ({@code jvm_*}, {@code process_*}, {@code system_*});
 *   <li>{@code keyhold_build_info{version}}, always 1.
 * </ul>
 *
 * <p>Each counter and timer is registered once, on first use, and found again by array index: recording a
 * request costs a few atomic operations. Thread-safe.
 */
public final class ServerMetrics implements AutoCloseable {
    /** The media type of {@link #scrape()}'s text. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** The {@code transport} of the KMIP listener's messages. */
    public static final String TLS_TRANSPORT = "tls";

    private static final Operation[] OPERATIONS = Operation.values();
    private static final ResultReason[] REASONS = ResultReason.values();
    /** Result slots per operation: success, pending, undone, failed without reason, then one per reason. */
    private static final int RESULTS = 4 + REASONS.length;

    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gc;
    private final AtomicReferenceArray<Counter> requests = new AtomicReferenceArray<>((OPERATIONS.length + 1) * RESULTS);
    private final AtomicReferenceArray<Timer> latencies = new AtomicReferenceArray<>(OPERATIONS.length + 1);
    private final AtomicReferenceArray<Counter> refusals = new AtomicReferenceArray<>(REASONS.length);
    private final AtomicInteger openConnections = new AtomicInteger();
    private final Counter connections;
    private final Counter refusedConnections;
    private final Counter handshakeFailures;
    private final Counter tlsMessages;
    private final Timer tlsMessageTime;
    private final Map<String, Transport> otherTransports = new ConcurrentHashMap<>();
    private final DispatchObserver dispatchObserver = new Items();
    private final ConnectionObserver connectionObserver = new Connections();
    private final Map<String, Timer> httpRequests = new ConcurrentHashMap<>();

    private ServerMetrics(String version) {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        this.gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("keyhold.build.info", () -> 1)
                .description("The Keyhold version running, as the label version; the value is always 1")
                .tag("version", version == null ? "unknown" : version)
                .strongReference(true)
                .register(registry);
        Gauge.builder("keyhold.kmip.connections.open", openConnections, AtomicInteger::get)
                .description("KMIP connections open now")
                .strongReference(true)
                .register(registry);
        this.connections = Counter.builder("keyhold.kmip.connections")
                .description("KMIP connections accepted (TCP), refused ones included").register(registry);
        this.refusedConnections = Counter.builder("keyhold.kmip.connections.refused")
                .description("KMIP connections closed by limits.max_connections or limits.max_connections_per_identity")
                .register(registry);
        this.handshakeFailures = Counter.builder("keyhold.kmip.tls.handshake.failures")
                .description("TLS handshakes of the KMIP listener that failed or named a client the server refuses")
                .register(registry);
        this.tlsMessages = messages(TLS_TRANSPORT);
        this.tlsMessageTime = messageTime(TLS_TRANSPORT);
    }

    /** Metrics of a server of this version (the label of {@code keyhold_build_info}), the JVM's included. */
    public static ServerMetrics create(String version) {
        return new ServerMetrics(version);
    }

    /** The registry, for a part of the server that registers meters of its own. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Every metric now, in the Prometheus text format ({@link #CONTENT_TYPE}). */
    public String scrape() {
        return registry.scrape();
    }

    /** What the KMIP dispatcher reports to ({@code KmipDispatcher.observer(...)}). */
    public DispatchObserver dispatchObserver() {
        return dispatchObserver;
    }

    /** What the KMIP listener reports to (its connections and {@code transport="tls"} messages). */
    public ConnectionObserver connectionObserver() {
        return connectionObserver;
    }

    /**
     * What the HTTPS listener reports to: {@code keyhold_http_request_seconds{method,route,status}}, labelled by
     * the route's pattern so that identifiers never become labels.
     */
    public io.keyhold.server.http.HttpObserver httpObserver() {
        return (method, route, status, nanos) -> httpRequests.computeIfAbsent(method + ' ' + route + ' ' + status,
                key -> Timer.builder("keyhold.http.request")
                        .description("HTTPS requests answered, by method, route pattern and status")
                        .tag("method", method).tag("route", route).tag("status", Integer.toString(status))
                        .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Counts one request message answered over another transport (such as {@code "https"}); the KMIP
     * listener's are counted through {@link #connectionObserver()}.
     */
    public void messageDone(String transport, long nanos) {
        if (TLS_TRANSPORT.equals(transport)) {
            connectionObserver.messageDone(nanos);
            return;
        }
        Transport t = otherTransports.computeIfAbsent(transport, name -> new Transport(messages(name), messageTime(name)));
        t.messages().increment();
        t.time().record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Adds the store's write statistics: for the SQL store its group commit counters and queue depths
     * (read when scraped); other stores have none.
     */
    public void watch(ObjectStore store) {
        if (!(store instanceof SqlObjectStore sql)) {
            return;
        }
        FunctionCounter.builder("keyhold.store.commits", sql, s -> s.stats().commits())
                .description("Group transactions committed by the SQLite writer, each one sync").register(registry);
        FunctionCounter.builder("keyhold.store.write.transactions", sql, s -> s.stats().transactions())
                .description("Write transactions run by the SQLite writer (committed or rolled back alone)")
                .register(registry);
        FunctionCounter.builder("keyhold.store.commit.failures", sql, SqlObjectStore::failedCommits)
                .description("Group transactions whose commit failed").register(registry);
        sql.reportPoolsTo(registry);
        FunctionCounter.builder("keyhold.store.retries", sql, SqlObjectStore::retriedGroups)
                .description("Group transactions run again after a lost connection or a serialization failure")
                .register(registry);
        FunctionTimer.builder("keyhold.store.commit", sql, s -> s.stats().commits(),
                        SqlObjectStore::commitNanos, TimeUnit.NANOSECONDS)
                .description("Time of the committed group transactions, BEGIN to COMMIT").register(registry);
        Gauge.builder("keyhold.store.largest.group", sql, s -> s.stats().largestGroup())
                .description("Most write transactions in one commit since start").register(registry);
        Gauge.builder("keyhold.store.write.queue", sql, SqlObjectStore::queuedWrites)
                .description("Write transactions waiting for the SQLite writer").register(registry);
        Gauge.builder("keyhold.store.audit.queue", sql, SqlObjectStore::queuedAuditRecords)
                .description("Audit records queued for the SQLite writer and not yet committed").register(registry);
    }

    /** Stops watching the JVM's garbage collections and closes the registry. */
    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    private Counter messages(String transport) {
        return Counter.builder("keyhold.kmip.messages").description("KMIP request messages answered")
                .tag("transport", transport).register(registry);
    }

    private Timer messageTime(String transport) {
        return Timer.builder("keyhold.kmip.message").description("Time to process a KMIP request message")
                .tag("transport", transport).register(registry);
    }

    private static String operationName(Operation operation) {
        return operation == null ? "unknown" : operation.specName();
    }

    /** The result label of a slot (see {@link #RESULTS}). */
    private static String resultName(int slot) {
        return switch (slot) {
            case 0 -> "success";
            case 1 -> "pending";
            case 2 -> "undone";
            case 3 -> "operation_failed";
            default -> REASONS[slot - 4].name().toLowerCase(Locale.ROOT);
        };
    }

    private static int slot(ResultStatus status, ResultReason reason) {
        return switch (status) {
            case SUCCESS -> 0;
            case OPERATION_PENDING -> 1;
            case OPERATION_UNDONE -> 2;
            case OPERATION_FAILED -> reason == null ? 3 : 4 + reason.ordinal();
        };
    }

    private record Transport(Counter messages, Timer time) {
    }

    /** The dispatcher's items and refused messages. */
    private final class Items implements DispatchObserver {
        @Override
        public void itemDone(Operation operation, ResultStatus status, ResultReason reason, long nanos) {
            int op = operation == null ? OPERATIONS.length : operation.ordinal();
            int index = op * RESULTS + slot(status, reason);
            Counter counter = requests.get(index);
            if (counter == null) {
                counter = Counter.builder("keyhold.kmip.requests")
                        .description("KMIP batch items answered, by operation and result")
                        .tag("operation", operationName(operation))
                        .tag("result", resultName(index % RESULTS))
                        .register(registry); // the registry gives every racer the same counter
                requests.set(index, counter);
            }
            counter.increment();
            if (status == ResultStatus.OPERATION_PENDING) {
                return; // its time is taken when it has run
            }
            Timer timer = latencies.get(op);
            if (timer == null) {
                timer = Timer.builder("keyhold.kmip.request")
                        .description("Time to answer a KMIP batch item, its audit record included")
                        .tag("operation", operationName(operation))
                        .register(registry);
                latencies.set(op, timer);
            }
            timer.record(nanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void messageRefused(ResultReason reason) {
            if (reason == null) {
                return;
            }
            Counter counter = refusals.get(reason.ordinal());
            if (counter == null) {
                counter = Counter.builder("keyhold.kmip.messages.refused")
                        .description("KMIP request messages refused as a whole, no batch item run")
                        .tag("reason", reason.name().toLowerCase(Locale.ROOT))
                        .register(registry);
                refusals.set(reason.ordinal(), counter);
            }
            counter.increment();
        }
    }

    /** The KMIP listener's connections and messages. */
    private final class Connections implements ConnectionObserver {
        @Override
        public void connectionOpened() {
            openConnections.incrementAndGet();
            connections.increment();
        }

        @Override
        public void connectionClosed() {
            openConnections.decrementAndGet();
        }

        @Override
        public void connectionRefused() {
            refusedConnections.increment();
        }

        @Override
        public void handshakeFailed() {
            handshakeFailures.increment();
        }

        @Override
        public void messageDone(long nanos) {
            tlsMessages.increment();
            tlsMessageTime.record(nanos, TimeUnit.NANOSECONDS);
        }
    }
}
