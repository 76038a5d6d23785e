package io.keyhold.server.ops.object;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.Lifecycle;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.store.StorageStatus;

/**
 * Recover (KMIP 1.4 section 4.23, 2.1 section 6.1): brings an archived object back on-line. Recovering an
 * on-line object changes nothing.
 */
final class RecoverHandler implements OperationHandler {

    @Override
    public Operation operation() {
        return Operation.RECOVER;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        String uid = Changes.apply(context, payload, current -> current.storageStatus() == StorageStatus.ONLINE ? current
                : Lifecycle.touch(current, context.now()).withStorageStatus(StorageStatus.ONLINE));
        return Payloads.uidOnly(uid);
    }
}
