package io.keyhold.server.dispatch;

import static io.keyhold.server.dispatch.DispatcherFixture.header;
import static io.keyhold.server.dispatch.DispatcherFixture.item;
import static io.keyhold.server.dispatch.DispatcherFixture.only;
import static io.keyhold.server.dispatch.DispatcherFixture.reason;
import static io.keyhold.server.dispatch.DispatcherFixture.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.BatchErrorContinuationOption;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.QueryFunction;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.ops.attribute.AttributeHandlers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KmipDispatcherTest {
    private final DispatcherFixture f = new DispatcherFixture(handlers());

    static List<OperationHandler> handlers() {
        List<OperationHandler> h = new ArrayList<>(AttributeHandlers.all());
        h.add(TestHandlers.create());
        h.add(TestHandlers.failing(Operation.ACTIVATE, ResultReason.PERMISSION_DENIED));
        h.add(TestHandlers.exploding());
        h.add(TestHandlers.echo());
        return h;
    }

    static List<KmipVersion> versions() {
        return KmipVersion.KNOWN;
    }

    @AfterEach
    void close() {
        f.close();
    }


    private static RequestBatchItem queryItem(QueryFunction... functions) {
        TtlvItem[] p = Arrays.stream(functions).map(q -> TtlvItem.enumeration(Tag.QUERY_FUNCTION, q.value()))
                .toArray(TtlvItem[]::new);
        return item(Operation.QUERY, p);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void process_everyVersion_answersInThatVersionWithHeaderInOrder(KmipVersion v) {
        byte[] raw = f.raw(v, queryItem(QueryFunction.QUERY_OPERATIONS, QueryFunction.QUERY_OBJECTS,
                QueryFunction.QUERY_SERVER_INFORMATION), item(Operation.GET_ATTRIBUTES,
                TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "missing")));
        TtlvItem tree = DispatcherFixture.tree(raw);
        assertThat(DispatcherFixture.RULES.check(tree, v)).isEmpty();
        TtlvItem header = tree.child(Tag.RESPONSE_HEADER).orElseThrow();
        assertThat(header.children()).extracting(TtlvItem::tag)
                .containsExactly(Tag.PROTOCOL_VERSION, Tag.TIME_STAMP, Tag.BATCH_COUNT);
        ResponseMessage m = DispatcherFixture.decode(raw);
        assertThat(m.header().protocolVersion()).isEqualTo(v);
        assertThat(m.header().timeStamp()).isEqualTo(DispatcherFixture.NOW);
        assertThat(m.batchItems()).hasSize(2);
        assertThat(status(m.batchItems().get(0))).isEqualTo(ResultStatus.SUCCESS);
        assertThat(reason(m.batchItems().get(1))).isEqualTo(v.isTwoOrLater() ? ResultReason.OBJECT_NOT_FOUND : ResultReason.ITEM_NOT_FOUND);
        assertThat(m.batchItems().get(1).resultMessage()).isNotBlank();
    }

    @ParameterizedTest
    @MethodSource("versions")
    void queryOperations_listsOnlyRegisteredOperationsOfTheVersion(KmipVersion v) {
        ResponseBatchItem r = only(f.send(v, queryItem(QueryFunction.QUERY_OPERATIONS)));
        List<Integer> ops = r.payload().childrenWith(Tag.OPERATION).stream().map(TtlvItem::enumValue).toList();
        assertThat(ops).contains(Operation.QUERY.value(), Operation.GET_ATTRIBUTES.value(), Operation.CREATE.value())
                .doesNotContain(Operation.ENCRYPT.value(), Operation.LOCATE.value());
        assertThat(ops.contains(Operation.DISCOVER_VERSIONS.value())).isEqualTo(v.isAtLeast(KmipVersion.V1_1));
        assertThat(ops.contains(Operation.SET_ATTRIBUTE.value())).isEqualTo(v.isAtLeast(KmipVersion.V2_0));
        assertThat(ops.contains(Operation.PING.value())).isEqualTo(v.isAtLeast(KmipVersion.V2_1));
    }

    @Test
    void process_failureInStopBatch_omitsTheRestAndKeepsEarlierWork() {
        ResponseMessage m = f.send(header(KmipVersion.V1_2, 3),
                item(Operation.CREATE, new byte[] {1}, TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "a")),
                item(Operation.ACTIVATE, new byte[] {2}),
                item(Operation.CREATE, new byte[] {3}, TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "b")));
        assertThat(m.header().batchCount()).isEqualTo(2);
        assertThat(m.batchItems()).extracting(DispatcherFixture::status)
                .containsExactly(ResultStatus.SUCCESS, ResultStatus.OPERATION_FAILED);
        assertThat(m.batchItems().get(1).uniqueBatchItemId()).containsExactly(2);
        assertThat(m.batchItems().get(1).operationValue()).isEqualTo(Operation.ACTIVATE.value());
        assertThat(reason(m.batchItems().get(1))).isEqualTo(ResultReason.PERMISSION_DENIED);
        assertThat(m.batchItems().get(1).resultMessage()).isEqualTo("refused on purpose");
        assertThat(f.exists("a")).isTrue();
        assertThat(f.exists("b")).isFalse();
    }

    @Test
    void process_continueBatch_runsEveryItem() {
        ResponseMessage m = f.send(header(KmipVersion.V1_4, 3, null, null, null, BatchErrorContinuationOption.CONTINUE.value()),
                item(Operation.CREATE, new byte[] {1}, TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "a")),
                item(Operation.ACTIVATE, new byte[] {2}),
                item(Operation.CREATE, new byte[] {3}, TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "b")));
        assertThat(m.batchItems()).extracting(DispatcherFixture::status)
                .containsExactly(ResultStatus.SUCCESS, ResultStatus.OPERATION_FAILED, ResultStatus.SUCCESS);
        assertThat(m.batchItems()).extracting(i -> i.uniqueBatchItemId()[0]).containsExactly((byte) 1, (byte) 2, (byte) 3);
        assertThat(f.exists("a")).isTrue();
        assertThat(f.exists("b")).isTrue();
    }

    @Test
    void process_undoBatchWithFailure_rollsBackEarlierWritesAndReportsThemUndone() {
        ResponseMessage m = f.send(header(KmipVersion.V2_1, 3, null, null, null, BatchErrorContinuationOption.UNDO.value()),
                item(Operation.CREATE, new byte[] {1}, TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "a")),
                item(Operation.CREATE, new byte[] {2}, TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "b")),
                item(Operation.ACTIVATE, new byte[] {3}));
        assertThat(m.batchItems()).extracting(DispatcherFixture::status).containsExactly(
                ResultStatus.OPERATION_UNDONE, ResultStatus.OPERATION_UNDONE, ResultStatus.OPERATION_FAILED);
        assertThat(m.batchItems().get(0).payload().child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue()).isEqualTo("a");
        assertThat(f.exists("a")).isFalse();
        assertThat(f.exists("b")).isFalse();
    }

    @Test
    void process_undoBatchWithoutFailure_commitsEverything() {
        ResponseMessage m = f.send(header(KmipVersion.V1_0, 2, null, null, null, BatchErrorContinuationOption.UNDO.value()),
                item(Operation.CREATE, TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "a")),
                item(Operation.ADD_ATTRIBUTE, AttributeItems.attribute1x("x-owner", "team")));
        assertThat(m.batchItems()).extracting(DispatcherFixture::status)
                .containsExactly(ResultStatus.SUCCESS, ResultStatus.SUCCESS);
        assertThat(f.stored("a").attributes("x-owner")).hasSize(1);
    }

    @Test
    void process_itemWithoutIdentifier_usesIdPlaceholderOfPreviousItem() {
        ResponseMessage m = f.send(KmipVersion.V1_1,
                item(Operation.CREATE, TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "made")),
                item(Operation.CHECK));
        assertThat(m.batchItems().get(1).payload().child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue()).isEqualTo("made");
    }

    @Test
    void process_runtimeExceptionInHandler_answersGeneralFailureWithoutInternals() {
        ResponseBatchItem r = only(f.send(KmipVersion.V1_2, item(Operation.DESTROY, new byte[] {9},
                TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "x"))));
        assertThat(reason(r)).isEqualTo(ResultReason.GENERAL_FAILURE);
        assertThat(r.resultMessage()).matches("internal error; see the server log, reference [0-9a-f]{8}")
                .doesNotContain("SECRET");
        assertThat(r.operationValue()).isEqualTo(Operation.DESTROY.value());
        assertThat(r.uniqueBatchItemId()).containsExactly(9);
    }

    @Test
    void process_operationWithoutHandler_answersOperationNotSupported() {
        ResponseBatchItem r = only(f.send(KmipVersion.V1_2, item(Operation.ENCRYPT, new byte[] {7})));
        assertThat(reason(r)).isEqualTo(ResultReason.OPERATION_NOT_SUPPORTED);
        assertThat(r.operationValue()).isEqualTo(Operation.ENCRYPT.value());
        assertThat(r.uniqueBatchItemId()).containsExactly(7);
        assertThat(r.resultMessage()).contains("Encrypt");
    }

    @Test
    void process_unknownOperationValue_answersOperationNotSupportedEchoingIt() {
        RequestBatchItem unknown = new RequestBatchItem(0x00007777, null, null, TtlvItem.structure(Tag.REQUEST_PAYLOAD), null);
        ResponseBatchItem r = only(f.send(KmipVersion.V1_4, unknown));
        assertThat(reason(r)).isEqualTo(ResultReason.OPERATION_NOT_SUPPORTED);
        assertThat(r.operationValue()).isEqualTo(0x7777);
    }

    @Test
    void process_operationNewerThanVersion_answersOperationNotSupportedWithinVersion() {
        byte[] raw = f.raw(KmipVersion.V1_4, item(Operation.PING));
        assertThat(DispatcherFixture.RULES.check(DispatcherFixture.tree(raw), KmipVersion.V1_4)).isEmpty();
        ResponseBatchItem r = only(DispatcherFixture.decode(raw));
        assertThat(reason(r)).isEqualTo(ResultReason.OPERATION_NOT_SUPPORTED);
        assertThat(r.resultMessage()).contains("does not exist in KMIP 1.4");
    }

    @Test
    void process_garbage_answersInvalidMessageInVersion10() {
        ResponseMessage m = DispatcherFixture.decode(f.dispatcher.process(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, f.client1));
        assertThat(m.header().protocolVersion()).isEqualTo(KmipVersion.V1_0);
        ResponseBatchItem r = only(m);
        assertThat(reason(r)).isEqualTo(ResultReason.INVALID_MESSAGE);
        assertThat(r.resultMessage()).startsWith("malformed message");
        assertThat(r.operationValue()).isNull();
    }

    @Test
    void process_truncatedMessageWithReadableHeader_answersInItsVersion() {
        byte[] whole = DispatcherFixture.encode(header(KmipVersion.V1_2, 1), List.of(item(Operation.QUERY)));
        byte[] cut = Arrays.copyOf(whole, whole.length - 8);
        ResponseMessage m = DispatcherFixture.decode(f.dispatcher.process(cut, f.client1));
        assertThat(m.header().protocolVersion()).isEqualTo(KmipVersion.V1_2);
        assertThat(reason(only(m))).isEqualTo(ResultReason.INVALID_MESSAGE);
    }

    @Test
    void process_batchCountMismatch_answersInvalidMessage() {
        byte[] req = DispatcherFixture.encode(header(KmipVersion.V1_1, 2), List.of(item(Operation.QUERY)));
        ResponseMessage m = DispatcherFixture.decode(f.dispatcher.process(req, f.client1));
        assertThat(m.header().protocolVersion()).isEqualTo(KmipVersion.V1_1);
        assertThat(reason(only(m))).isEqualTo(ResultReason.INVALID_MESSAGE);
        assertThat(only(m).resultMessage()).contains("Batch Count");
    }

    @Test
    void process_unsupportedVersions_answerInvalidMessageInHighestLowerVersion() {
        assertUnsupported(new KmipVersion(3, 0), KmipVersion.V2_1);
        assertUnsupported(new KmipVersion(1, 7), KmipVersion.V1_4);
        assertUnsupported(new KmipVersion(0, 9), KmipVersion.V1_0);
    }

    private void assertUnsupported(KmipVersion requested, KmipVersion answered) {
        byte[] raw = f.raw(requested, queryItem(QueryFunction.QUERY_OPERATIONS));
        assertThat(DispatcherFixture.RULES.check(DispatcherFixture.tree(raw), answered)).isEmpty();
        ResponseMessage m = DispatcherFixture.decode(raw);
        assertThat(m.header().protocolVersion()).isEqualTo(answered);
        assertThat(reason(only(m))).isEqualTo(ResultReason.INVALID_MESSAGE);
        assertThat(only(m).resultMessage()).contains("protocol version " + requested + " is not supported");
    }

    @Test
    void process_versionLimitedSettings_refusesOtherVersions() {
        DispatcherSettings d = DispatcherSettings.defaults();
        DispatcherSettings only12 = new DispatcherSettings(d.serverName(), d.serverVersion(),
                List.of(KmipVersion.V1_2, KmipVersion.V1_1), d.objectTypes(), 1, 10, d.asyncRetention());
        try (DispatcherFixture g = new DispatcherFixture(handlers(), only12)) {
            ResponseMessage m = g.send(KmipVersion.V1_4, queryItem(QueryFunction.QUERY_OPERATIONS));
            assertThat(m.header().protocolVersion()).isEqualTo(KmipVersion.V1_2);
            assertThat(reason(only(m))).isEqualTo(ResultReason.INVALID_MESSAGE);
        }
    }

    @Test
    void process_maximumResponseSizeExceeded_answersResponseTooLarge() {
        ResponseMessage m = f.send(header(KmipVersion.V2_1, 1, 100, null, null, null),
                queryItem(QueryFunction.QUERY_OPERATIONS, QueryFunction.QUERY_OBJECTS));
        ResponseBatchItem r = only(m);
        assertThat(reason(r)).isEqualTo(ResultReason.RESPONSE_TOO_LARGE);
        assertThat(r.operationValue()).isEqualTo(Operation.QUERY.value());
        assertThat(r.resultMessage()).contains("Maximum Response Size of 100");
    }

    @Test
    void process_maximumResponseSizeLargeEnough_answersNormally() {
        ResponseMessage m = f.send(header(KmipVersion.V2_1, 1, 100_000, null, null, null),
                queryItem(QueryFunction.QUERY_OPERATIONS));
        assertThat(status(only(m))).isEqualTo(ResultStatus.SUCCESS);
    }

    @Test
    void process_clientCorrelationValue_echoedFrom14Only() {
        ResponseMessage m14 = f.send(header(KmipVersion.V1_4, 1, null, "corr-1", null, null), item(Operation.QUERY));
        assertThat(m14.header().clientCorrelationValue()).isEqualTo("corr-1");
        assertThat(m14.header().serverCorrelationValue()).isNull();
        ResponseMessage m10 = f.send(header(KmipVersion.V1_0, 1, null, "corr-1", null, null), item(Operation.QUERY));
        assertThat(m10.header().clientCorrelationValue()).isNull();
        ResponseMessage none = f.send(KmipVersion.V2_1, item(Operation.QUERY));
        assertThat(none.header().clientCorrelationValue()).isNull();
    }

    @Test
    void process_reasonMissingFromVersion_isMappedToOneItHas() {
        try (DispatcherFixture g = new DispatcherFixture(List.of(
                TestHandlers.failing(Operation.ACTIVATE, ResultReason.ATTRIBUTE_NOT_FOUND),
                TestHandlers.failing(Operation.REVOKE, ResultReason.ILLEGAL_OPERATION)))) {
            byte[] raw = g.raw(KmipVersion.V1_2, item(Operation.ACTIVATE));
            assertThat(DispatcherFixture.RULES.check(DispatcherFixture.tree(raw), KmipVersion.V1_2)).isEmpty();
            assertThat(reason(only(DispatcherFixture.decode(raw)))).isEqualTo(ResultReason.ITEM_NOT_FOUND);
            assertThat(reason(only(g.send(KmipVersion.V2_0, item(Operation.ACTIVATE))))).isEqualTo(ResultReason.ATTRIBUTE_NOT_FOUND);
            assertThat(reason(only(g.send(KmipVersion.V2_1, item(Operation.REVOKE)))))
                    .isEqualTo(ResultReason.WRONG_KEY_LIFECYCLE_STATE);
            assertThat(reason(only(g.send(KmipVersion.V1_4, item(Operation.REVOKE))))).isEqualTo(ResultReason.ILLEGAL_OPERATION);
        }
    }

    @Test
    void resultReasons_everyReasonInEveryVersion_mapsToOneTheVersionHas() {
        for (KmipVersion v : KmipVersion.KNOWN) {
            for (ResultReason r : ResultReason.values()) {
                assertThat(ResultReasons.has(ResultReasons.forVersion(r, v), v)).as(r + " in " + v).isTrue();
            }
        }
    }

    @Test
    void process_criticalMessageExtension_isRefused() {
        TtlvItem ext = TtlvItem.structure(Tag.MESSAGE_EXTENSION, TtlvItem.text(Tag.VENDOR_IDENTIFICATION, "acme"),
                TtlvItem.bool(Tag.CRITICALITY_INDICATOR, true), TtlvItem.structure(Tag.VENDOR_EXTENSION));
        TtlvItem batchItem = TtlvItem.structure(Tag.BATCH_ITEM, TtlvItem.enumeration(Tag.OPERATION, Operation.QUERY.value()),
                TtlvItem.structure(Tag.REQUEST_PAYLOAD), ext);
        for (KmipVersion v : List.of(KmipVersion.V1_2, KmipVersion.V2_1)) {
            TtlvItem msg = TtlvItem.structure(Tag.REQUEST_MESSAGE, TtlvItem.structure(Tag.REQUEST_HEADER,
                    TtlvItem.structure(Tag.PROTOCOL_VERSION, TtlvItem.integer(Tag.PROTOCOL_VERSION_MAJOR, v.major()),
                            TtlvItem.integer(Tag.PROTOCOL_VERSION_MINOR, v.minor())),
                    TtlvItem.integer(Tag.BATCH_COUNT, 1)), batchItem);
            ResponseBatchItem r = only(DispatcherFixture.decode(f.dispatcher.process(new TtlvEncoder().encode(msg), f.client1)));
            assertThat(reason(r)).isEqualTo(v.isTwoOrLater() ? ResultReason.UNKNOWN_MESSAGE_EXTENSION
                    : ResultReason.FEATURE_NOT_SUPPORTED);
        }
    }

    @Test
    void failure_answersOneFailedItemInVersion10() {
        ResponseMessage m = DispatcherFixture.decode(f.dispatcher.failure(ResultReason.RESPONSE_TOO_LARGE, "too big"));
        assertThat(m.header().protocolVersion()).isEqualTo(KmipVersion.V1_0);
        assertThat(reason(only(m))).isEqualTo(ResultReason.RESPONSE_TOO_LARGE);
        assertThat(only(m).resultMessage()).isEqualTo("too big");
    }

    @Test
    void failure_reasonNewerThan10_isMapped() {
        ResponseMessage m = DispatcherFixture.decode(f.dispatcher.failure(ResultReason.SERVER_LIMIT_EXCEEDED, "busy"));
        assertThat(reason(only(m))).isEqualTo(ResultReason.GENERAL_FAILURE);
    }
}
