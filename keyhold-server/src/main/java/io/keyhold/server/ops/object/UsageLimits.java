package io.keyhold.server.ops.object;

import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.StoredObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The Usage Limits attribute (Usage Limits Total, Usage Limits Count, Usage Limits Unit). */
final class UsageLimits {
    private UsageLimits() {}

    /** The usage left: Usage Limits Count, else Usage Limits Total; empty when the object has no limits. */
    static Optional<Long> remaining(StoredObject object) {
        return object.attribute("Usage Limits").map(a -> a.value()).flatMap(v -> v.child(Tag.USAGE_LIMITS_COUNT)
                .or(() -> v.child(Tag.USAGE_LIMITS_TOTAL))).filter(i -> i.type() == ItemType.LONG_INTEGER)
                .map(TtlvItem::longValue);
    }

    /** The Usage Limits value with Usage Limits Count set to {@code count}. */
    static TtlvItem withCount(TtlvItem limits, long count) {
        List<TtlvItem> c = new ArrayList<>();
        boolean set = false;
        for (TtlvItem i : limits.children()) {
            if (i.tag() == Tag.USAGE_LIMITS_COUNT) {
                c.add(TtlvItem.longInteger(Tag.USAGE_LIMITS_COUNT, count));
                set = true;
            } else {
                c.add(i);
                if (i.tag() == Tag.USAGE_LIMITS_TOTAL && !set) {
                    c.add(TtlvItem.longInteger(Tag.USAGE_LIMITS_COUNT, count));
                    set = true;
                }
            }
        }
        if (!set) {
            c.add(TtlvItem.longInteger(Tag.USAGE_LIMITS_COUNT, count));
        }
        return TtlvItem.structure(Tag.USAGE_LIMITS, c);
    }
}
