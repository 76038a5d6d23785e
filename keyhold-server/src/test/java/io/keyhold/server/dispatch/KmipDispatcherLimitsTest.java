package io.keyhold.server.dispatch;

import static io.keyhold.server.dispatch.DispatcherFixture.decode;
import static io.keyhold.server.dispatch.DispatcherFixture.encode;
import static io.keyhold.server.dispatch.DispatcherFixture.header;
import static io.keyhold.server.dispatch.DispatcherFixture.item;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The batch item limit and {@link KmipDispatcher#reject}, the refusal of a request that is not run. */
class KmipDispatcherLimitsTest {
    private final DispatcherFixture f = new DispatcherFixture(KmipDispatcherTest.handlers(),
            DispatcherSettings.defaults().withMaxBatchItems(2));

    @AfterEach
    void close() {
        f.close();
    }

    private static RequestBatchItem[] discover(int n) {
        List<RequestBatchItem> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(item(Operation.DISCOVER_VERSIONS, ("b" + i).getBytes(StandardCharsets.US_ASCII)));
        }
        return items.toArray(new RequestBatchItem[0]);
    }

    @Test
    void process_batchWithinTheLimit_runsEveryItem() {
        ResponseMessage m = f.send(KmipVersion.V1_2, discover(2));
        assertThat(m.batchItems()).hasSize(2).allMatch(i -> i.resultStatus() == ResultStatus.SUCCESS.value());
    }

    @Test
    void process_batchOverTheLimit_answersInvalidMessageInTheRequestsVersion() {
        ResponseMessage m = f.send(KmipVersion.V2_1, discover(3));
        assertThat(m.header().protocolVersion()).isEqualTo(KmipVersion.V2_1);
        ResponseBatchItem only = DispatcherFixture.only(m);
        assertThat(DispatcherFixture.reason(only)).isEqualTo(ResultReason.INVALID_MESSAGE);
        assertThat(only.resultMessage()).isEqualTo("batch of 3 items exceeds the limit of 2 items");
    }

    @Test
    void process_zeroLimit_isUnlimited() {
        try (DispatcherFixture g = new DispatcherFixture(KmipDispatcherTest.handlers(),
                DispatcherSettings.defaults().withMaxBatchItems(0))) {
            assertThat(g.send(KmipVersion.V1_4, discover(50)).batchItems()).hasSize(50);
        }
    }

    @Test
    void reject_failsEveryItemEchoingOperationAndId_withTheReasonTheVersionHas() {
        byte[] request = encode(header(KmipVersion.V2_0, 2), List.of(discover(2)));
        ResponseMessage m = decode(f.dispatcher.reject(request, ResultReason.SERVER_LIMIT_EXCEEDED, "slow down"));
        assertThat(m.header().protocolVersion()).isEqualTo(KmipVersion.V2_0);
        assertThat(m.batchItems()).hasSize(2);
        for (int i = 0; i < 2; i++) {
            ResponseBatchItem item = m.batchItems().get(i);
            assertThat(item.operationValue()).isEqualTo(Operation.DISCOVER_VERSIONS.value());
            assertThat(item.uniqueBatchItemId()).isEqualTo(("b" + i).getBytes(StandardCharsets.US_ASCII));
            assertThat(DispatcherFixture.reason(item)).isEqualTo(ResultReason.SERVER_LIMIT_EXCEEDED);
            assertThat(item.resultMessage()).isEqualTo("slow down");
        }

        byte[] old = encode(header(KmipVersion.V1_0, 1), List.of(discover(1)));
        ResponseMessage m10 = decode(f.dispatcher.reject(old, ResultReason.SERVER_LIMIT_EXCEEDED, "slow down"));
        assertThat(m10.header().protocolVersion()).isEqualTo(KmipVersion.V1_0);
        assertThat(DispatcherFixture.reason(DispatcherFixture.only(m10))).isEqualTo(ResultReason.GENERAL_FAILURE);
    }

    @Test
    void reject_unreadableRequest_answersOneMessageLevelFailure() {
        ResponseMessage m = decode(f.dispatcher.reject(new byte[] {0x42, 0, 0x78, 1, 0, 0, 0, 0},
                ResultReason.SERVER_LIMIT_EXCEEDED, "slow down"));
        ResponseBatchItem only = DispatcherFixture.only(m);
        assertThat(only.operationValue()).isNull();
        assertThat(only.resultStatus()).isEqualTo(ResultStatus.OPERATION_FAILED.value());
        assertThat(only.resultMessage()).isEqualTo("slow down");
    }
}
