package io.keyhold.server.ops.object;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.ManagedObjects;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.store.StoredObject;

/** The read-modify-write every state-changing operation does on the object it names, in one write transaction. */
final class Changes {
    private Changes() {}

    /** What an operation does to the object (due dates already applied); throws to change nothing. */
    interface Change {
        StoredObject apply(StoredObject current) throws KmipException;
    }

    /** Applies the change to the object the payload names (or the ID Placeholder) and returns its identifier. */
    static String apply(OperationContext context, TtlvItem payload, Change change) throws KmipException {
        String uid = ManagedObjects.uniqueIdentifier(context, payload);
        context.write(tx -> {
            StoredObject current = ManagedObjects.load(context, tx, uid);
            tx.update(change.apply(current));
            return null;
        });
        return uid;
    }
}
