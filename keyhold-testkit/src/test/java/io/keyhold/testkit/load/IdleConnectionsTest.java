package io.keyhold.testkit.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseHeader;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --op idle} against an in-memory stand-in for a server: counts and exit status, no timing. */
class IdleConnectionsTest {
    @TempDir
    Path dir;

    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    final AtomicInteger discoverVersions = new AtomicInteger();
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    private LoadOptions options(int connections) throws IOException {
        Path pem = Files.writeString(dir.resolve("x.pem"), "x");
        return LoadOptions.create("127.0.0.1", 5696, pem, pem, pem, "idle", null, connections, 1, null, null, "1.2", null,
                null, null, 1);
    }

    /**
     * Connections answering Discover Versions with success; {@code refuseFrom}: connections opened after that many
     * are refused; {@code dropAfter}: the first n connections opened answer once and are then closed by the server.
     */
    private LoadConnection.Connector server(int refuseFrom, int dropAfter) {
        return () -> {
            int n = opened.incrementAndGet();
            if (n > refuseFrom) {
                throw new ConnectException("Connection refused");
            }
            AtomicInteger calls = new AtomicInteger();
            return new LoadConnection() {
                @Override
                public TtlvItem call(byte[] request) throws IOException {
                    if (n <= dropAfter && calls.incrementAndGet() > 1) {
                        throw new EOFException();
                    }
                    try {
                        RequestBatchItem item = RequestMessage.from(new TtlvDecoder().decode(request)).batchItems().get(0);
                        assertThat(item.operation()).contains(Operation.DISCOVER_VERSIONS);
                        discoverVersions.incrementAndGet();
                        ResponseBatchItem answer = ResponseBatchItem.success(Operation.DISCOVER_VERSIONS, null, null);
                        return new ResponseMessage(ResponseHeader.of(KmipVersion.V1_2, 0, 1), List.of(answer)).toTtlv();
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
                public void close() {
                    closed.incrementAndGet();
                }
            };
        };
    }

    private int run(LoadOptions o, LoadConnection.Connector c, boolean json) {
        return IdleConnections.run(o, c, json, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void allOpen_eachProvedBeforeAndAfterTheHold_thenClosed() throws Exception {
        int exit = run(options(20), server(Integer.MAX_VALUE, 0), false);

        assertThat(exit).as(err.toString()).isEqualTo(KmipLoad.EXIT_OK);
        assertThat(opened.get()).isEqualTo(20);
        assertThat(discoverVersions.get()).isEqualTo(40);
        assertThat(closed.get()).isEqualTo(20);
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("KMIP idle connections: 20 of 20 opened in ")
                .contains(" held 1 s, 20 answered after the hold, KMIP 1.2, TLSv1.3 TLS_AES_128_GCM_SHA256, 127.0.0.1:5696");
        assertThat(lines.get(1)).startsWith("open (handshake + first request) latency ms: p50 ");
        assertThat(err.toString()).isEqualTo("holding 20 connections for 1 s" + System.lineSeparator());
    }

    @Test
    void refusedAndDroppedConnections_areCounted_andExit1() throws Exception {
        int exit = run(options(10), server(7, 2), true);

        assertThat(exit).isEqualTo(KmipLoad.EXIT_FAILED);
        String json = out.toString().trim();
        assertThat(json).startsWith("{\"host\":\"127.0.0.1\",\"port\":5696,\"op\":\"idle\",\"connections\":10,\"durationSeconds\":1,")
                .contains("\"opened\":7,\"failed\":3,", "\"answeredAfterHold\":5,", "\"openLatencyMs\":{\"p50\":")
                .endsWith("}}");
        assertThat(err.toString()).startsWith("holding 7 connections for 1 s" + System.lineSeparator())
                .contains("first error: connection ", ": connection refused")
                .endsWith("error: 3 of 10 connections failed to open, 2 of 7 did not answer after the hold"
                        + System.lineSeparator());
        assertThat(closed.get()).isEqualTo(7);
    }
}
