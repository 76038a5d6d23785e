package io.keyhold.server.ops.object;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.Lifecycle;
import io.keyhold.server.ops.ManagedObjects;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.store.StoredObject;
import java.util.Optional;

/**
 * Check (KMIP 1.4 section 4.10, 2.1 section 6.1): whether the object could be used as described, without
 * using it. Cryptographic Usage Mask: every requested bit must be set in the object's mask (else
 * Incompatible Cryptographic Usage Mask in 2.x, as in test case BL-M-2-21; Permission Denied in 1.x). Usage
 * Limits Count: no more than the object's remaining usage (Usage Limit Exceeded / Permission Denied).
 * Lease Time: no longer than the object's Lease Time (Permission Denied). Success answers the Unique
 * Identifier; the failing values are named in the Result Message.
 */
final class CheckHandler implements OperationHandler {

    @Override
    public Operation operation() {
        return Operation.CHECK;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        String uid = ManagedObjects.uniqueIdentifier(context, payload);
        Optional<TtlvItem> count = Payloads.optional(payload, Tag.USAGE_LIMITS_COUNT, ItemType.LONG_INTEGER);
        Optional<TtlvItem> mask = Payloads.optional(payload, Tag.CRYPTOGRAPHIC_USAGE_MASK, ItemType.INTEGER);
        Optional<TtlvItem> lease = Payloads.optional(payload, Tag.LEASE_TIME, ItemType.INTERVAL);
        StoredObject object = context.read(tx -> ManagedObjects.load(context, tx, uid));
        Payloads.requireOnline(object);
        if (object.object() == null) {
            throw Lifecycle.destroyed(context.version(), object);
        }
        if (mask.isPresent()) {
            int have = object.attribute("Cryptographic Usage Mask").map(a -> a.value().intValue()).orElse(0);
            int want = mask.get().intValue();
            if ((have & want) != want) {
                throw new KmipException(Payloads.reason(context, ResultReason.INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK,
                        ResultReason.PERMISSION_DENIED), "Check failed: Cryptographic Usage Mask 0x" + Integer.toHexString(want)
                        + " is not allowed by the object's mask 0x" + Integer.toHexString(have));
            }
        }
        if (count.isPresent()) {
            Optional<Long> remaining = UsageLimits.remaining(object);
            if (remaining.isPresent() && remaining.get() < count.get().longValue()) {
                throw new KmipException(Payloads.reason(context, ResultReason.USAGE_LIMIT_EXCEEDED, ResultReason.PERMISSION_DENIED),
                        "Check failed: Usage Limits Count " + count.get().longValue() + " exceeds the remaining " + remaining.get());
            }
        }
        if (lease.isPresent()) {
            Optional<Long> granted = object.attribute("Lease Time").map(a -> a.value().intervalValue());
            if (granted.isPresent() && lease.get().intervalValue() > granted.get()) {
                throw new KmipException(ResultReason.PERMISSION_DENIED, "Check failed: Lease Time "
                        + lease.get().intervalValue() + " s exceeds the object's " + granted.get() + " s");
            }
        }
        return Payloads.uidOnly(uid);
    }
}
