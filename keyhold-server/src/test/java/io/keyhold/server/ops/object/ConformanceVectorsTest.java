package io.keyhold.server.ops.object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.protocol.xml.KmipXml;
import io.keyhold.server.ops.OperationContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays the OASIS and Cosmian test-case conversations that use only object operations, and checks each
 * response payload field by field (tags, types, order and values; identifiers are matched through their
 * placeholders, dates and generated key bytes only by type and length) and each failure's Result Reason.
 */
class ConformanceVectorsTest {
    private static final Set<String> OPERATIONS = Set.of("Create", "Register", "Locate", "Get", "Destroy", "Activate",
            "Revoke", "Check", "Archive", "Recover", "ObtainLease", "GetUsageAllocation");

    static Path vectors() {
        String configured = System.getProperty("keyhold.shared.dir");
        Path dir = Path.of(configured == null || configured.isBlank() ? "/work/shared" : configured)
                .resolve("conformance").resolve("vectors");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("no conformance vectors at " + dir + "; set -Dkeyhold.shared.dir");
        }
        return dir;
    }

    static Stream<String> cases() throws IOException {
        List<String> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(vectors().resolve("INDEX.csv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            String version = f[2];
            if (!version.matches("1\\.[0-4]|2\\.[01]") || f[0].contains("/QS-")) {
                continue;
            }
            String ops = line.replaceAll("^.*?,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,", "").split(",")[0];
            if (Set.of(ops.split(" ")).stream().allMatch(OPERATIONS::contains)) {
                out.add(f[0]);
            }
        }
        assertThat(out).hasSizeGreaterThan(50);
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void replay(String path) throws Exception {
        List<TtlvItem> messages = new KmipXml().readAll(Files.readString(vectors().resolve(path)),
                (tag, type, placeholder) -> placeholder.startsWith("$NOW") && type == ItemType.DATE_TIME
                        ? Optional.of(TtlvItem.dateTime(tag, Fixture.T0)) : Optional.empty());
        Fixture f = new Fixture(null);
        Map<String, String> ids = new HashMap<>();
        for (int m = 0; m + 1 < messages.size(); m += 2) {
            RequestMessage request = RequestMessage.from(messages.get(m));
            List<TtlvItem> expectedItems = messages.get(m + 1).childrenWith(Tag.BATCH_ITEM);
            f.version = request.header().protocolVersion();
            f.batch = new OperationContext.BatchState();
            for (int i = 0; i < request.batchItems().size(); i++) {
                RequestBatchItem item = request.batchItems().get(i);
                TtlvItem expected = expectedItems.get(i);
                Operation op = item.operation().orElseThrow();
                TtlvItem payload = substitute(item.payload(), ids);
                String where = path + " message " + (m / 2 + 1) + " " + op.specName();
                int status = expected.child(Tag.RESULT_STATUS).orElseThrow().enumValue();
                if (status == ResultStatus.SUCCESS.value()) {
                    TtlvItem actual;
                    try {
                        actual = f.run(op, payload);
                    } catch (KmipException e) {
                        throw new AssertionError(where + " failed with " + e.reason() + ": " + e.getMessage(), e);
                    }
                    compare(where, expected.child(Tag.RESPONSE_PAYLOAD).orElseThrow(), actual, ids);
                } else {
                    int reason = expected.child(Tag.RESULT_REASON).orElseThrow().enumValue();
                    try {
                        f.run(op, payload);
                        fail(where + " succeeded; expected " + ResultReason.fromValue(reason).orElseThrow());
                    } catch (KmipException e) {
                        assertThat(e.reason().value()).as(where + ": " + e.getMessage()).isEqualTo(reason);
                    }
                }
            }
        }
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
        String at = where + " at " + Payloads.name(expected.tag());
        assertThat(actual.tag()).as(at + " tag").isEqualTo(expected.tag());
        assertThat(actual.type()).as(at + " type").isEqualTo(expected.type());
        if (expected.isStructure()) {
            assertThat(actual.children()).as(at + " fields").extracting(TtlvItem::tag)
                    .containsExactlyElementsOf(expected.children().stream().map(TtlvItem::tag).toList());
            for (int i = 0; i < expected.children().size(); i++) {
                compare(where, expected.children().get(i), actual.children().get(i), ids);
            }
        } else if (expected.tag() == Tag.UNIQUE_IDENTIFIER && expected.textValue().startsWith("$")) {
            String bound = ids.putIfAbsent(expected.textValue(), actual.textValue());
            assertThat(actual.textValue()).as(at).isEqualTo(bound == null ? actual.textValue() : bound);
        } else if (expected.type() == ItemType.DATE_TIME) {
            return;
        } else if (expected.tag() == Tag.KEY_MATERIAL) {
            assertThat(actual.bytesLength()).as(at + " length").isEqualTo(expected.bytesLength());
        } else {
            assertThat(actual).as(at).isEqualTo(expected);
        }
    }
}
