package io.keyhold.server.ops.server;

import static io.keyhold.server.dispatch.DispatcherFixture.item;
import static io.keyhold.server.dispatch.DispatcherFixture.only;
import static io.keyhold.server.dispatch.DispatcherFixture.reason;
import static io.keyhold.server.dispatch.DispatcherFixture.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.spec.EndpointRole;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.QueryFunction;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.dispatch.DispatcherFixture;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.store.memory.InMemoryObjectStore;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Set Endpoint Role, Re-Provision (not offered), and Query's list of the server-level operations. */
class EndpointRoleAndQueryTest {
    private final DispatcherFixture f = new DispatcherFixture(List.of());

    @AfterEach
    void close() {
        f.close();
    }

    private static TtlvItem role(int value) {
        return TtlvItem.enumeration(Tag.ENDPOINT_ROLE, value);
    }

    private TtlvItem handle(KmipVersion v, TtlvItem... payload) throws KmipException {
        OperationContext c = new OperationContext(v, f.client1, f.clock, new InMemoryObjectStore(),
                new OperationContext.BatchState(), null);
        return new SetEndpointRoleHandler().handle(c, TtlvItem.structure(Tag.REQUEST_PAYLOAD, payload));
    }

    @Test
    void handler_serverRole_isAccepted_andAnswered() throws KmipException {
        assertThat(handle(KmipVersion.V2_0, role(EndpointRole.SERVER.value())))
                .isEqualTo(TtlvItem.structure(Tag.RESPONSE_PAYLOAD, role(EndpointRole.SERVER.value())));
    }

    @Test
    void handler_clientRole_isFeatureNotSupported() {
        assertThatThrownBy(() -> handle(KmipVersion.V2_1, role(EndpointRole.CLIENT.value())))
                .isInstanceOfSatisfying(KmipException.class, e -> assertThat(e.reason()).isEqualTo(ResultReason.FEATURE_NOT_SUPPORTED))
                .hasMessage("this server acts only as a server: it cannot take the client role on a connection");
    }

    @Test
    void handler_unknownRole_isInvalidField() {
        assertThatThrownBy(() -> handle(KmipVersion.V2_1, role(9)))
                .isInstanceOfSatisfying(KmipException.class, e -> assertThat(e.reason()).isEqualTo(ResultReason.INVALID_FIELD))
                .hasMessage("Endpoint Role 0x00000009 is not Client or Server");
    }

    @Test
    void setEndpointRole_throughTheDispatcher() {
        ResponseBatchItem server = only(f.send(KmipVersion.V2_0, item(Operation.SET_ENDPOINT_ROLE, role(EndpointRole.SERVER.value()))));
        assertThat(status(server)).isEqualTo(ResultStatus.SUCCESS);
        assertThat(server.payload().children()).containsExactly(role(EndpointRole.SERVER.value()));
        assertThat(reason(only(f.send(KmipVersion.V2_1, item(Operation.SET_ENDPOINT_ROLE, role(EndpointRole.CLIENT.value()))))))
                .isEqualTo(ResultReason.FEATURE_NOT_SUPPORTED);
        assertThat(reason(only(f.send(KmipVersion.V2_1, item(Operation.SET_ENDPOINT_ROLE)))))
                .as("Endpoint Role missing").isEqualTo(ResultReason.INVALID_MESSAGE);
        assertThat(reason(only(f.send(KmipVersion.V2_1, item(Operation.SET_ENDPOINT_ROLE,
                TtlvItem.integer(Tag.ENDPOINT_ROLE, 1)))))).as("not an Enumeration").isEqualTo(ResultReason.INVALID_MESSAGE);
        ResponseBatchItem old = only(f.send(KmipVersion.V1_4, item(Operation.SET_ENDPOINT_ROLE, role(EndpointRole.CLIENT.value()))));
        assertThat(reason(old)).isEqualTo(ResultReason.OPERATION_NOT_SUPPORTED);
    }

    /** Re-Provision needs the TLS settings (ServerAssembly gives them); a dispatcher built without them lacks it. */
    @Test
    void reProvision_isNotOfferedByADispatcherWithoutTlsSettings() {
        ResponseBatchItem r = only(f.send(KmipVersion.V2_1, item(Operation.RE_PROVISION,
                TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "x"))));
        assertThat(reason(r)).isEqualTo(ResultReason.OPERATION_NOT_SUPPORTED);
        assertThat(r.resultMessage()).isEqualTo("operation Re-Provision is not supported by this server");
    }

    private List<Integer> operations(KmipVersion v) {
        ResponseBatchItem r = only(f.send(v, item(Operation.QUERY,
                TtlvItem.enumeration(Tag.QUERY_FUNCTION, QueryFunction.QUERY_OPERATIONS.value()))));
        assertThat(status(r)).isEqualTo(ResultStatus.SUCCESS);
        return r.payload().childrenWith(Tag.OPERATION).stream().map(TtlvItem::enumValue).toList();
    }

    @Test
    void query_listsTheNewOperations_inTheVersionsThatHaveThem() {
        assertThat(operations(KmipVersion.V2_1)).contains(Operation.SET_ENDPOINT_ROLE.value(), Operation.PKCS_11.value(),
                Operation.SET_DEFAULTS.value(), Operation.SET_CONSTRAINTS.value(), Operation.GET_CONSTRAINTS.value(),
                Operation.QUERY_ASYNCHRONOUS_REQUESTS.value(), Operation.PROCESS.value())
                .doesNotContain(Operation.RE_PROVISION.value());
        assertThat(operations(KmipVersion.V2_0)).contains(Operation.SET_ENDPOINT_ROLE.value(), Operation.PKCS_11.value())
                .doesNotContain(Operation.SET_DEFAULTS.value(), Operation.SET_CONSTRAINTS.value(), Operation.GET_CONSTRAINTS.value(),
                        Operation.QUERY_ASYNCHRONOUS_REQUESTS.value(), Operation.PROCESS.value(), Operation.RE_PROVISION.value());
        assertThat(operations(KmipVersion.V1_4)).doesNotContain(Operation.SET_ENDPOINT_ROLE.value(), Operation.PKCS_11.value());
    }
}
