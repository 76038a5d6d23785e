package io.keyhold.server.ops.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.SpecTable;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.protocol.xml.KmipXml;
import io.keyhold.server.ops.OperationContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The OASIS key wrapping test cases AX-M-2 (KMIP Profiles 1.4 and 2.x mandatory test cases, as collected in
 * the shared conformance vectors): a Get with a Key Wrapping Specification naming an AES key with Wrap Key
 * and NISTKeyWrap answers exactly the Key Block shape of the expected response. Wrapped bytes and key
 * material are placeholders in the vectors, so only their item types are compared.
 */
class WrappingConformanceVectorsTest {

    static Path vectors() {
        String configured = System.getProperty("keyhold.shared.dir");
        return Path.of(configured == null || configured.isBlank() ? "/work/shared" : configured).resolve("conformance")
                .resolve("vectors");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cosmian-kmip/v1.4/XML/mandatory/AX-M-2-14.xml", "cosmian-kmip/v2.0/XML/mandatory/AX-M-2-20.xml",
            "cosmian-kmip/v2.1/XML/mandatory/AX-M-2-21.xml"})
    void replay(String path) throws Exception {
        long past = Instant.now().getEpochSecond() - 3600;
        List<TtlvItem> messages = new KmipXml().readAll(Files.readString(vectors().resolve(path)), (tag, type, placeholder) ->
                type == ItemType.DATE_TIME ? Optional.of(TtlvItem.dateTime(tag, past))
                        : type == ItemType.BYTE_STRING ? Optional.of(TtlvItem.bytes(tag, new byte[0])) : Optional.empty());
        TransferFixture f = new TransferFixture(KmipVersion.V1_4);
        Map<String, String> ids = new HashMap<>();
        int wrappedGets = 0;
        for (int m = 0; m + 1 < messages.size(); m += 2) {
            RequestMessage request = RequestMessage.from(messages.get(m));
            List<TtlvItem> expectedItems = messages.get(m + 1).childrenWith(Tag.BATCH_ITEM);
            f.version = request.header().protocolVersion();
            OperationContext.BatchState batch = new OperationContext.BatchState();
            for (int i = 0; i < request.batchItems().size(); i++) {
                RequestBatchItem item = request.batchItems().get(i);
                TtlvItem expected = expectedItems.get(i);
                Operation op = item.operation().orElseThrow();
                String where = path + " message " + (m / 2 + 1) + " " + op.specName();
                assertThat(expected.child(Tag.RESULT_STATUS).orElseThrow().enumValue()).isEqualTo(ResultStatus.SUCCESS.value());
                TtlvItem actual;
                try {
                    actual = f.handlers.get(op).handle(contextWith(f, batch), substitute(item.payload(), ids));
                } catch (KmipException e) {
                    throw new AssertionError(where + " failed with " + e.reason() + ": " + e.getMessage(), e);
                }
                compare(where, expected.child(Tag.RESPONSE_PAYLOAD).orElseThrow(), actual, ids);
                if (item.payload().child(Tag.KEY_WRAPPING_SPECIFICATION).isPresent()) {
                    wrappedGets++;
                }
            }
        }
        assertThat(wrappedGets).isEqualTo(2);
    }

    private static OperationContext contextWith(TransferFixture f, OperationContext.BatchState batch) {
        f.batch = batch;
        return f.context();
    }

    private static TtlvItem substitute(TtlvItem item, Map<String, String> ids) {
        if (item.type() == ItemType.TEXT_STRING && ids.containsKey(item.textValue())) {
            return TtlvItem.text(item.tag(), ids.get(item.textValue()));
        }
        if (!item.isStructure()) {
            return item;
        }
        List<TtlvItem> c = new ArrayList<>();
        for (TtlvItem child : item.children()) {
            c.add(substitute(child, ids));
        }
        return TtlvItem.structure(item.tag(), c);
    }

    private static void compare(String where, TtlvItem expected, TtlvItem actual, Map<String, String> ids) {
        String at = where + " at " + SpecTable.get().tag(expected.tag()).map(t -> t.name()).orElse("?");
        assertThat(actual.tag()).as(at + " tag").isEqualTo(expected.tag());
        assertThat(actual.type()).as(at + " type").isEqualTo(expected.type());
        if (expected.isStructure()) {
            assertThat(actual.children()).as(at + " fields").extracting(TtlvItem::tag)
                    .containsExactlyElementsOf(expected.children().stream().map(TtlvItem::tag).toList());
            for (int i = 0; i < expected.children().size(); i++) {
                compare(where, expected.children().get(i), actual.children().get(i), ids);
            }
        } else if (expected.type() == ItemType.TEXT_STRING && expected.textValue().startsWith("$UNIQUE_IDENTIFIER")) {
            String bound = ids.putIfAbsent(expected.textValue(), actual.textValue());
            assertThat(actual.textValue()).as(at).isEqualTo(bound == null ? actual.textValue() : bound);
        } else if (expected.type() == ItemType.DATE_TIME || expected.tag() == Tag.KEY_MATERIAL || expected.tag() == Tag.KEY_VALUE) {
            return;
        } else {
            assertThat(actual).as(at).isEqualTo(expected);
        }
    }
}
