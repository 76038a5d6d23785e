package io.keyhold.server.ops.object;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.Lifecycle;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import java.util.Optional;

/**
 * Get Usage Allocation (KMIP 1.4 section 4.18, 2.1 section 6.1): allocates Usage Limits Count units of
 * the object's Usage Limits, lowering their Usage Limits Count. An object without Usage Limits is Permission
 * Denied; more than remain is Usage Limit Exceeded (2.x) / Permission Denied (1.x). The 1.0 Byte and Object
 * Count fields are not supported.
 */
final class GetUsageAllocationHandler implements OperationHandler {

    @Override
    public Operation operation() {
        return Operation.GET_USAGE_ALLOCATION;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        long wanted = Payloads.required(payload, Tag.USAGE_LIMITS_COUNT, ItemType.LONG_INTEGER).longValue();
        if (wanted <= 0) {
            throw new KmipException(ResultReason.INVALID_FIELD, "Usage Limits Count " + wanted + " (expected: > 0)");
        }
        String uid = Changes.apply(context, payload, current -> {
            Payloads.requireOnline(current);
            if (current.object() == null) {
                throw Lifecycle.destroyed(context.version(), current);
            }
            Optional<Long> remaining = UsageLimits.remaining(current);
            if (remaining.isEmpty()) {
                throw new KmipException(ResultReason.PERMISSION_DENIED, "the object has no Usage Limits to allocate from");
            }
            if (remaining.get() < wanted) {
                throw new KmipException(Payloads.reason(context, ResultReason.USAGE_LIMIT_EXCEEDED,
                        ResultReason.PERMISSION_DENIED), "Usage Limits Count " + wanted + " exceeds the remaining " + remaining.get());
            }
            TtlvItem limits = current.attribute("Usage Limits").orElseThrow().value();
            return Lifecycle.touch(Lifecycle.with(current, UsageLimits.withCount(limits, remaining.get() - wanted)),
                    context.now());
        });
        return Payloads.uidOnly(uid);
    }
}
