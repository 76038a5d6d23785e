package io.keyhold.server.ops.server;

import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;

/** Ping (KMIP 2.1 section 6.1): an empty answer, proving the server is there. */
public final class PingHandler implements OperationHandler {

    @Override
    public Operation operation() {
        return Operation.PING;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) {
        return TtlvItem.structure(Tag.RESPONSE_PAYLOAD);
    }
}
