package io.keyhold.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.KeyholdServer;
import io.keyhold.server.config.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KmipServerTest {
    private final StubProcessor processor = new StubProcessor();
    private KeyholdServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private int start(ServerConfig config) throws Exception {
        server = new KeyholdServer(config, processor);
        server.start();
        return server.port();
    }

    private int start() throws Exception {
        return start(TestPki.config());
    }

    private static void assertEcho(TtlvItem answer, String identity, byte[] request) {
        assertThat(answer.tag()).isEqualTo(Tag.RESPONSE_MESSAGE);
        assertThat(answer.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue()).isEqualTo(identity);
        assertThat(answer.child(Tag.NONCE_VALUE).orElseThrow().bytesValue()).isEqualTo(request);
    }

    @Test
    void request_isAnsweredWithTheProcessorsResponse() throws Exception {
        int port = start();
        byte[] request = StubProcessor.request("hello");
        try (TlsClient c = TlsClient.connect(port)) {
            c.send(request);
            assertEcho(c.readItem(), "client1", request);
        }
    }

    @Test
    void requestSplitOverManyWrites_isReassembled() throws Exception {
        int port = start();
        byte[] request = StubProcessor.request("x".repeat(3000));
        try (TlsClient c = TlsClient.connect(port)) {
            for (int i = 0; i < request.length; i += 7) {
                c.send(Arrays.copyOfRange(request, i, Math.min(request.length, i + 7)));
                if (i % 700 == 0) {
                    Thread.sleep(2);
                }
            }
            assertEcho(c.readItem(), "client1", request);
        }
    }

    @Test
    void pipelinedRequestsInOneWrite_areAnsweredInOrder() throws Exception {
        processor.delayMillis = 50;
        int port = start();
        List<byte[]> requests = new ArrayList<>();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < 5; i++) {
            byte[] r = StubProcessor.request("request " + i);
            requests.add(r);
            all.write(r);
        }
        try (TlsClient c = TlsClient.connect(port)) {
            c.send(all.toByteArray());
            for (byte[] r : requests) {
                assertEcho(c.readItem(), "client1", r);
            }
        }
        assertThat(processor.maxRunning.get()).as("one request at a time on a connection").isEqualTo(1);
        assertThat(processor.threads).allMatch(t -> t.startsWith("keyhold-worker"));
    }

    @Test
    void differentConnections_runInParallel() throws Exception {
        processor.delayMillis = 1500;
        int port = start();
        try (TlsClient a = TlsClient.connect(port); TlsClient b = TlsClient.connect(port)) {
            a.send(StubProcessor.request("a"));
            b.send(StubProcessor.request("b"));
            a.readMessage();
            b.readMessage();
        }
        assertThat(processor.maxRunning.get()).isEqualTo(2);
    }

    private static boolean startsWith(byte[] request, String prefix) {
        return new String(request, java.nio.charset.StandardCharsets.ISO_8859_1).contains(prefix);
    }

    private String threadOf(TlsClient c, byte[] request) throws Exception {
        processor.threads.clear();
        c.send(request);
        assertEcho(c.readItem(), "client1", request);
        assertThat(processor.threads).hasSize(1);
        return processor.threads.peek();
    }

    @Test
    void quickRequest_runsOnTheEventLoop_otherRequestsOnTheWorkers() throws Exception {
        processor.quick = r -> startsWith(r, "quick");
        int port = start();
        try (TlsClient c = TlsClient.connect(port)) {
            assertThat(threadOf(c, StubProcessor.request("quick one"))).startsWith("keyhold-io");
            assertThat(threadOf(c, StubProcessor.request("slower one"))).startsWith("keyhold-worker");
            assertThat(threadOf(c, StubProcessor.request("quick again"))).startsWith("keyhold-io");
        }
    }

    @Test
    void quickRequest_goesToTheWorkers_whileRequestsOverlap() throws Exception {
        processor.quick = r -> startsWith(r, "quick");
        processor.delayMillis = 1500;
        processor.delayed = r -> startsWith(r, "slow");
        int port = start();
        try (TlsClient a = TlsClient.connect(port); TlsClient b = TlsClient.connect(port)) {
            byte[] slow = StubProcessor.request("slow");
            a.send(slow); // in progress on a worker
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (processor.running.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(threadOf(b, StubProcessor.request("quick while busy"))).startsWith("keyhold-worker");
            assertThat(threadOf(b, StubProcessor.request("quick, still busy"))).startsWith("keyhold-worker");
            assertEcho(a.readItem(), "client1", slow);

            // one at a time again, and quiet for longer than the listener waits: back on the loops
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(KmipServer.QUIET_NANOS) + 50);
            assertThat(threadOf(b, StubProcessor.request("quick when idle"))).startsWith("keyhold-io");
            assertThat(threadOf(a, StubProcessor.request("quick when idle"))).startsWith("keyhold-io");
        }
    }

    @Test
    void oversizedHeader_getsInvalidMessageThenClose() throws Exception {
        int port = start(TestPki.config(TestPki.limits(2048, 16, Duration.ofMinutes(1), Duration.ofSeconds(5))));
        byte[] header = {0x42, 0x00, 0x78, 0x01, 0x00, 0x00, 0x10, 0x00}; // declares 4096 bytes of body
        try (TlsClient c = TlsClient.connect(port)) {
            c.send(header);
            ResponseMessage response = ResponseMessage.from(new TtlvDecoder().decode(c.readMessage()));
            assertThat(response.batchItems()).hasSize(1);
            assertThat(response.batchItems().get(0).resultReason()).isEqualTo(ResultReason.INVALID_MESSAGE.value());
            assertThat(response.batchItems().get(0).resultMessage())
                    .isEqualTo("message of 4104 bytes exceeds the limit of 2048 bytes");
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(processor.processed.get()).isZero();
    }

    @Test
    void firstByteNot0x42_closesTheConnection() throws Exception {
        int port = start();
        try (TlsClient c = TlsClient.connect(port)) {
            c.send("GET / HTTP/1.1\r\n\r\n".getBytes());
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(processor.processed.get()).isZero();
    }

    @Test
    void connectionsOpenedAndClosedWithoutRequest_leaveTheServerHealthy() throws Exception {
        int port = start();
        for (int i = 0; i < 5; i++) {
            new Socket("127.0.0.1", port).close(); // a TCP probe
        }
        for (int i = 0; i < 3; i++) {
            TlsClient.connect(port).close(); // TLS without any request
        }
        for (int i = 0; i < 3; i++) {
            TlsClient c = TlsClient.connect(port);
            c.socket().setSoLinger(true, 0); // no close_notify: a reset
            c.socket().close();
        }
        byte[] request = StubProcessor.request("still here");
        try (TlsClient c = TlsClient.connect(port)) {
            c.send(request);
            assertEcho(c.readItem(), "client1", request);
        }
    }

    @Test
    void idleConnection_isClosedAfterTheTimeout() throws Exception {
        int port = start(TestPki.config(TestPki.limits(1 << 20, 16, Duration.ofMillis(300), Duration.ofSeconds(5))));
        try (TlsClient c = TlsClient.connect(port)) {
            long t0 = System.nanoTime();
            assertThat(c.closedByServer()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        }
    }

    @Test
    void slowRequest_isNotCutByTheIdleTimeout() throws Exception {
        processor.delayMillis = 800;
        int port = start(TestPki.config(TestPki.limits(1 << 20, 16, Duration.ofMillis(300), Duration.ofSeconds(5))));
        byte[] request = StubProcessor.request("slow");
        try (TlsClient c = TlsClient.connect(port)) {
            c.send(request);
            assertEcho(c.readItem(), "client1", request);
        }
    }

    @Test
    void connectionsBeyondTheLimit_areClosedAtOnce() throws Exception {
        int port = start(TestPki.config(TestPki.limits(1 << 20, 2, Duration.ofMinutes(1), Duration.ofSeconds(5))));
        try (TlsClient a = TlsClient.connect(port); TlsClient b = TlsClient.connect(port)) {
            try (Socket third = new Socket()) {
                third.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                third.setSoTimeout(5000);
                int read;
                try {
                    read = third.getInputStream().read();
                } catch (java.net.SocketTimeoutException e) {
                    read = -2; // still open
                } catch (IOException e) {
                    read = -1; // reset: closed too
                }
                assertThat(read).as("the third connection is closed").isEqualTo(-1);
                assertThat(b.socket().isClosed()).isFalse();
            }
            byte[] request = StubProcessor.request("within the limit");
            a.send(request);
            assertEcho(a.readItem(), "client1", request);
        }
        // once the first two are gone, a new connection is accepted again
        Thread.sleep(200);
        byte[] request = StubProcessor.request("after");
        try (TlsClient c = TlsClient.connect(port)) {
            c.send(request);
            assertEcho(c.readItem(), "client1", request);
        }
    }

    @Test
    void close_waitsForTheRequestInProgress() throws Exception {
        processor.delayMillis = 1000;
        int port = start();
        byte[] request = StubProcessor.request("slow");
        try (TlsClient c = TlsClient.connect(port); TlsClient idle = TlsClient.connect(port)) {
            c.send(request);
            while (processor.running.get() == 0) {
                Thread.sleep(5);
            }
            CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
            assertEcho(c.readItem(), "client1", request);
            closing.get(10, TimeUnit.SECONDS);
            assertThat(c.closedByServer()).isTrue();
            assertThat(idle.closedByServer()).isTrue();
        }
        assertThat(server.awaitTermination(Duration.ofSeconds(1))).isTrue();
        AtomicBoolean refused = new AtomicBoolean();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(2000);
            refused.set(s.getInputStream().read() < 0);
        } catch (java.net.SocketTimeoutException e) {
            refused.set(false); // accepted and open
        } catch (IOException e) {
            refused.set(true); // connection refused
        }
        assertThat(refused).as("no longer accepting").isTrue();
    }

    @Test
    void closingAConnection_closesItsSession() throws Exception {
        int port = start();
        try (TlsClient c = TlsClient.connect(port)) {
            c.send(StubProcessor.request("one"));
            c.readMessage();
            assertThat(processor.sessionsClosed.get()).isZero();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (processor.sessionsClosed.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(processor.sessionsClosed.get()).isEqualTo(1);
        assertThat(processor.sessions.peek().values()).isEmpty();
    }

    @Test
    void processorThatThrows_answersGeneralFailureAndKeepsTheConnection() throws Exception {
        server = new KeyholdServer(TestPki.config(), new StubProcessor() {
            @Override
            public byte[] process(byte[] request, io.keyhold.server.dispatch.RequestContext context) {
                if (new String(request, java.nio.charset.StandardCharsets.US_ASCII).contains("boom")) {
                    throw new IllegalStateException("boom");
                }
                return super.process(request, context);
            }
        });
        server.start();
        byte[] ok = StubProcessor.request("fine");
        try (TlsClient c = TlsClient.connect(server.port())) {
            c.send(StubProcessor.request("boom"));
            ResponseMessage response = ResponseMessage.from(new TtlvDecoder().decode(c.readMessage()));
            assertThat(response.batchItems().get(0).resultReason()).isEqualTo(ResultReason.GENERAL_FAILURE.value());
            assertThat(response.batchItems().get(0).resultMessage()).doesNotContain("boom");
            c.send(ok);
            assertEcho(c.readItem(), "client1", ok);
        }
    }

    @Test
    void messageOfExactlyTheLimit_isProcessed_aLargerOne_isRefused() throws Exception {
        byte[] request = StubProcessor.request("x".repeat(100));
        int port = start(TestPki.config(TestPki.limits(request.length, 16, Duration.ofMinutes(1), Duration.ofSeconds(5))));
        try (TlsClient c = TlsClient.connect(port)) {
            c.send(request);
            assertEcho(c.readItem(), "client1", request);
        }
        byte[] larger = StubProcessor.request("x".repeat(108)); // 8 bytes more, text being padded to 8
        try (TlsClient c = TlsClient.connect(port)) {
            c.send(larger);
            ResponseMessage response = ResponseMessage.from(new TtlvDecoder().decode(c.readMessage()));
            assertThat(response.batchItems().get(0).resultReason()).isEqualTo(ResultReason.INVALID_MESSAGE.value());
            assertThat(response.batchItems().get(0).resultMessage()).isEqualTo("message of " + larger.length
                    + " bytes exceeds the limit of " + request.length + " bytes");
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(processor.processed.get()).isEqualTo(1);
    }

    private static ServerConfig.Limits readTimeout(Duration timeout) {
        return ServerConfig.Limits.defaults().withReadTimeout(timeout);
    }

    @Test
    void messageNotCompletedWithinTheReadTimeout_closesTheConnection() throws Exception {
        int port = start(TestPki.config(readTimeout(Duration.ofMillis(300))));
        byte[] request = StubProcessor.request("never finished");
        try (TlsClient c = TlsClient.connect(port)) {
            c.send(Arrays.copyOf(request, 12));
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(processor.processed.get()).isZero();
    }

    @Test
    void messageTrickledSlowerThanTheReadTimeout_closesTheConnection_thoughTheIdleTimeoutNeverFires() throws Exception {
        int port = start(TestPki.config(readTimeout(Duration.ofMillis(400)).withIdleTimeout(Duration.ofMinutes(5))));
        byte[] request = StubProcessor.request("slowloris".repeat(4));
        try (TlsClient c = TlsClient.connect(port)) {
            boolean closed = false;
            for (int i = 0; i < request.length && !closed; i++) {
                try {
                    c.send(new byte[] {request[i]});
                    Thread.sleep(100);
                } catch (IOException e) {
                    closed = true;
                }
            }
            assertThat(closed || c.closedByServer()).as("closed before the message was complete").isTrue();
        }
        assertThat(processor.processed.get()).isZero();
    }

    @Test
    void partialNextMessage_isNotTimedWhileARequestIsInProgress() throws Exception {
        processor.delayMillis = 2500;
        int port = start(TestPki.config(readTimeout(Duration.ofMillis(1000))));
        byte[] first = StubProcessor.request("slow one");
        byte[] second = StubProcessor.request("next");
        try (TlsClient c = TlsClient.connect(port)) {
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.write(first);
            both.write(second, 0, 10);
            c.send(both.toByteArray());
            assertEcho(c.readItem(), "client1", first);
            c.send(Arrays.copyOfRange(second, 10, second.length));
            assertEcho(c.readItem(), "client1", second);
        }
    }

    @Test
    void silentTcpConnection_isClosedWhenTheHandshakeTimesOut() throws Exception {
        int port = start(TestPki.config(readTimeout(Duration.ofMillis(300))));
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            raw.setSoTimeout(5000);
            int read;
            try {
                read = raw.getInputStream().read();
            } catch (java.net.SocketTimeoutException e) {
                read = -2; // still open
            } catch (IOException e) {
                read = -1; // reset: closed too
            }
            assertThat(read).as("closed without a handshake").isEqualTo(-1);
        }
        byte[] request = StubProcessor.request("still served");
        try (TlsClient c = TlsClient.connect(port)) {
            c.send(request);
            assertEcho(c.readItem(), "client1", request);
        }
    }

    @Test
    void connectionsOfOneIdentityBeyondItsLimit_areClosed_otherIdentitiesAreServed() throws Exception {
        int port = start(TestPki.config(ServerConfig.Limits.defaults().withMaxConnectionsPerIdentity(2)));
        byte[] request = StubProcessor.request("hello");
        try (TlsClient a = TlsClient.connect(port); TlsClient b = TlsClient.connect(port)) {
            for (TlsClient c : List.of(a, b)) {
                c.send(request);
                assertEcho(c.readItem(), "client1", request);
            }
            boolean refused;
            try (TlsClient third = TlsClient.connect(port)) {
                third.send(request);
                refused = third.closedByServer();
            } catch (IOException e) {
                refused = true;
            }
            assertThat(refused).as("a third connection of client1").isTrue();
            try (TlsClient other = TlsClient.connect(TlsClient.context(TestPki.trusted().clientP12(2),
                    TestPki.trusted().ca()), port, null, null)) {
                other.send(request);
                assertEcho(other.readItem(), "client2", request);
            }
            a.send(request);
            assertEcho(a.readItem(), "client1", request);
        }
        // both closed: client1 may connect again once the server has seen them go
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        boolean served = false;
        while (!served && System.nanoTime() < deadline) {
            try (TlsClient again = TlsClient.connect(port)) {
                again.send(request);
                assertEcho(again.readItem(), "client1", request);
                served = true;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        assertThat(served).isTrue();
        assertThat(processor.processed.get()).isEqualTo(5);
    }
}
