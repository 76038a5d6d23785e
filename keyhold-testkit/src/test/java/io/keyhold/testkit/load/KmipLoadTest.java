package io.keyhold.testkit.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseHeader;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the load generator against an in-memory stand-in for a server: accounting and exit status, no timing. */
class KmipLoadTest {
    @TempDir
    Path dir;
    Path pem;

    /** Requests seen per operation, over every connection. */
    final Map<Operation, AtomicInteger> seen = new ConcurrentHashMap<>();

    @BeforeEach
    void files() throws Exception {
        pem = Files.writeString(dir.resolve("x.pem"), "x");
    }

    private LoadOptions options(String op, int connections, long requests) {
        return LoadOptions.create("127.0.0.1", 5696, pem, pem, pem, op, null, connections, null, requests, 0, "1.2", null,
                null, null, 11);
    }

    /** Answers every request with success (and the identifiers the setup reads), except the refused operations. */
    private LoadConnection.Connector server(Set<Operation> refused) {
        return () -> new LoadConnection() {
            @Override
            public TtlvItem call(byte[] request) throws IOException {
                try {
                    RequestBatchItem item = RequestMessage.from(new TtlvDecoder().decode(request)).batchItems().get(0);
                    Operation op = item.operation().orElseThrow();
                    seen.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
                    ResponseBatchItem answer = refused.contains(op)
                            ? ResponseBatchItem.failure(op.value(), null, ResultReason.OPERATION_NOT_SUPPORTED, "no")
                            : ResponseBatchItem.success(op, null, TtlvItem.structure(Tag.RESPONSE_PAYLOAD,
                                    TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "1"),
                                    TtlvItem.text(Tag.PRIVATE_KEY_UNIQUE_IDENTIFIER, "2")));
                    return new ResponseMessage(ResponseHeader.of(KmipVersion.V1_2, 0, 1), java.util.List.of(answer)).toTtlv();
                } catch (Exception e) {
                    throw new IOException(e);
                }
            }

            @Override
            public String protocol() {
                return "TLSv1.3";
            }

            @Override
            public String cipherSuite() {
                return "TLS_AES_128_GCM_SHA256";
            }

            @Override
            public void close() {}
        };
    }

    private final StringWriter err = new StringWriter();

    private KmipLoad.Outcome execute(LoadOptions o, LoadConnection.Connector c) {
        return KmipLoad.execute(o, c, new PrintWriter(err, true));
    }

    @Test
    void requests_everyOperation_measuresExactlyTheLimitOverAllConnections() {
        for (LoadOperation op : LoadOperation.values()) {
            if (op == LoadOperation.IDLE) {
                continue; // holds connections for a duration; IdleConnectionsTest
            }
            KmipLoad.Outcome out = execute(options(op.cliName, 3, 20), server(Set.of()));

            assertThat(out.exitCode()).as(op + ": " + err).isZero();
            LoadReport.OperationStats total = out.report().total();
            assertThat(total.ops()).as(op.cliName).isEqualTo(20);
            assertThat(total.errors()).isZero();
            assertThat(out.report().operations()).hasSize(1);
            assertThat(out.report().operations().get(0).operation()).isEqualTo(op);
        }
    }

    @Test
    void requests_setupAndProbesAreNotMeasured() {
        KmipLoad.Outcome out = execute(options("get", 2, 20), server(Set.of()));

        assertThat(out.report().total().requests()).isEqualTo(20);
        // one Create of the key and one probe Get during setup, then exactly the 20 measured Gets
        assertThat(seen.get(Operation.CREATE).get()).isEqualTo(1);
        assertThat(seen.get(Operation.GET).get()).isEqualTo(21);
    }

    @Test
    void requests_mix_countsEachOperationAndAddsUpToTheLimit() {
        KmipLoad.Outcome out = execute(options("mix:get=8,create=2,register=1", 4, 500), server(Set.of()));

        LoadReport r = out.report();
        assertThat(out.exitCode()).isZero();
        assertThat(r.operations()).extracting(LoadReport.OperationStats::operation)
                .containsExactly(LoadOperation.GET, LoadOperation.CREATE, LoadOperation.REGISTER);
        long sum = r.operations().stream().mapToLong(LoadReport.OperationStats::requests).sum();
        assertThat(sum).isEqualTo(500);
        assertThat(r.total().ops()).isEqualTo(500);
        // setup: Create for get, Create for create (its probe), one probe Register
        assertThat(seen.get(Operation.GET).get() - 1L).isEqualTo(r.operations().get(0).requests());
        assertThat(seen.get(Operation.CREATE).get() - 2L).isEqualTo(r.operations().get(1).requests());
        assertThat(seen.get(Operation.REGISTER).get() - 1L).isEqualTo(r.operations().get(2).requests());
        assertThat(r.operations()).allSatisfy(s -> assertThat(s.requests()).isPositive());
        assertThat(r.operations().get(0).requests()).isGreaterThan(r.operations().get(1).requests());
    }

    @Test
    void setupRefused_exits3_withoutReport() {
        KmipLoad.Outcome out = execute(options("mix:get=1,locate=1", 1, 5), server(Set.of(Operation.LOCATE)));

        assertThat(out.exitCode()).isEqualTo(KmipLoad.EXIT_UNSUPPORTED).isEqualTo(3);
        assertThat(out.report()).isNull();
        assertThat(err.toString()).contains("error: 127.0.0.1:5696: the server refused Locate by Name: "
                + "Operation Failed: Operation Not Supported (no)");
    }

    @Test
    void connectionRefused_exits1() {
        KmipLoad.Outcome out = execute(options("get", 1, 5), () -> {
            throw new ConnectException("Connection refused");
        });

        assertThat(out.exitCode()).isEqualTo(KmipLoad.EXIT_FAILED).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: cannot talk KMIP to 127.0.0.1:5696: connection refused"
                + System.lineSeparator());
    }

    @Test
    void json_hasTheTotalsAndOneEntryPerOperation() {
        KmipLoad.Outcome out = execute(options("mix:get=3,create=1", 2, 40), server(Set.of()));
        String json = out.report().json();

        assertThat(json).startsWith("{\"host\":\"127.0.0.1\",\"port\":5696,\"op\":\"mix:get=3,create=1\",\"algorithm\":\"mix\","
                + "\"connections\":2,\"durationSeconds\":null,\"requestLimit\":40,\"warmupSeconds\":0,\"seed\":11,"
                + "\"kmipVersion\":\"1.2\",\"tlsProtocol\":\"TLSv1.3\",\"cipherSuite\":\"TLS_AES_128_GCM_SHA256\",");
        assertThat(json).contains("\"requests\":40,\"ops\":40,", "\"errors\":0,", "\"lostConnections\":0,",
                "\"operations\":{\"get\":{\"weight\":3,\"algorithm\":\"aes-256\",", "\"create\":{\"weight\":1,");
        assertThat(json).endsWith("}}}");
    }
}
