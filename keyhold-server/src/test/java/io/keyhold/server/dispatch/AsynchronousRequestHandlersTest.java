package io.keyhold.server.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ProcessingStage;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.server.ProcessHandler;
import io.keyhold.server.ops.server.QueryAsynchronousRequestsHandler;
import io.keyhold.server.store.memory.InMemoryObjectStore;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Query Asynchronous Requests and Process on their own, over entries in each stage. */
class AsynchronousRequestHandlersTest {
    private final AsyncResults results = new AsyncResults(10, Duration.ofHours(1), Clock.systemUTC());
    private final QueryAsynchronousRequestsHandler query = new QueryAsynchronousRequestsHandler(results);
    private final ProcessHandler process = new ProcessHandler(results);

    private static OperationContext context(String who) {
        return new OperationContext(KmipVersion.V2_1, DispatcherFixture.context(who), Clock.systemUTC(),
                new InMemoryObjectStore(), new OperationContext.BatchState(), null);
    }

    private static TtlvItem acv(AsyncResults.Entry e) {
        return TtlvItem.bytes(Tag.ASYNCHRONOUS_CORRELATION_VALUE, e.correlationValue());
    }

    private TtlvItem pending(String who) throws KmipException {
        return query.handle(context(who), TtlvItem.structure(Tag.REQUEST_PAYLOAD));
    }

    @Test
    void stages_andWhatTheHandlersAnswer() throws KmipException {
        AsyncResults.Entry queued = results.register("client1").orElseThrow();
        AsyncResults.Entry running = results.register("client1").orElseThrow();
        AsyncResults.Entry done = results.register("client1").orElseThrow();
        AsyncResults.Entry other = results.register("client2").orElseThrow();
        assertThat(running.start()).isTrue();
        assertThat(done.start()).isTrue();
        done.complete(new ItemResult(ResultStatus.SUCCESS, null, null, null, null));
        assertThat(queued.stage()).isEqualTo(ProcessingStage.SUBMITTED);
        assertThat(running.stage()).isEqualTo(ProcessingStage.IN_PROCESS);
        assertThat(done.stage()).isEqualTo(ProcessingStage.COMPLETED);

        assertThat(pending("client1")).isEqualTo(TtlvItem.structure(Tag.RESPONSE_PAYLOAD,
                TtlvItem.structure(Tag.ASYNCHRONOUS_CORRELATION_VALUES, acv(queued), acv(running))));
        assertThat(pending("client2")).isEqualTo(TtlvItem.structure(Tag.RESPONSE_PAYLOAD,
                TtlvItem.structure(Tag.ASYNCHRONOUS_CORRELATION_VALUES, acv(other))));
        assertThat(pending("client3")).isEqualTo(TtlvItem.structure(Tag.RESPONSE_PAYLOAD,
                TtlvItem.structure(Tag.ASYNCHRONOUS_CORRELATION_VALUES)));

        assertThat(process.handle(context("client1"), TtlvItem.structure(Tag.REQUEST_PAYLOAD, acv(queued))))
                .isEqualTo(TtlvItem.structure(Tag.RESPONSE_PAYLOAD, acv(queued),
                        TtlvItem.enumeration(Tag.PROCESSING_STAGE, ProcessingStage.SUBMITTED.value())));
        for (AsyncResults.Entry e : new AsyncResults.Entry[] {queued, running, done}) {
            assertThatThrownBy(() -> process.handle(context("client1"), TtlvItem.structure(Tag.REQUEST_PAYLOAD, acv(e))))
                    .isInstanceOfSatisfying(KmipException.class,
                            x -> assertThat(x.reason()).isEqualTo(ResultReason.DUPLICATE_PROCESS_REQUEST));
        }
        assertThatThrownBy(() -> process.handle(context("client1"), TtlvItem.structure(Tag.REQUEST_PAYLOAD, acv(other))))
                .isInstanceOfSatisfying(KmipException.class,
                        x -> assertThat(x.reason()).isEqualTo(ResultReason.INVALID_ASYNCHRONOUS_CORRELATION_VALUE))
                .hasMessage("no asynchronous request with this Asynchronous Correlation Value");
        assertThatThrownBy(() -> process.handle(context("client1"), TtlvItem.structure(Tag.REQUEST_PAYLOAD)))
                .isInstanceOfSatisfying(KmipException.class, x -> assertThat(x.reason()).isEqualTo(ResultReason.INVALID_MESSAGE))
                .hasMessage("Asynchronous Correlation Value is missing");
    }
}
