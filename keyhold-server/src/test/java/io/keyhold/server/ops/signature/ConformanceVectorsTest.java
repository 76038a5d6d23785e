package io.keyhold.server.ops.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.protocol.xml.KmipXml;
import io.keyhold.server.auth.Identity;
import io.keyhold.server.dispatch.ConnectionSession;
import io.keyhold.server.dispatch.RequestContext;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.ops.object.ObjectOperations;
import io.keyhold.server.store.memory.InMemoryObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays the OASIS test cases CS-AC-M-4 to 7 (MAC, MAC Verify, MAC then MAC Verify, Hash) of KMIP 1.2 to 2.1 and
 * checks every response payload exactly (identifiers through their placeholders). The Sign and Signature Verify
 * cases (CS-AC-M-1/2/3/8) register PKCS#1 keys, a format the key material reader does not take yet; their
 * signature vector is checked in KnownAnswerTest instead.
 */
class ConformanceVectorsTest {
    private static final long T0 = 1_700_000_000L;
    private static final byte[] MAC_DATA_MARK = "$MAC_DATA".getBytes(StandardCharsets.US_ASCII);

    static Path vectors() {
        String configured = System.getProperty("keyhold.shared.dir");
        return Path.of(configured == null || configured.isBlank() ? "/work/shared" : configured).resolve("conformance").resolve("vectors");
    }

    static Stream<String> cases() throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(vectors().resolve("INDEX.csv"))) {
            String[] f = line.split(",");
            if (f[0].matches(".*/CS-AC-M-[4-7]-1[234]\\.xml|.*/CS-AC-M-[4-7]-2[01]\\.xml")) {
                out.add(f[0]);
            }
        }
        assertThat(out).hasSizeGreaterThanOrEqualTo(20);
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void replay(String path) throws Exception {
        List<TtlvItem> messages = new KmipXml().readAll(Files.readString(vectors().resolve(path)), (tag, type, placeholder) -> {
            if (placeholder.startsWith("$NOW") && type == ItemType.DATE_TIME) {
                return Optional.of(TtlvItem.dateTime(tag, T0 - 60));
            }
            if (placeholder.equals("$MAC_DATA") && type == ItemType.BYTE_STRING) {
                return Optional.of(TtlvItem.bytes(tag, MAC_DATA_MARK));
            }
            return Optional.empty();
        });
        InMemoryObjectStore store = new InMemoryObjectStore();
        ConnectionSession session = new ConnectionSession();
        List<OperationHandler> all = new ArrayList<>(ObjectOperations.handlers(new SecureRandom()));
        all.addAll(SignatureOperations.handlers(new SecureRandom()));
        Map<Operation, OperationHandler> handlers = all.stream().collect(Collectors.toMap(OperationHandler::operation, Function.identity()));
        Map<String, String> ids = new HashMap<>();
        byte[][] macData = new byte[1][];
        for (int m = 0; m + 1 < messages.size(); m += 2) {
            RequestMessage request = RequestMessage.from(messages.get(m));
            List<TtlvItem> expectedItems = messages.get(m + 1).childrenWith(Tag.BATCH_ITEM);
            KmipVersion version = request.header().protocolVersion();
            OperationContext.BatchState batch = new OperationContext.BatchState();
            for (int i = 0; i < request.batchItems().size(); i++) {
                RequestBatchItem item = request.batchItems().get(i);
                Operation op = item.operation().orElseThrow();
                String where = path + " message " + (m / 2 + 1) + " " + op.specName();
                TtlvItem payload = substitute(item.payload(), ids, macData[0]);
                OperationContext context = new OperationContext(version, new RequestContext(new Identity("client1"), "127.0.0.1:1",
                        session), Clock.fixed(Instant.ofEpochSecond(T0), ZoneOffset.UTC), store, batch, null);
                TtlvItem expected = expectedItems.get(i);
                assertThat(expected.child(Tag.RESULT_STATUS).orElseThrow().enumValue()).as(where).isEqualTo(ResultStatus.SUCCESS.value());
                TtlvItem actual;
                try {
                    actual = handlers.get(op).handle(context, payload);
                } catch (KmipException e) {
                    throw new AssertionError(where + " failed with " + e.reason() + ": " + e.getMessage(), e);
                }
                compare(where, expected.child(Tag.RESPONSE_PAYLOAD).orElseThrow(), actual, ids);
                actual.child(Tag.MAC_DATA).ifPresent(d -> macData[0] = d.bytesValue());
            }
        }
    }

    private static TtlvItem substitute(TtlvItem item, Map<String, String> ids, byte[] macData) {
        if (item.type() == ItemType.TEXT_STRING && ids.containsKey(item.textValue())) {
            return TtlvItem.text(item.tag(), ids.get(item.textValue()));
        }
        if (item.type() == ItemType.BYTE_STRING && Arrays.equals(item.bytesValue(), MAC_DATA_MARK)) {
            if (macData == null) {
                fail("$MAC_DATA used before any MAC response");
            }
            return TtlvItem.bytes(item.tag(), macData);
        }
        if (!item.isStructure()) {
            return item;
        }
        List<TtlvItem> c = new ArrayList<>();
        for (TtlvItem child : item.children()) {
            c.add(substitute(child, ids, macData));
        }
        return TtlvItem.structure(item.tag(), c);
    }

    private static void compare(String where, TtlvItem expected, TtlvItem actual, Map<String, String> ids) {
        String at = where + " at tag 0x" + Integer.toHexString(expected.tag());
        assertThat(actual.tag()).as(at).isEqualTo(expected.tag());
        if (expected.isStructure()) {
            assertThat(actual.children()).as(at + " fields").extracting(TtlvItem::tag)
                    .containsExactlyElementsOf(expected.children().stream().map(TtlvItem::tag).toList());
            for (int i = 0; i < expected.children().size(); i++) {
                compare(where, expected.children().get(i), actual.children().get(i), ids);
            }
        } else if (expected.tag() == Tag.UNIQUE_IDENTIFIER && expected.textValue().startsWith("$")) {
            String bound = ids.putIfAbsent(expected.textValue(), actual.textValue());
            assertThat(actual.textValue()).as(at).isEqualTo(bound == null ? actual.textValue() : bound);
        } else {
            assertThat(actual).as(at).isEqualTo(expected);
        }
    }
}
