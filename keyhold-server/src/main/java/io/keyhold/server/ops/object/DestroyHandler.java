package io.keyhold.server.ops.object;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.Lifecycle;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;

/**
 * Destroy (KMIP 1.4 section 4.21, 2.1 section 6.1): erases the object's material and keeps its
 * attributes; Pre-Active and Deactivated objects become Destroyed, Compromised ones Destroyed Compromised,
 * with Destroy Date now. An Active object is refused with Wrong Key Lifecycle State (2.x) / Permission
 * Denied (1.x, as in test case AKLC-M-2-10); an already destroyed one with Object Destroyed (2.x) / Item
 * Not Found (1.x). Archived objects may be destroyed.
 */
final class DestroyHandler implements OperationHandler {

    @Override
    public Operation operation() {
        return Operation.DESTROY;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        String uid = Changes.apply(context, payload, current -> Lifecycle.destroy(current, context.now(), context.version()));
        return Payloads.uidOnly(uid);
    }
}
