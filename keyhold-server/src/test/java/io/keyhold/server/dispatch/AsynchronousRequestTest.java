package io.keyhold.server.dispatch;

import static io.keyhold.server.dispatch.DispatcherFixture.header;
import static io.keyhold.server.dispatch.DispatcherFixture.item;
import static io.keyhold.server.dispatch.DispatcherFixture.only;
import static io.keyhold.server.dispatch.DispatcherFixture.reason;
import static io.keyhold.server.dispatch.DispatcherFixture.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.CancellationResult;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AsynchronousRequestTest {
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch started = new CountDownLatch(1);
    private final DispatcherFixture f;

    AsynchronousRequestTest() {
        DispatcherSettings d = DispatcherSettings.defaults();
        f = new DispatcherFixture(List.of(TestHandlers.blocking(Operation.GET, started, release), TestHandlers.echo(),
                TestHandlers.failing(Operation.ACTIVATE, ResultReason.PERMISSION_DENIED)),
                new DispatcherSettings(d.serverName(), d.serverVersion(), d.supportedVersions(), d.objectTypes(), 1, 100,
                        Duration.ofHours(1)));
    }

    @AfterEach
    void close() {
        release.countDown();
        f.close();
    }

    private ResponseBatchItem startAsync(KmipVersion v, Operation op) {
        ResponseBatchItem r = only(f.send(header(v, 1, null, null, true, null), item(op, new byte[] {5})));
        assertThat(status(r)).isEqualTo(ResultStatus.OPERATION_PENDING);
        assertThat(r.asynchronousCorrelationValue()).hasSize(16);
        assertThat(r.uniqueBatchItemId()).containsExactly(5);
        assertThat(r.operationValue()).isEqualTo(op.value());
        return r;
    }

    private ResponseBatchItem poll(KmipVersion v, byte[] acv) {
        return only(f.send(v, item(Operation.POLL, TtlvItem.bytes(Tag.ASYNCHRONOUS_CORRELATION_VALUE, acv))));
    }

    private ResponseBatchItem pollUntilDone(KmipVersion v, byte[] acv) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            ResponseBatchItem r = poll(v, acv);
            if (status(r) != ResultStatus.OPERATION_PENDING) {
                return r;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("still pending");
    }

    @Test
    void asyncRequest_isPendingUntilDone_thenPollReturnsTheResult() throws Exception {
        ResponseBatchItem started = startAsync(KmipVersion.V1_2, Operation.GET);
        ResponseBatchItem pending = poll(KmipVersion.V1_2, started.asynchronousCorrelationValue());
        assertThat(status(pending)).isEqualTo(ResultStatus.OPERATION_PENDING);
        assertThat(pending.operationValue()).isEqualTo(Operation.POLL.value());
        release.countDown();
        ResponseBatchItem done = pollUntilDone(KmipVersion.V1_2, started.asynchronousCorrelationValue());
        assertThat(status(done)).isEqualTo(ResultStatus.SUCCESS);
        assertThat(done.payload().child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue()).isEqualTo("done");
    }

    @Test
    void asyncRequest_failure_isReportedByPoll() throws Exception {
        ResponseBatchItem started = startAsync(KmipVersion.V2_1, Operation.ACTIVATE);
        ResponseBatchItem done = pollUntilDone(KmipVersion.V2_1, started.asynchronousCorrelationValue());
        assertThat(reason(done)).isEqualTo(ResultReason.PERMISSION_DENIED);
        assertThat(done.resultMessage()).isEqualTo("refused on purpose");
    }

    @Test
    void poll_unknownCorrelationValue_failsWithTheVersionsReason() {
        byte[] acv = new byte[16];
        assertThat(reason(poll(KmipVersion.V1_4, acv))).isEqualTo(ResultReason.ITEM_NOT_FOUND);
        assertThat(reason(poll(KmipVersion.V2_0, acv))).isEqualTo(ResultReason.INVALID_ASYNCHRONOUS_CORRELATION_VALUE);
    }

    @Test
    void poll_byAnotherIdentity_doesNotSeeTheResult() {
        ResponseBatchItem started = startAsync(KmipVersion.V2_1, Operation.GET);
        ResponseMessage m = f.sendAs(DispatcherFixture.context("client2"), header(KmipVersion.V2_1, 1),
                item(Operation.POLL, TtlvItem.bytes(Tag.ASYNCHRONOUS_CORRELATION_VALUE, started.asynchronousCorrelationValue())));
        assertThat(reason(only(m))).isEqualTo(ResultReason.INVALID_ASYNCHRONOUS_CORRELATION_VALUE);
        ResponseMessage cancel = f.sendAs(DispatcherFixture.context("client2"), header(KmipVersion.V2_1, 1),
                item(Operation.CANCEL, TtlvItem.bytes(Tag.ASYNCHRONOUS_CORRELATION_VALUE, started.asynchronousCorrelationValue())));
        assertThat(reason(only(cancel))).isEqualTo(ResultReason.INVALID_ASYNCHRONOUS_CORRELATION_VALUE);
    }

    private CancellationResult cancel(byte[] acv) {
        ResponseBatchItem r = only(f.send(KmipVersion.V1_3,
                item(Operation.CANCEL, TtlvItem.bytes(Tag.ASYNCHRONOUS_CORRELATION_VALUE, acv))));
        assertThat(status(r)).isEqualTo(ResultStatus.SUCCESS);
        assertThat(r.payload().child(Tag.ASYNCHRONOUS_CORRELATION_VALUE).orElseThrow().bytesValue()).isEqualTo(acv);
        return CancellationResult.fromValue(r.payload().child(Tag.CANCELLATION_RESULT).orElseThrow().enumValue()).orElseThrow();
    }

    @Test
    void cancel_queuedRunningAndFinishedItems() throws Exception {
        ResponseBatchItem running = startAsync(KmipVersion.V1_3, Operation.GET); // occupies the only thread
        ResponseBatchItem queued = startAsync(KmipVersion.V1_3, Operation.CHECK);
        assertThat(started.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(cancel(running.asynchronousCorrelationValue())).isEqualTo(CancellationResult.UNABLE_TO_CANCEL);
        assertThat(cancel(queued.asynchronousCorrelationValue())).isEqualTo(CancellationResult.CANCELED);
        release.countDown();
        assertThat(status(pollUntilDone(KmipVersion.V1_3, running.asynchronousCorrelationValue())))
                .isEqualTo(ResultStatus.SUCCESS);
        assertThat(cancel(running.asynchronousCorrelationValue())).isEqualTo(CancellationResult.COMPLETED);
        ResponseBatchItem canceled = pollUntilDone(KmipVersion.V1_3, queued.asynchronousCorrelationValue());
        assertThat(reason(canceled)).isEqualTo(ResultReason.OPERATION_CANCELED_BY_REQUESTER);
    }

    @Test
    void cancel_failedItem_reportsFailed() throws Exception {
        ResponseBatchItem started = startAsync(KmipVersion.V1_3, Operation.ACTIVATE);
        pollUntilDone(KmipVersion.V1_3, started.asynchronousCorrelationValue());
        assertThat(cancel(started.asynchronousCorrelationValue())).isEqualTo(CancellationResult.FAILED);
    }

}
