package io.keyhold.server.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
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

    private TtlvItem query(String who, TtlvItem... filters) throws KmipException {
        return query.handle(context(who), TtlvItem.structure(Tag.REQUEST_PAYLOAD, filters));
    }

    private static TtlvItem request(AsyncResults.Entry e, ProcessingStage stage) {
        long micros = e.submitted().getEpochSecond() * 1_000_000L + e.submitted().getNano() / 1000;
        return TtlvItem.structure(Tag.ASYNCHRONOUS_REQUEST, acv(e), TtlvItem.enumeration(Tag.OPERATION, e.operation()),
                TtlvItem.dateTimeExtended(Tag.SUBMISSION_DATE, micros), TtlvItem.enumeration(Tag.PROCESSING_STAGE, stage.value()));
    }

    @Test
    void queryAsynchronousRequests_listsTheClientsOwn_withTheirStages_andFilters() throws KmipException {
        AsyncResults.Entry queued = results.register("client1", Operation.CREATE.value()).orElseThrow();
        AsyncResults.Entry running = results.register("client1", Operation.CREATE_KEY_PAIR.value()).orElseThrow();
        AsyncResults.Entry done = results.register("client1", Operation.CREATE.value()).orElseThrow();
        AsyncResults.Entry other = results.register("client2", Operation.LOCATE.value()).orElseThrow();
        assertThat(running.start()).isTrue();
        assertThat(done.start()).isTrue();
        done.complete(new ItemResult(ResultStatus.SUCCESS, null, null, null, null));

        assertThat(query("client1")).isEqualTo(TtlvItem.structure(Tag.RESPONSE_PAYLOAD, request(queued, ProcessingStage.SUBMITTED),
                request(running, ProcessingStage.IN_PROCESS), request(done, ProcessingStage.COMPLETED)));
        assertThat(query("client2")).isEqualTo(TtlvItem.structure(Tag.RESPONSE_PAYLOAD, request(other, ProcessingStage.SUBMITTED)));
        assertThat(query("client3")).isEqualTo(TtlvItem.structure(Tag.RESPONSE_PAYLOAD));
        assertThat(query("client1", TtlvItem.enumeration(Tag.OPERATION, Operation.CREATE.value())))
                .isEqualTo(TtlvItem.structure(Tag.RESPONSE_PAYLOAD, request(queued, ProcessingStage.SUBMITTED),
                        request(done, ProcessingStage.COMPLETED)));
        assertThat(query("client1", TtlvItem.structure(Tag.ASYNCHRONOUS_CORRELATION_VALUES, acv(running))))
                .isEqualTo(TtlvItem.structure(Tag.RESPONSE_PAYLOAD, request(running, ProcessingStage.IN_PROCESS)));
        assertThat(query("client1", acv(other))).as("another client's value selects nothing")
                .isEqualTo(TtlvItem.structure(Tag.RESPONSE_PAYLOAD));
        // the 2.1 layout (6.1.41): an Operations structure and an Asynchronous Correlation Values structure
        assertThat(query("client1", TtlvItem.structure(Tag.OPERATIONS,
                TtlvItem.enumeration(Tag.OPERATION, Operation.CREATE_KEY_PAIR.value()),
                TtlvItem.enumeration(Tag.OPERATION, Operation.LOCATE.value()))))
                .isEqualTo(TtlvItem.structure(Tag.RESPONSE_PAYLOAD, request(running, ProcessingStage.IN_PROCESS)));
        assertThat(query("client1", TtlvItem.structure(Tag.ASYNCHRONOUS_CORRELATION_VALUES, acv(queued), acv(running)),
                TtlvItem.structure(Tag.OPERATIONS, TtlvItem.enumeration(Tag.OPERATION, Operation.CREATE.value()))))
                .as("both filters: a request must match both")
                .isEqualTo(TtlvItem.structure(Tag.RESPONSE_PAYLOAD, request(queued, ProcessingStage.SUBMITTED)));
    }

    @Test
    void process_waitsUntilTheRequestHasFinished_soThatPollHasItsResult() throws Exception {
        AsyncResults.Entry entry = results.register("client1", Operation.CREATE.value()).orElseThrow();
        java.util.concurrent.CompletableFuture<TtlvItem> answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return process.handle(context("client1"), TtlvItem.structure(Tag.REQUEST_PAYLOAD, acv(entry)));
            } catch (KmipException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertThat(answer).as("Process answers only once the request is done").isNotDone();
        assertThat(entry.start()).isTrue();
        entry.complete(new ItemResult(ResultStatus.SUCCESS, null, null, null, null));
        assertThat(answer.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(TtlvItem.structure(Tag.RESPONSE_PAYLOAD));
        assertThat(entry.result()).isPresent();
        // a finished request: answered at once
        assertThat(process.handle(context("client1"), TtlvItem.structure(Tag.REQUEST_PAYLOAD, acv(entry))))
                .isEqualTo(TtlvItem.structure(Tag.RESPONSE_PAYLOAD));
    }

    @Test
    void process_refusals() {
        AsyncResults.Entry other = results.register("client2", Operation.CREATE.value()).orElseThrow();
        assertThatThrownBy(() -> process.handle(context("client1"), TtlvItem.structure(Tag.REQUEST_PAYLOAD, acv(other))))
                .isInstanceOfSatisfying(KmipException.class,
                        x -> assertThat(x.reason()).isEqualTo(ResultReason.INVALID_ASYNCHRONOUS_CORRELATION_VALUE))
                .hasMessage("no asynchronous request with this Asynchronous Correlation Value");
        assertThatThrownBy(() -> process.handle(context("client1"), TtlvItem.structure(Tag.REQUEST_PAYLOAD)))
                .isInstanceOfSatisfying(KmipException.class, x -> assertThat(x.reason()).isEqualTo(ResultReason.INVALID_MESSAGE))
                .hasMessage("Asynchronous Correlation Value is missing");
        AsyncResults.Entry stuck = results.register("client1", Operation.CREATE.value()).orElseThrow();
        ProcessHandler impatient = new ProcessHandler(results, Duration.ofMillis(50));
        assertThatThrownBy(() -> impatient.handle(context("client1"), TtlvItem.structure(Tag.REQUEST_PAYLOAD, acv(stuck))))
                .isInstanceOfSatisfying(KmipException.class, x -> assertThat(x.reason()).isEqualTo(ResultReason.GENERAL_FAILURE));
        assertThat(stuck.stage()).as("left to run; Poll collects it later").isEqualTo(ProcessingStage.SUBMITTED);
    }
}
