package io.keyhold.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseHeader;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class KmipRequestsTest {

    private static RequestMessage decode(byte[] bytes) throws Exception {
        return RequestMessage.from(new TtlvDecoder().decode(bytes));
    }

    private static Map<String, TtlvItem> byName(List<KmipAttribute> attributes) {
        return attributes.stream().collect(Collectors.toMap(KmipAttribute::name, KmipAttribute::value));
    }

    @Test
    void createAes256_v12_sendsTemplateAttributeWithAlgorithmLengthAndMask() throws Exception {
        RequestMessage m = decode(KmipRequests.createAes256(KmipVersion.V1_2));

        assertThat(m.header().protocolVersion()).isEqualTo(KmipVersion.V1_2);
        assertThat(m.batchItems()).hasSize(1);
        RequestBatchItem item = m.batchItems().get(0);
        assertThat(item.operation()).contains(Operation.CREATE);
        assertThat(item.payload().child(Tag.OBJECT_TYPE).orElseThrow().enumValue()).isEqualTo(ObjectType.SYMMETRIC_KEY.value());
        Map<String, TtlvItem> attrs = byName(AttributeMapping.fromTemplateAttribute(
                item.payload().child(Tag.TEMPLATE_ATTRIBUTE).orElseThrow()));
        assertThat(attrs.get("Cryptographic Algorithm").enumValue()).isEqualTo(3);
        assertThat(attrs.get("Cryptographic Length").intValue()).isEqualTo(256);
        assertThat(attrs.get("Cryptographic Usage Mask").intValue()).isEqualTo(4 | 8);
        assertThat(item.payload().child(Tag.ATTRIBUTES)).isEmpty();
    }

    @Test
    void createAes256_v20_sendsAttributesStructure() throws Exception {
        RequestBatchItem item = decode(KmipRequests.createAes256(KmipVersion.V2_0)).batchItems().get(0);

        assertThat(item.payload().child(Tag.TEMPLATE_ATTRIBUTE)).isEmpty();
        Map<String, TtlvItem> attrs = byName(AttributeMapping.fromAttributes(item.payload().child(Tag.ATTRIBUTES).orElseThrow()));
        assertThat(attrs.keySet()).containsExactlyInAnyOrder(
                "Cryptographic Algorithm", "Cryptographic Length", "Cryptographic Usage Mask");
    }

    @Test
    void get_sendsUniqueIdentifier() throws Exception {
        RequestMessage m = decode(KmipRequests.get(KmipVersion.V1_0, "key-1"));

        assertThat(m.header().protocolVersion()).isEqualTo(KmipVersion.V1_0);
        assertThat(m.batchItems().get(0).operation()).contains(Operation.GET);
        assertThat(m.batchItems().get(0).payload().child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue()).isEqualTo("key-1");
    }

    @Test
    void failure_successResponse_isEmpty_andUniqueIdentifierIsRead() {
        TtlvItem response = new ResponseMessage(ResponseHeader.of(KmipVersion.V1_2, 0, 1), List.of(
                ResponseBatchItem.success(Operation.CREATE, null, TtlvItem.structure(Tag.RESPONSE_PAYLOAD,
                        TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()),
                        TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "42"))))).toTtlv();

        assertThat(KmipRequests.failure(response)).isEmpty();
        assertThat(KmipRequests.uniqueIdentifier(response)).contains("42");
    }

    @Test
    void failure_failedResponse_namesStatusReasonAndMessage() {
        TtlvItem response = new ResponseMessage(ResponseHeader.of(KmipVersion.V1_2, 0, 1), List.of(
                ResponseBatchItem.failure(Operation.GET.value(), null, ResultReason.ITEM_NOT_FOUND, "no such key"))).toTtlv();

        assertThat(KmipRequests.failure(response)).contains("Operation Failed: Item Not Found (no such key)");
        assertThat(KmipRequests.uniqueIdentifier(response)).isEmpty();
    }

    @Test
    void failure_notAResponseMessage_isReported() throws Exception {
        TtlvItem request = new TtlvDecoder().decode(KmipRequests.get(KmipVersion.V1_2, "x"));

        assertThat(KmipRequests.failure(request)).hasValueSatisfying(s -> assertThat(s).startsWith("not a Response Message"));
    }
}
