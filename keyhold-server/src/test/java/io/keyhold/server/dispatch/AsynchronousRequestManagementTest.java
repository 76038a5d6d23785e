package io.keyhold.server.dispatch;

import static io.keyhold.server.dispatch.DispatcherFixture.header;
import static io.keyhold.server.dispatch.DispatcherFixture.item;
import static io.keyhold.server.dispatch.DispatcherFixture.only;
import static io.keyhold.server.dispatch.DispatcherFixture.reason;
import static io.keyhold.server.dispatch.DispatcherFixture.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ProcessingStage;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Query Asynchronous Requests and Process, on a server with one background thread held busy. */
class AsynchronousRequestManagementTest {
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch started = new CountDownLatch(1);
    private final DispatcherFixture f;

    AsynchronousRequestManagementTest() {
        DispatcherSettings d = DispatcherSettings.defaults();
        f = new DispatcherFixture(List.of(TestHandlers.blocking(Operation.GET, started, release)),
                new DispatcherSettings(d.serverName(), d.serverVersion(), d.supportedVersions(), d.objectTypes(), 1, 100,
                        Duration.ofHours(1)));
    }

    @AfterEach
    void close() {
        release.countDown();
        f.close();
    }

    private byte[] startAsync() {
        ResponseBatchItem r = only(f.send(header(KmipVersion.V2_1, 1, null, null, true, null), item(Operation.GET)));
        assertThat(status(r)).isEqualTo(ResultStatus.OPERATION_PENDING);
        return r.asynchronousCorrelationValue();
    }

    /** One running (the background thread is held) and one queued behind it. */
    private byte[][] runningAndQueued() throws InterruptedException {
        byte[] running = startAsync();
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        byte[] queued = startAsync();
        return new byte[][] {running, queued};
    }

    /** The client's requests as Query Asynchronous Requests lists them: correlation value and Processing Stage. */
    private List<Map.Entry<String, ProcessingStage>> listed(RequestContext who, KmipVersion v) {
        ResponseBatchItem r = only(f.sendAs(who, header(v, 1), item(Operation.QUERY_ASYNCHRONOUS_REQUESTS)));
        assertThat(status(r)).isEqualTo(ResultStatus.SUCCESS);
        List<Map.Entry<String, ProcessingStage>> out = new java.util.ArrayList<>();
        for (TtlvItem request : r.payload().children()) {
            assertThat(request.tag()).isEqualTo(Tag.ASYNCHRONOUS_REQUEST);
            assertThat(request.children()).extracting(TtlvItem::tag).containsExactly(Tag.ASYNCHRONOUS_CORRELATION_VALUE,
                    Tag.OPERATION, Tag.SUBMISSION_DATE, Tag.PROCESSING_STAGE);
            assertThat(request.child(Tag.OPERATION).orElseThrow().enumValue()).isEqualTo(Operation.GET.value());
            out.add(Map.entry(java.util.HexFormat.of().formatHex(request.child(Tag.ASYNCHRONOUS_CORRELATION_VALUE).orElseThrow().bytesValue()),
                    ProcessingStage.fromValue(request.child(Tag.PROCESSING_STAGE).orElseThrow().enumValue()).orElseThrow()));
        }
        return out;
    }

    private static Map.Entry<String, ProcessingStage> at(byte[] acv, ProcessingStage stage) {
        return Map.entry(java.util.HexFormat.of().formatHex(acv), stage);
    }

    private ResponseBatchItem process(RequestContext who, TtlvItem... payload) {
        return only(f.sendAs(who, header(KmipVersion.V2_1, 1), item(Operation.PROCESS, payload)));
    }

    private static TtlvItem acv(byte[] value) {
        return TtlvItem.bytes(Tag.ASYNCHRONOUS_CORRELATION_VALUE, value);
    }

    private void awaitDone(byte[] acv) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            ResponseBatchItem r = only(f.send(KmipVersion.V2_1, item(Operation.POLL, acv(acv))));
            if (status(r) != ResultStatus.OPERATION_PENDING) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("still pending");
    }

    @Test
    void queryAsynchronousRequests_listsTheClientsRequests_oldestFirst_withTheirStages() throws Exception {
        assertThat(listed(f.client1, KmipVersion.V2_1)).isEmpty();
        byte[][] acvs = runningAndQueued();
        assertThat(listed(f.client1, KmipVersion.V2_1)).containsExactly(at(acvs[0], ProcessingStage.IN_PROCESS),
                at(acvs[1], ProcessingStage.SUBMITTED));
        assertThat(listed(DispatcherFixture.context("client2"), KmipVersion.V2_1)).as("another identity's").isEmpty();
        release.countDown();
        awaitDone(acvs[0]);
        awaitDone(acvs[1]);
        assertThat(listed(f.client1, KmipVersion.V2_1)).as("finished, their results kept for Poll")
                .containsExactly(at(acvs[0], ProcessingStage.COMPLETED), at(acvs[1], ProcessingStage.COMPLETED));
    }

    @Test
    void queryAsynchronousRequests_inKmip20_doesNotExist() {
        ResponseBatchItem r = only(f.send(KmipVersion.V2_0, item(Operation.QUERY_ASYNCHRONOUS_REQUESTS)));
        assertThat(reason(r)).isEqualTo(ResultReason.OPERATION_NOT_SUPPORTED);
    }

    @Test
    void process_answersOnceTheQueuedRequestHasRun_andPollThenHasItsResult() throws Exception {
        byte[][] acvs = runningAndQueued();
        java.util.concurrent.CompletableFuture<ResponseBatchItem> processed =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> process(f.client1, acv(acvs[1])));
        Thread.sleep(200);
        assertThat(processed).as("waits for the request").isNotDone();
        release.countDown();
        ResponseBatchItem ok = processed.get(10, TimeUnit.SECONDS);
        assertThat(status(ok)).isEqualTo(ResultStatus.SUCCESS);
        assertThat(ok.payload().children()).isEmpty();
        ResponseBatchItem poll = only(f.send(KmipVersion.V2_1, item(Operation.POLL, acv(acvs[1]))));
        assertThat(status(poll)).as("the next Poll returns the result").isEqualTo(ResultStatus.SUCCESS);
    }

    @Test
    void process_ofAFinishedRequest_answersAtOnce() throws Exception {
        byte[][] acvs = runningAndQueued();
        release.countDown();
        awaitDone(acvs[1]);
        assertThat(status(process(f.client1, acv(acvs[1])))).isEqualTo(ResultStatus.SUCCESS);
    }

    @Test
    void process_badInput_failsWithTheExactReason() throws Exception {
        byte[][] acvs = runningAndQueued();
        assertThat(reason(process(f.client1))).as("missing").isEqualTo(ResultReason.INVALID_MESSAGE);
        assertThat(reason(process(f.client1, acv(new byte[16])))).as("unknown")
                .isEqualTo(ResultReason.INVALID_ASYNCHRONOUS_CORRELATION_VALUE);
        assertThat(reason(process(DispatcherFixture.context("client2"), acv(acvs[1])))).as("another identity's")
                .isEqualTo(ResultReason.INVALID_ASYNCHRONOUS_CORRELATION_VALUE);
        assertThat(reason(process(f.client1, TtlvItem.text(Tag.ASYNCHRONOUS_CORRELATION_VALUE, "x")))).as("not bytes")
                .isEqualTo(ResultReason.INVALID_MESSAGE);
        assertThat(reason(only(f.send(KmipVersion.V2_0, item(Operation.PROCESS, acv(acvs[1]))))))
                .isEqualTo(ResultReason.OPERATION_NOT_SUPPORTED);
        release.countDown();
        assertThat(status(process(f.client1, acv(acvs[1])))).as("the failures changed nothing").isEqualTo(ResultStatus.SUCCESS);
    }
}
