package io.keyhold.server.ops.server;

import static io.keyhold.server.dispatch.DispatcherFixture.item;
import static io.keyhold.server.dispatch.DispatcherFixture.only;
import static io.keyhold.server.dispatch.DispatcherFixture.reason;
import static io.keyhold.server.dispatch.DispatcherFixture.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.InteropFunction;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ProtectionStorageMask;
import io.keyhold.protocol.spec.QueryFunction;
import io.keyhold.protocol.spec.RngAlgorithm;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.ServerRandom;
import io.keyhold.server.dispatch.DispatcherFixture;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ServerOperationsTest {
    private final DispatcherFixture f = new DispatcherFixture(List.of());

    @AfterEach
    void close() {
        f.close();
    }

    private static TtlvItem pv(KmipVersion v) {
        return TtlvItem.structure(Tag.PROTOCOL_VERSION, TtlvItem.integer(Tag.PROTOCOL_VERSION_MAJOR, v.major()),
                TtlvItem.integer(Tag.PROTOCOL_VERSION_MINOR, v.minor()));
    }

    private static List<TtlvItem> versionsIn(ResponseBatchItem r) {
        return r.payload().childrenWith(Tag.PROTOCOL_VERSION);
    }

    @Test
    void discoverVersions_emptyRequest_listsAllHighestFirst() {
        ResponseBatchItem r = only(f.send(KmipVersion.V1_1, item(Operation.DISCOVER_VERSIONS)));
        assertThat(versionsIn(r)).containsExactly(pv(KmipVersion.V2_1), pv(KmipVersion.V2_0), pv(KmipVersion.V1_4),
                pv(KmipVersion.V1_3), pv(KmipVersion.V1_2), pv(KmipVersion.V1_1), pv(KmipVersion.V1_0));
    }

    @Test
    void discoverVersions_clientList_returnsOnlyThoseInServerOrder() {
        ResponseBatchItem r = only(f.send(KmipVersion.V1_2, item(Operation.DISCOVER_VERSIONS,
                pv(KmipVersion.V1_2), pv(new KmipVersion(3, 0)), pv(KmipVersion.V1_4), pv(KmipVersion.V1_3))));
        assertThat(versionsIn(r)).containsExactly(pv(KmipVersion.V1_4), pv(KmipVersion.V1_3), pv(KmipVersion.V1_2));
    }

    @Test
    void discoverVersions_noCommonVersion_returnsEmptyList() {
        ResponseBatchItem r = only(f.send(KmipVersion.V1_2, item(Operation.DISCOVER_VERSIONS, pv(new KmipVersion(3, 0)))));
        assertThat(status(r)).isEqualTo(ResultStatus.SUCCESS);
        assertThat(versionsIn(r)).isEmpty();
    }

    @Test
    void discoverVersions_inUnsupportedVersion_isAnsweredInHighestLowerVersion() {
        ResponseMessage m = f.send(new KmipVersion(3, 0), item(Operation.DISCOVER_VERSIONS, pv(new KmipVersion(3, 0)),
                pv(KmipVersion.V2_1)));
        assertThat(m.header().protocolVersion()).isEqualTo(KmipVersion.V2_1);
        assertThat(versionsIn(only(m))).containsExactly(pv(KmipVersion.V2_1));
    }

    @Test
    void discoverVersions_badProtocolVersion_failsInvalidMessage() {
        ResponseBatchItem r = only(f.send(KmipVersion.V1_4, item(Operation.DISCOVER_VERSIONS,
                TtlvItem.structure(Tag.PROTOCOL_VERSION, TtlvItem.integer(Tag.PROTOCOL_VERSION_MAJOR, 1)))));
        assertThat(reason(r)).isEqualTo(ResultReason.INVALID_MESSAGE);
    }

    private ResponseBatchItem query(KmipVersion v, QueryFunction... functions) {
        TtlvItem[] p = Arrays.stream(functions).map(q -> TtlvItem.enumeration(Tag.QUERY_FUNCTION, q.value()))
                .toArray(TtlvItem[]::new);
        byte[] raw = f.raw(v, item(Operation.QUERY, p));
        assertThat(DispatcherFixture.RULES.check(DispatcherFixture.tree(raw), v)).isEmpty();
        return only(DispatcherFixture.decode(raw));
    }

    @ParameterizedTest
    @EnumSource(value = QueryFunction.class)
    void query_everyFunctionOf21_succeeds(QueryFunction q) {
        assertThat(status(query(KmipVersion.V2_1, q))).isEqualTo(ResultStatus.SUCCESS);
    }

    @Test
    void query_serverInformation_namesTheVendorAndAlwaysHasTheStructure() {
        ResponseBatchItem r11 = query(KmipVersion.V1_1, QueryFunction.QUERY_SERVER_INFORMATION);
        assertThat(r11.payload().child(Tag.VENDOR_IDENTIFICATION).orElseThrow().textValue()).isEqualTo("Keyhold");
        assertThat(r11.payload().child(Tag.SERVER_INFORMATION).orElseThrow().children()).isEmpty();
        ResponseBatchItem r21 = query(KmipVersion.V2_1, QueryFunction.QUERY_SERVER_INFORMATION);
        TtlvItem info = r21.payload().child(Tag.SERVER_INFORMATION).orElseThrow();
        assertThat(info.child(Tag.SERVER_NAME).orElseThrow().textValue()).isEqualTo("Keyhold");
        assertThat(info.child(Tag.SERVER_VERSION)).isPresent();
    }

    @Test
    void query_objects_listsConfiguredTypes() {
        ResponseBatchItem r = query(KmipVersion.V1_0, QueryFunction.QUERY_OBJECTS);
        assertThat(r.payload().childrenWith(Tag.OBJECT_TYPE)).extracting(TtlvItem::enumValue)
                .contains(ObjectType.SYMMETRIC_KEY.value(), ObjectType.SECRET_DATA.value());
    }

    @Test
    void query_capabilities_declaresBatchAndAsyncSupportFrom14() {
        TtlvItem c14 = query(KmipVersion.V1_4, QueryFunction.QUERY_CAPABILITIES).payload()
                .child(Tag.CAPABILITY_INFORMATION).orElseThrow();
        assertThat(c14.child(Tag.BATCH_UNDO_CAPABILITY).orElseThrow().booleanValue()).isTrue();
        assertThat(c14.child(Tag.ASYNCHRONOUS_CAPABILITY).orElseThrow().booleanValue()).isTrue();
        assertThat(c14.child(Tag.STREAMING_CAPABILITY).orElseThrow().booleanValue()).isFalse();
        TtlvItem c13 = query(KmipVersion.V1_3, QueryFunction.QUERY_CAPABILITIES).payload()
                .child(Tag.CAPABILITY_INFORMATION).orElseThrow();
        assertThat(c13.child(Tag.BATCH_UNDO_CAPABILITY)).isEmpty();
    }

    @Test
    void query_functionsWithNothingToDeclare_answerEmptyPayload() {
        ResponseBatchItem r = query(KmipVersion.V1_4, QueryFunction.QUERY_APPLICATION_NAMESPACES,
                QueryFunction.QUERY_EXTENSION_LIST, QueryFunction.QUERY_EXTENSION_MAP, QueryFunction.QUERY_ATTESTATION_TYPES,
                QueryFunction.QUERY_VALIDATIONS, QueryFunction.QUERY_PROFILES,
                QueryFunction.QUERY_CLIENT_REGISTRATION_METHODS);
        assertThat(status(r)).isEqualTo(ResultStatus.SUCCESS);
        assertThat(r.payload().children()).isEmpty();
    }

    @Test
    void query_rngs_reportsTheServersGenerator_from13() {
        for (KmipVersion v : List.of(KmipVersion.V1_3, KmipVersion.V1_4, KmipVersion.V2_0, KmipVersion.V2_1)) {
            ResponseBatchItem r = query(v, QueryFunction.QUERY_RNGS);
            assertThat(status(r)).isEqualTo(ResultStatus.SUCCESS);
            assertThat(r.payload().children()).as("%s", v).containsExactly(ServerRandom.parameters().orElseThrow());
        }
        TtlvItem rng = ServerRandom.parameters().orElseThrow();
        assertThat(rng.child(Tag.RNG_ALGORITHM).orElseThrow().enumValue()).isEqualTo(RngAlgorithm.DRBG.value());
        assertThat(reason(query(KmipVersion.V1_2, QueryFunction.QUERY_RNGS))).isEqualTo(ResultReason.INVALID_FIELD);
    }

    @Test
    void query_storageProtectionMasks_reportsSoftware() {
        ResponseBatchItem r = query(KmipVersion.V2_1, QueryFunction.QUERY_STORAGE_PROTECTION_MASKS);
        assertThat(r.payload().children()).containsExactly(TtlvItem.structure(Tag.PROTECTION_STORAGE_MASKS,
                TtlvItem.integer(Tag.PROTECTION_STORAGE_MASK, ProtectionStorageMask.SOFTWARE.value())));
    }

    @Test
    void query_functionNewerThanVersion_failsInvalidField() {
        ResponseBatchItem r = query(KmipVersion.V1_2, QueryFunction.QUERY_PROFILES);
        assertThat(reason(r)).isEqualTo(ResultReason.INVALID_FIELD);
    }

    @Test
    void ping_in21_succeedsWithEmptyPayload() {
        ResponseBatchItem r = only(f.send(KmipVersion.V2_1, item(Operation.PING)));
        assertThat(status(r)).isEqualTo(ResultStatus.SUCCESS);
        assertThat(r.payload().children()).isEmpty();
    }

    @Test
    void ping_in20_isNotSupported() {
        assertThat(reason(only(f.send(KmipVersion.V2_0, item(Operation.PING))))).isEqualTo(ResultReason.OPERATION_NOT_SUPPORTED);
    }

    @Test
    void log_in20_succeeds() {
        ResponseBatchItem r = only(f.send(KmipVersion.V2_0, item(Operation.LOG,
                TtlvItem.text(Tag.LOG_MESSAGE, "rotation done\nFAKE LOG LINE"))));
        assertThat(status(r)).isEqualTo(ResultStatus.SUCCESS);
    }

    @Test
    void log_withoutMessage_failsInvalidMessage() {
        assertThat(reason(only(f.send(KmipVersion.V2_1, item(Operation.LOG))))).isEqualTo(ResultReason.INVALID_MESSAGE);
    }

    @Test
    void log_sanitize_replacesControlCharactersAndTruncates() {
        assertThat(LogHandler.sanitize("a\nb\u0000c")).isEqualTo("a?b?c");
        assertThat(LogHandler.sanitize("x".repeat(5000))).hasSize(LogHandler.MAX_CHARS + 1);
    }

    private ResponseBatchItem interop(KmipVersion v, InteropFunction function, String id) {
        return only(f.send(v, item(Operation.INTEROP, TtlvItem.enumeration(Tag.INTEROP_FUNCTION, function.value()),
                TtlvItem.text(Tag.INTEROP_IDENTIFIER, id))));
    }

    @Test
    void interop_beginThenEnd_succeedsWithEmptyPayload() {
        ResponseBatchItem begin = interop(KmipVersion.V2_1, InteropFunction.BEGIN, "BL-M-1-21");
        assertThat(status(begin)).isEqualTo(ResultStatus.SUCCESS);
        assertThat(begin.payload().children()).isEmpty();
        ResponseBatchItem end = interop(KmipVersion.V2_1, InteropFunction.END, "BL-M-1-21");
        assertThat(status(end)).isEqualTo(ResultStatus.SUCCESS);
        assertThat(end.payload().children()).isEmpty();
    }

    @Test
    void interop_endWithoutBegin_failsInvalidField() {
        assertThat(reason(interop(KmipVersion.V2_0, InteropFunction.END, "never-begun"))).isEqualTo(ResultReason.INVALID_FIELD);
        interop(KmipVersion.V2_0, InteropFunction.BEGIN, "twice");
        interop(KmipVersion.V2_0, InteropFunction.END, "twice");
        assertThat(reason(interop(KmipVersion.V2_0, InteropFunction.END, "twice"))).isEqualTo(ResultReason.INVALID_FIELD);
    }

    @Test
    void interop_reset_closesEveryOpenTestCase() {
        interop(KmipVersion.V2_1, InteropFunction.BEGIN, "a");
        interop(KmipVersion.V2_1, InteropFunction.BEGIN, "b");
        assertThat(status(interop(KmipVersion.V2_1, InteropFunction.RESET, "a"))).isEqualTo(ResultStatus.SUCCESS);
        assertThat(reason(interop(KmipVersion.V2_1, InteropFunction.END, "b"))).isEqualTo(ResultReason.INVALID_FIELD);
    }

    @Test
    void interop_badFields_areRefused() {
        assertThat(reason(only(f.send(KmipVersion.V2_1, item(Operation.INTEROP,
                TtlvItem.text(Tag.INTEROP_IDENTIFIER, "x")))))).isEqualTo(ResultReason.INVALID_MESSAGE);
        assertThat(reason(only(f.send(KmipVersion.V2_1, item(Operation.INTEROP,
                TtlvItem.enumeration(Tag.INTEROP_FUNCTION, 9), TtlvItem.text(Tag.INTEROP_IDENTIFIER, "x"))))))
                .isEqualTo(ResultReason.INVALID_FIELD);
        assertThat(reason(interop(KmipVersion.V1_4, InteropFunction.BEGIN, "x"))).isEqualTo(ResultReason.OPERATION_NOT_SUPPORTED);
    }

    @Test
    void interop_keepsAtMostMaxOpenTestCases() throws Exception {
        InteropHandler h = new InteropHandler(2);
        DispatcherFixture small = new DispatcherFixture(List.of(h));
        try {
            for (String id : List.of("one", "two", "three")) {
                small.send(KmipVersion.V2_1, item(Operation.INTEROP, TtlvItem.enumeration(Tag.INTEROP_FUNCTION,
                        InteropFunction.BEGIN.value()), TtlvItem.text(Tag.INTEROP_IDENTIFIER, id)));
            }
            assertThat(h.isOpen("one")).isFalse();
            assertThat(h.isOpen("two")).isTrue();
            assertThat(h.isOpen("three")).isTrue();
        } finally {
            small.close();
        }
    }
}
