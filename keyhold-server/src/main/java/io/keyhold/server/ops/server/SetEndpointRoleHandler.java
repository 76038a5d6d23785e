package io.keyhold.server.ops.server;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.EndpointRole;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;

/**
 * Set Endpoint Role (KMIP 2.0 and 2.1 section 6.1): the client asks the server to take the given role on the
 * connection; the response carries the role the server applies. Taking the Client role would reverse the
 * connection, the server then sending requests to the client; Keyhold sends no server-to-client operations,
 * so Endpoint Role Server is accepted (the server stays what it is) and Endpoint Role Client is refused with
 * Feature Not Supported. A value the enumeration does not have is an Invalid Field.
 */
public final class SetEndpointRoleHandler implements OperationHandler {

    @Override
    public Operation operation() {
        return Operation.SET_ENDPOINT_ROLE;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        int value = Payloads.required(payload, Tag.ENDPOINT_ROLE, ItemType.ENUMERATION).enumValue();
        EndpointRole role = EndpointRole.fromValue(value).orElseThrow(() -> new KmipException(ResultReason.INVALID_FIELD,
                String.format("Endpoint Role 0x%08X is not Client or Server", value)));
        if (role == EndpointRole.CLIENT) {
            throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED,
                    "this server acts only as a server: it cannot take the client role on a connection");
        }
        return TtlvItem.structure(Tag.RESPONSE_PAYLOAD, TtlvItem.enumeration(Tag.ENDPOINT_ROLE, role.value()));
    }
}
