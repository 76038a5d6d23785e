package io.keyhold.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseMessageTest {

    @Test
    void from_successAndFailureItems_roundTripsThroughMessageEncoder() throws Exception {
        ResponseMessage message = new ResponseMessage(
                new ResponseHeader(KmipVersion.V1_4, 1_700_000_000L, null, List.of(), "c", null, 2),
                List.of(ResponseBatchItem.success(Operation.GET, new byte[] {7},
                                TtlvItem.structure(Tag.RESPONSE_PAYLOAD, TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "k1"))),
                        ResponseBatchItem.failure(Operation.DESTROY.value(), null, ResultReason.ITEM_NOT_FOUND,
                                "no object k2")));

        byte[] wire = new MessageEncoder().encode(message);
        ResponseMessage decoded = ResponseMessage.from(new TtlvDecoder().decode(wire));

        assertThat(decoded.header()).isEqualTo(message.header());
        assertThat(decoded.batchItems().get(0).resultStatus()).isEqualTo(ResultStatus.SUCCESS.value());
        assertThat(decoded.batchItems().get(0).uniqueBatchItemId()).containsExactly(7);
        assertThat(decoded.batchItems().get(1).resultStatus()).isEqualTo(ResultStatus.OPERATION_FAILED.value());
        assertThat(decoded.batchItems().get(1).resultReason()).isEqualTo(ResultReason.ITEM_NOT_FOUND.value());
        assertThat(decoded.batchItems().get(1).resultMessage()).isEqualTo("no object k2");
        assertThat(decoded.toTtlv()).isEqualTo(message.toTtlv());
    }

    @Test
    void encode_kmip10ResponseWithClientCorrelationValue_isRefused() {
        ResponseMessage message = new ResponseMessage(
                new ResponseHeader(KmipVersion.V1_0, 1_700_000_000L, null, List.of(), "c", null, 1),
                List.of(ResponseBatchItem.failure(null, null, ResultReason.GENERAL_FAILURE, "x")));

        assertThatThrownBy(() -> new MessageEncoder().encode(message))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("cannot encode for KMIP 1.0")
                .hasMessageContaining("Response Message/Response Header/Client Correlation Value");
    }

    @Test
    void encode_kmip12ResponseWithResultReasonOf20_isRefused() {
        ResponseMessage message = new ResponseMessage(ResponseHeader.of(KmipVersion.V1_2, 1_700_000_000L, 1),
                List.of(ResponseBatchItem.failure(Operation.GET.value(), null, ResultReason.OBJECT_NOT_FOUND, "gone")));

        assertThatThrownBy(() -> new MessageEncoder().encode(message))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("Result Reason Object Not Found exists in KMIP 2.0-2.1 only");
    }
}
