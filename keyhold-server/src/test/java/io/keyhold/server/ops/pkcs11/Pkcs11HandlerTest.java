package io.keyhold.server.ops.pkcs11;

import static io.keyhold.server.dispatch.DispatcherFixture.header;
import static io.keyhold.server.dispatch.DispatcherFixture.item;
import static io.keyhold.server.dispatch.DispatcherFixture.only;
import static io.keyhold.server.dispatch.DispatcherFixture.reason;
import static io.keyhold.server.dispatch.DispatcherFixture.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.Pkcs11Function;
import io.keyhold.protocol.spec.Pkcs11ReturnCode;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.dispatch.DispatcherFixture;
import io.keyhold.server.dispatch.RequestContext;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.store.memory.InMemoryObjectStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class Pkcs11HandlerTest {
    private final Pkcs11Handler handler = new Pkcs11Handler("1.4.2", 2);
    private final DispatcherFixture f = new DispatcherFixture(List.of());

    @AfterEach
    void close() {
        f.close();
    }

    private TtlvItem call(RequestContext who, TtlvItem... payload) throws KmipException {
        OperationContext c = new OperationContext(KmipVersion.V2_1, who, Clock.systemUTC(), new InMemoryObjectStore(),
                new OperationContext.BatchState(), null);
        return handler.handle(c, TtlvItem.structure(Tag.REQUEST_PAYLOAD, payload));
    }

    private TtlvItem call(TtlvItem... payload) throws KmipException {
        return call(f.client1, payload);
    }

    private static TtlvItem function(Pkcs11Function fn) {
        return TtlvItem.enumeration(Tag.PKCS_11_FUNCTION, fn.value());
    }

    private static TtlvItem cv(byte[] value) {
        return TtlvItem.bytes(Tag.CORRELATION_VALUE, value);
    }

    private static TtlvItem code(Pkcs11ReturnCode c) {
        return TtlvItem.enumeration(Tag.PKCS_11_RETURN_CODE, c.value());
    }

    private byte[] initialize(RequestContext who) throws KmipException {
        TtlvItem r = call(who, function(Pkcs11Function.C_INITIALIZE), TtlvItem.bytes(Tag.PKCS_11_INPUT_PARAMETERS, new byte[] {1}));
        assertThat(r.children()).hasSize(3);
        assertThat(r.children().get(0)).isEqualTo(function(Pkcs11Function.C_INITIALIZE));
        assertThat(r.children().get(2)).isEqualTo(code(Pkcs11ReturnCode.OK));
        byte[] value = r.child(Tag.CORRELATION_VALUE).orElseThrow().bytesValue();
        assertThat(value).hasSize(16);
        return value;
    }

    @Test
    void initialize_getInfo_finalize() throws KmipException {
        byte[] session = initialize(f.client1);
        TtlvItem info = call(function(Pkcs11Function.C_GETINFO), cv(session));
        byte[] ck = info.child(Tag.PKCS_11_OUTPUT_PARAMETERS).orElseThrow().bytesValue();
        assertThat(info.children()).containsExactly(function(Pkcs11Function.C_GETINFO),
                TtlvItem.bytes(Tag.PKCS_11_OUTPUT_PARAMETERS, ck), code(Pkcs11ReturnCode.OK));
        assertThat(ck).hasSize(76);
        assertThat(Arrays.copyOfRange(ck, 0, 2)).containsExactly(2, 40);
        assertThat(new String(ck, 2, 32, StandardCharsets.US_ASCII)).isEqualTo(String.format("%-32s", "Keyhold"));
        assertThat(Arrays.copyOfRange(ck, 34, 42)).containsOnly(0);
        assertThat(new String(ck, 42, 32, StandardCharsets.US_ASCII)).isEqualTo(String.format("%-32s", "Keyhold KMIP server"));
        assertThat(Arrays.copyOfRange(ck, 74, 76)).containsExactly(1, 4);

        assertThat(call(function(Pkcs11Function.C_FINALIZE), cv(session)).children())
                .containsExactly(function(Pkcs11Function.C_FINALIZE), code(Pkcs11ReturnCode.OK));
        assertThat(handler.openSessions()).isZero();
    }

    @Test
    void getInfoAndFinalize_withoutAnOpenSession_areCryptokiNotInitialized() throws KmipException {
        TtlvItem none = TtlvItem.structure(Tag.RESPONSE_PAYLOAD, function(Pkcs11Function.C_GETINFO),
                code(Pkcs11ReturnCode.CRYPTOKI_NOT_INITIALIZED));
        assertThat(call(function(Pkcs11Function.C_GETINFO))).as("no Correlation Value").isEqualTo(none);
        assertThat(call(function(Pkcs11Function.C_GETINFO), cv(new byte[16]))).as("unknown").isEqualTo(none);
        byte[] session = initialize(f.client1);
        assertThat(call(DispatcherFixture.context("client2"), function(Pkcs11Function.C_GETINFO), cv(session)))
                .as("another client's").isEqualTo(none);
        assertThat(call(DispatcherFixture.context("client2"), function(Pkcs11Function.C_FINALIZE), cv(session)).children())
                .as("another client cannot close it").contains(code(Pkcs11ReturnCode.CRYPTOKI_NOT_INITIALIZED));
        call(function(Pkcs11Function.C_FINALIZE), cv(session));
        assertThat(call(function(Pkcs11Function.C_GETINFO), cv(session))).as("finalized").isEqualTo(none);
        assertThat(call(function(Pkcs11Function.C_FINALIZE), cv(session)).children())
                .containsExactly(function(Pkcs11Function.C_FINALIZE), code(Pkcs11ReturnCode.CRYPTOKI_NOT_INITIALIZED));
    }

    @Test
    void otherFunctions_areFunctionNotSupported() throws KmipException {
        byte[] session = initialize(f.client1);
        for (Pkcs11Function fn : List.of(Pkcs11Function.C_GETSLOTLIST, Pkcs11Function.C_OPENSESSION, Pkcs11Function.C_ENCRYPT)) {
            assertThat(call(function(fn), cv(session)).children()).containsExactly(function(fn),
                    code(Pkcs11ReturnCode.FUNCTION_NOT_SUPPORTED));
        }
    }

    @Test
    void sessions_areBounded_theOldestIsDropped() throws KmipException {
        byte[] first = initialize(f.client1);
        initialize(f.client1);
        initialize(f.client1);
        assertThat(handler.openSessions()).isEqualTo(2);
        assertThat(call(function(Pkcs11Function.C_GETINFO), cv(first)).children())
                .contains(code(Pkcs11ReturnCode.CRYPTOKI_NOT_INITIALIZED));
    }

    @Test
    void badRequests_failWithTheExactReason() {
        assertThatThrownBy(() -> call()).isInstanceOfSatisfying(KmipException.class,
                e -> assertThat(e.reason()).isEqualTo(ResultReason.INVALID_MESSAGE)).hasMessage("PKCS#11 Function is missing");
        assertThatThrownBy(() -> call(TtlvItem.enumeration(Tag.PKCS_11_FUNCTION, 0x7777))).isInstanceOfSatisfying(
                KmipException.class, e -> assertThat(e.reason()).isEqualTo(ResultReason.PKCS_11_INVALID_FUNCTION))
                .hasMessage("PKCS#11 Function 0x00007777 is unknown");
        assertThatThrownBy(() -> call(function(Pkcs11Function.C_GETINFO), TtlvItem.text(Tag.CORRELATION_VALUE, "x")))
                .isInstanceOfSatisfying(KmipException.class, e -> assertThat(e.reason()).isEqualTo(ResultReason.INVALID_MESSAGE));
    }

    @Test
    void libraryVersion_isReadFromTheServerVersion() {
        assertThat(Pkcs11Handler.libraryVersion("1.4.2")).containsExactly(1, 4);
        assertThat(Pkcs11Handler.libraryVersion("2-SNAPSHOT")).containsExactly(2, 0);
        assertThat(Pkcs11Handler.libraryVersion("dev")).containsExactly(0, 0);
        assertThat(Pkcs11Handler.libraryVersion(null)).containsExactly(0, 0);
    }

    // --- through the dispatcher, as the PKCS11-M-1 test cases do -------------------------------------------

    private ResponseBatchItem send(KmipVersion v, TtlvItem... payload) {
        return only(f.send(header(v, 1), item(Operation.PKCS_11, payload)));
    }

    @Test
    void dispatcher_initializeGetInfoFinalize_in20And21() {
        for (KmipVersion v : List.of(KmipVersion.V2_0, KmipVersion.V2_1)) {
            ResponseBatchItem init = send(v, function(Pkcs11Function.C_INITIALIZE),
                    TtlvItem.bytes(Tag.PKCS_11_INPUT_PARAMETERS, HexFormat.of().parseHex("01")));
            assertThat(status(init)).isEqualTo(ResultStatus.SUCCESS);
            byte[] session = init.payload().child(Tag.CORRELATION_VALUE).orElseThrow().bytesValue();
            ResponseBatchItem info = send(v, function(Pkcs11Function.C_GETINFO), cv(session));
            assertThat(info.payload().child(Tag.PKCS_11_OUTPUT_PARAMETERS).orElseThrow().bytesLength()).isEqualTo(CkInfo.LENGTH);
            assertThat(info.payload().child(Tag.PKCS_11_RETURN_CODE).orElseThrow()).isEqualTo(code(Pkcs11ReturnCode.OK));
            ResponseBatchItem fin = send(v, function(Pkcs11Function.C_FINALIZE), cv(session));
            assertThat(fin.payload().children()).containsExactly(function(Pkcs11Function.C_FINALIZE), code(Pkcs11ReturnCode.OK));
        }
    }

    @Test
    void dispatcher_badRequests() {
        assertThat(reason(send(KmipVersion.V2_1))).isEqualTo(ResultReason.INVALID_MESSAGE);
        assertThat(reason(send(KmipVersion.V2_1, TtlvItem.enumeration(Tag.PKCS_11_FUNCTION, 0x7777))))
                .isEqualTo(ResultReason.PKCS_11_INVALID_FUNCTION);
        ResponseBatchItem old = send(KmipVersion.V1_4, function(Pkcs11Function.C_INITIALIZE));
        assertThat(reason(old)).isEqualTo(ResultReason.OPERATION_NOT_SUPPORTED);
    }
}
