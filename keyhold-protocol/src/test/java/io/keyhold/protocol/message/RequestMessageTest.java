package io.keyhold.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestMessageTest {

    static TtlvItem getPayload(String id) {
        return TtlvItem.structure(Tag.REQUEST_PAYLOAD, TtlvItem.text(Tag.UNIQUE_IDENTIFIER, id));
    }

    @Test
    void from_fullHeaderAndTwoItems_roundTripsThroughTtlv() throws Exception {
        RequestHeader header = new RequestHeader(KmipVersion.V1_4, 4096, "client-1", "server-1", false, true,
                List.of(1), TtlvItem.structure(Tag.AUTHENTICATION), 1, true, 1_700_000_000L, 2);
        RequestMessage message = new RequestMessage(header, List.of(
                new RequestBatchItem(Operation.GET.value(), null, new byte[] {1}, getPayload("k1"), null),
                new RequestBatchItem(Operation.DESTROY.value(), null, new byte[] {2}, getPayload("k2"),
                        new MessageExtension("acme", false, TtlvItem.structure(Tag.VENDOR_EXTENSION)))));

        byte[] wire = new TtlvEncoder().encode(message.toTtlv());
        RequestMessage decoded = RequestMessage.from(new TtlvDecoder().decode(wire));

        assertThat(decoded.header()).isEqualTo(header);
        assertThat(decoded.batchItems()).hasSize(2);
        assertThat(decoded.batchItems().get(0).operation()).contains(Operation.GET);
        assertThat(decoded.batchItems().get(1).uniqueBatchItemId()).containsExactly(2);
        assertThat(decoded.batchItems().get(1).messageExtension().vendorIdentification()).isEqualTo("acme");
        assertThat(decoded.toTtlv()).isEqualTo(message.toTtlv());
    }

    @Test
    void from_unknownOperationValue_keepsTheValue() throws Exception {
        RequestMessage message = new RequestMessage(RequestHeader.of(KmipVersion.V2_1, 1),
                List.of(new RequestBatchItem(0x7FFF, null, null, getPayload("k"), null)));

        RequestMessage decoded = RequestMessage.from(message.toTtlv());

        assertThat(decoded.batchItems().get(0).operationValue()).isEqualTo(0x7FFF);
        assertThat(decoded.batchItems().get(0).operation()).isEmpty();
    }

    @Test
    void from_batchCountDisagreesWithItems_isInvalidMessage() {
        RequestMessage message = new RequestMessage(RequestHeader.of(KmipVersion.V1_0, 3),
                List.of(RequestBatchItem.of(Operation.GET, getPayload("k"))));

        assertThatThrownBy(() -> RequestMessage.from(message.toTtlv()))
                .isInstanceOf(KmipException.class)
                .hasMessage("Request Message: Batch Count 3 but 1 Batch Item")
                .extracting(e -> ((KmipException) e).reason()).isEqualTo(ResultReason.INVALID_MESSAGE);
    }

    @Test
    void from_missingProtocolVersion_namesTheField() {
        TtlvItem tree = TtlvItem.structure(Tag.REQUEST_MESSAGE,
                TtlvItem.structure(Tag.REQUEST_HEADER, TtlvItem.integer(Tag.BATCH_COUNT, 1)),
                RequestBatchItem.of(Operation.GET, getPayload("k")).toTtlv());

        assertThatThrownBy(() -> RequestMessage.from(tree))
                .isInstanceOf(KmipException.class)
                .hasMessage("Request Message/Request Header: Protocol Version is missing");
    }

    @Test
    void from_batchCountOfWrongType_namesTypeAndField() {
        RequestMessage ok = new RequestMessage(RequestHeader.of(KmipVersion.V1_2, 1),
                List.of(RequestBatchItem.of(Operation.GET, getPayload("k"))));
        List<TtlvItem> header = new ArrayList<>(ok.toTtlv().children().get(0).children());
        header.set(1, TtlvItem.text(Tag.BATCH_COUNT, "one"));
        TtlvItem tree = TtlvItem.structure(Tag.REQUEST_MESSAGE,
                TtlvItem.structure(Tag.REQUEST_HEADER, header), ok.toTtlv().children().get(1));

        assertThatThrownBy(() -> RequestMessage.from(tree))
                .isInstanceOf(KmipException.class)
                .hasMessage("Request Message/Request Header/Batch Count is a TextString (expected: Integer)");
    }

    @Test
    void from_responseTree_isInvalidMessage() {
        TtlvItem tree = TtlvItem.structure(Tag.RESPONSE_MESSAGE);

        assertThatThrownBy(() -> RequestMessage.from(tree))
                .isInstanceOf(KmipException.class)
                .hasMessage("Request Message expected, found Response Message");
    }

    @Test
    void from_noBatchItem_isInvalidMessage() {
        TtlvItem tree = TtlvItem.structure(Tag.REQUEST_MESSAGE, RequestHeader.of(KmipVersion.V1_0, 0).toTtlv());

        assertThatThrownBy(() -> RequestMessage.from(tree))
                .isInstanceOf(KmipException.class)
                .hasMessage("Request Message: no Batch Item");
    }
}
