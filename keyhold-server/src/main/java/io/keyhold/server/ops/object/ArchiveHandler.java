package io.keyhold.server.ops.object;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.Lifecycle;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.store.StorageStatus;

/**
 * Archive (KMIP 1.4 section 4.22, 2.1 section 6.1): moves the object to archival storage and sets Archive
 * Date. Until Recover, Get and the lifecycle operations answer Object Archived and Locate finds it only
 * with the Archival Storage bit of its Storage Status Mask. Archiving an archived object changes nothing.
 */
final class ArchiveHandler implements OperationHandler {

    @Override
    public Operation operation() {
        return Operation.ARCHIVE;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        String uid = Changes.apply(context, payload, current -> {
            if (current.storageStatus() == StorageStatus.ARCHIVED) {
                return current;
            }
            long now = context.now();
            return Lifecycle.touch(Lifecycle.with(current, TtlvItem.dateTime(Tag.ARCHIVE_DATE, now)), now)
                    .withStorageStatus(StorageStatus.ARCHIVED);
        });
        return Payloads.uidOnly(uid);
    }
}
