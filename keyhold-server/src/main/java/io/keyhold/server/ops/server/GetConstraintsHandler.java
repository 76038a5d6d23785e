package io.keyhold.server.ops.server;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;

/**
 * Get Constraints (KMIP 2.1 section 6.1): the server's attribute constraints, as the last Set Constraints
 * gave them on any node (read from the store) (an empty Constraints structure when none were set). Every client may read them, since they
 * bound what every client may create. The request payload has no fields.
 */
public final class GetConstraintsHandler implements OperationHandler {
    @Override
    public Operation operation() {
        return Operation.GET_CONSTRAINTS;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        TtlvItem constraints = context.read(tx -> tx.constraints()).orElse(TtlvItem.structure(Tag.CONSTRAINTS));
        return TtlvItem.structure(Tag.RESPONSE_PAYLOAD, constraints);
    }
}
