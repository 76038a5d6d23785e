package io.keyhold.server.ops.object;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.Lifecycle;
import io.keyhold.server.ops.ManagedObjects;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.store.StoredObject;

/**
 * Obtain Lease (KMIP 1.4 section 4.17, 2.1 section 6.1): grants a lease on an Active object for its Lease
 * Time attribute, or the server's default lease when it has none, and answers Unique Identifier, Lease
 * Time and Last Change Date. Other states are Wrong Key Lifecycle State (2.x) / Permission Denied (1.x).
 */
final class ObtainLeaseHandler implements OperationHandler {
    private final long defaultLeaseSeconds;

    ObtainLeaseHandler(long defaultLeaseSeconds) {
        this.defaultLeaseSeconds = defaultLeaseSeconds;
    }

    @Override
    public Operation operation() {
        return Operation.OBTAIN_LEASE;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        String uid = ManagedObjects.uniqueIdentifier(context, payload);
        StoredObject object = context.read(tx -> ManagedObjects.load(context, tx, uid));
        Payloads.requireOnline(object);
        if (object.state() != State.ACTIVE.value()) {
            throw Lifecycle.wrongState(context.version(), "a lease is granted on Active objects only; "
                    + Lifecycle.describe(object));
        }
        long lease = object.attribute("Lease Time").map(a -> a.value().intervalValue()).orElse(defaultLeaseSeconds);
        long lastChange = object.attribute("Last Change Date").map(a -> a.value().dateTimeValue()).orElse(context.now());
        return Payloads.response(Payloads.uniqueIdentifier(uid), TtlvItem.interval(Tag.LEASE_TIME, lease),
                TtlvItem.dateTime(Tag.LAST_CHANGE_DATE, lastChange));
    }
}
