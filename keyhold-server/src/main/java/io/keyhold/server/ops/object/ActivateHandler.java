package io.keyhold.server.ops.object;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.Lifecycle;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;

/**
 * Activate (KMIP 1.4 section 4.19, 2.1 section 6.1): Pre-Active -> Active with Activation Date now. Any
 * other state is Wrong Key Lifecycle State (2.x) / Permission Denied (1.x); archived objects are Object
 * Archived.
 */
final class ActivateHandler implements OperationHandler {

    @Override
    public Operation operation() {
        return Operation.ACTIVATE;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        String uid = Changes.apply(context, payload, current -> {
            Payloads.requireOnline(current);
            return Lifecycle.activate(current, context.now(), context.version());
        });
        return Payloads.uidOnly(uid);
    }
}
