package io.keyhold.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestHeader;
import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.BatchErrorContinuationOption;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.server.ServerAssembly;
import io.keyhold.server.auth.Identity;
import io.keyhold.server.dispatch.ConnectionSession;
import io.keyhold.server.dispatch.RequestContext;
import io.keyhold.server.security.MasterKeyRing;
import io.keyhold.server.store.sql.SqlObjectStore;
import io.keyhold.server.testing.Payloads;
import io.keyhold.server.testing.TestMasterKeys;
import io.keyhold.server.testing.TestPostgres;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The metrics a server assembly keeps, after requests through its real dispatcher over a SQLite store. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServerMetricsTest {
    private static final KmipVersion V = KmipVersion.V1_4;

    private static List<ResponseBatchItem> send(ServerAssembly.Assembly a, RequestHeader header,
                                                List<RequestBatchItem> items) throws Exception {
        byte[] request = new TtlvEncoder().encode(new RequestMessage(header, items).toTtlv());
        return ResponseMessage.from(new TtlvDecoder().decode(a.processor().process(request, context()))).batchItems();
    }

    private static List<ResponseBatchItem> send(ServerAssembly.Assembly a, RequestBatchItem... items) throws Exception {
        return send(a, RequestHeader.of(V, items.length), List.of(items));
    }

    private static RequestContext context() {
        return new RequestContext(new Identity("client1"), "127.0.0.1:1", new ConnectionSession());
    }

    private static RequestBatchItem item(int id, Operation op, io.keyhold.protocol.ttlv.TtlvItem payload) {
        return new RequestBatchItem(op.value(), null, new byte[] {(byte) id}, payload, null);
    }

    @Test
    void requestsThroughTheDispatcher_areCountedByOperationAndResult_withTheirLatency(@TempDir Path dir)
            throws Exception {
        SqlObjectStore store = SqlObjectStore.open(dir.resolve("k.db"), TestMasterKeys.ephemeral());
        try (ServerAssembly.Assembly a = ServerAssembly.open(store, Clock.systemUTC())) {
            for (int i = 0; i < 2; i++) {
                assertThat(send(a, RequestBatchItem.of(Operation.CREATE, Payloads.createAes(V, 256))).get(0)
                        .resultStatus()).isEqualTo(ResultStatus.SUCCESS.value());
            }
            ResponseBatchItem missing = send(a, RequestBatchItem.of(Operation.GET, Payloads.withUid("no-such-object")))
                    .get(0);
            assertThat(missing.resultReason()).isEqualTo(ResultReason.ITEM_NOT_FOUND.value());
            // an operation value that is no operation: counted, without a label per value sent
            send(a, new RequestBatchItem(0x0000_7FFF, null, null, Payloads.payload(), null));
            // Undo: the Create that ran is undone when the Get after it fails
            RequestHeader undo = new RequestHeader(V, null, null, null, null, null, List.of(), null,
                    BatchErrorContinuationOption.UNDO.value(), null, null, 2);
            List<ResponseBatchItem> undone = send(a, undo, List.of(item(1, Operation.CREATE, Payloads.createAes(V, 128)),
                    item(2, Operation.GET, Payloads.withUid("no-such-object"))));
            assertThat(undone.get(0).resultStatus()).isEqualTo(ResultStatus.OPERATION_UNDONE.value());
            // not a KMIP message at all: refused as a whole
            a.processor().process(new byte[] {1, 2, 3}, context());

            Samples s = new Samples(a.metrics().scrape());
            assertThat(s.value("keyhold_kmip_requests_total", Map.of("operation", "Create", "result", "success")))
                    .isEqualTo(2.0);
            assertThat(s.value("keyhold_kmip_requests_total", Map.of("operation", "Create", "result", "undone")))
                    .isEqualTo(1.0);
            assertThat(s.value("keyhold_kmip_requests_total", Map.of("operation", "Get", "result", "item_not_found")))
                    .isEqualTo(2.0);
            assertThat(s.value("keyhold_kmip_requests_total",
                    Map.of("operation", "unknown", "result", "operation_not_supported"))).isEqualTo(1.0);
            assertThat(s.find("keyhold_kmip_requests_total", Map.of("operation", "Get", "result", "success"))).isEmpty();
            assertThat(s.value("keyhold_kmip_messages_refused_total", Map.of("reason", "invalid_message")))
                    .isEqualTo(1.0);

            assertThat(s.value("keyhold_kmip_request_seconds_count", Map.of("operation", "Create"))).isEqualTo(3.0);
            assertThat(s.value("keyhold_kmip_request_seconds_sum", Map.of("operation", "Create"))).isPositive();
            assertThat(s.value("keyhold_kmip_request_seconds_max", Map.of("operation", "Create"))).isPositive();
            assertThat(s.value("keyhold_kmip_request_seconds_count", Map.of("operation", "Get"))).isEqualTo(2.0);

            // the two Creates committed in the SQLite writer's group transactions
            assertThat(s.value("keyhold_store_commits_total")).isGreaterThanOrEqualTo(2.0);
            // audit records keep committing in the background, so the series are read at different moments
            assertThat(s.value("keyhold_store_write_transactions_total")).isGreaterThanOrEqualTo(2.0);
            assertThat(s.value("keyhold_store_commit_seconds_count")).isGreaterThanOrEqualTo(2.0);
            assertThat(s.value("keyhold_store_commit_seconds_sum")).isPositive();
            assertThat(s.value("keyhold_store_commit_failures_total")).isZero();
            assertThat(s.has("keyhold_store_write_queue")).isTrue();
            assertThat(s.has("keyhold_store_audit_queue")).isTrue();
            assertThat(s.value("keyhold_store_largest_group")).isGreaterThanOrEqualTo(1.0);

            assertThat(s.find("jvm_memory_used_bytes", Map.of("area", "heap"))).isNotEmpty()
                    .allSatisfy(sample -> assertThat(sample.value()).isNotNegative());
            assertThat(s.has("jvm_threads_live_threads")).isTrue();
            assertThat(s.has("jvm_classes_loaded_classes")).isTrue();
            assertThat(s.has("process_uptime_seconds")).isTrue();
            assertThat(s.has("system_cpu_count")).isTrue();
            assertThat(s.value("keyhold_build_info", Map.of("version", ServerAssembly.version()))).isEqualTo(1.0);
        }
    }

    @Test
    void postgresStore_reportsItsConnectionPools() throws Exception {
        try (TestPostgres postgres = TestPostgres.create();
             SqlObjectStore store = SqlObjectStore.open(postgres.database(),
                     MasterKeyRing.of(TestMasterKeys.ephemeral()), SqlObjectStore.Options.DEFAULTS.withReaderPoolSize(3));
             ServerMetrics metrics = ServerMetrics.create("test")) {
            metrics.watch(store);
            store.write(tx -> null);
            Samples s = new Samples(metrics.scrape());
            assertThat(s.value("hikaricp_connections_max", Map.of("pool", "keyhold-readers"))).isEqualTo(3.0);
            assertThat(s.value("hikaricp_connections_max", Map.of("pool", "keyhold-writer"))).isEqualTo(1.0);
            assertThat(s.value("keyhold_store_commits_total")).isGreaterThanOrEqualTo(1.0);
            assertThat(s.value("keyhold_store_retries_total")).isZero();
        }
    }

    @Test
    void asynchronousItems_areCountedPending_thenWithTheirOutcome() {
        try (ServerMetrics metrics = ServerMetrics.create("test")) {
            metrics.dispatchObserver().itemDone(Operation.CREATE, ResultStatus.OPERATION_PENDING, null, 1_000);
            metrics.dispatchObserver().itemDone(Operation.CREATE, ResultStatus.SUCCESS, null, 2_000_000);
            metrics.dispatchObserver().itemDone(Operation.CREATE, ResultStatus.OPERATION_FAILED, null, 1_000_000);

            Samples s = new Samples(metrics.scrape());
            assertThat(s.value("keyhold_kmip_requests_total", Map.of("operation", "Create", "result", "pending")))
                    .isEqualTo(1.0);
            assertThat(s.value("keyhold_kmip_requests_total", Map.of("operation", "Create", "result", "success")))
                    .isEqualTo(1.0);
            assertThat(s.value("keyhold_kmip_requests_total",
                    Map.of("operation", "Create", "result", "operation_failed"))).isEqualTo(1.0);
            // the pending answer is not a latency: only the two items that ran are timed
            assertThat(s.value("keyhold_kmip_request_seconds_count", Map.of("operation", "Create"))).isEqualTo(2.0);
            assertThat(s.value("keyhold_kmip_request_seconds_sum", Map.of("operation", "Create"))).isEqualTo(0.003);
            assertThat(s.value("keyhold_kmip_request_seconds_max", Map.of("operation", "Create"))).isEqualTo(0.002);
        }
    }

    @Test
    void messagesOfAnotherTransport_areCountedUnderItsOwnLabel() {
        try (ServerMetrics metrics = ServerMetrics.create("test")) {
            metrics.messageDone("https", 5_000_000);
            metrics.messageDone("https", 5_000_000);
            metrics.connectionObserver().messageDone(1_000_000);

            Samples s = new Samples(metrics.scrape());
            assertThat(s.value("keyhold_kmip_messages_total", Map.of("transport", "https"))).isEqualTo(2.0);
            assertThat(s.value("keyhold_kmip_messages_total", Map.of("transport", "tls"))).isEqualTo(1.0);
            assertThat(s.value("keyhold_kmip_message_seconds_sum", Map.of("transport", "https"))).isEqualTo(0.01);
        }
    }
}
