package io.keyhold.server.ops.server;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.UsageLimitsUnit;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.auth.TicketRights;
import io.keyhold.server.auth.Tickets;
import io.keyhold.server.ops.OperationContext;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/** Reading the fields of Login and Delegated Login (KMIP 2.0/2.1 section 6.1), shared by their handlers. */
final class TicketPayloads {
    private TicketPayloads() {}

    /**
     * Lease Time, Request Count and Usage Limits of the payload, each optional. Usage Limits bound the
     * operations (batch items) the ticket may run: their unit must be Object (or absent); the limit is the
     * Usage Limits Count when given, else the Usage Limits Total.
     *
     * @throws KmipException Invalid Message for a field of the wrong type or given twice, Feature Not Supported
     *                       for Usage Limits in bytes
     */
    static Tickets.Terms terms(TtlvItem payload) throws KmipException {
        Optional<Duration> lease = Payloads.optional(payload, Tag.LEASE_TIME, ItemType.INTERVAL)
                .map(i -> Duration.ofSeconds(i.intervalValue()));
        Optional<TtlvItem> count = Payloads.optional(payload, Tag.REQUEST_COUNT, ItemType.INTEGER);
        OptionalInt requestCount = count.isPresent() ? OptionalInt.of(count.get().intValue()) : OptionalInt.empty();
        Optional<TtlvItem> limits = Payloads.optional(payload, Tag.USAGE_LIMITS, ItemType.STRUCTURE);
        return new Tickets.Terms(lease, requestCount, limits.isPresent() ? OptionalLong.of(operationLimit(limits.get()))
                : OptionalLong.empty());
    }

    private static long operationLimit(TtlvItem limits) throws KmipException {
        Optional<TtlvItem> unit = Payloads.optional(limits, Tag.USAGE_LIMITS_UNIT, ItemType.ENUMERATION);
        if (unit.isPresent() && unit.get().enumValue() != UsageLimitsUnit.OBJECT.value()) {
            throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, "the Usage Limits of a ticket count operations"
                    + " (Usage Limits Unit Object), not " + UsageLimitsUnit.fromValue(unit.get().enumValue())
                            .map(UsageLimitsUnit::specName).orElse("value " + unit.get().enumValue()));
        }
        long total = Payloads.required(limits, Tag.USAGE_LIMITS_TOTAL, ItemType.LONG_INTEGER).longValue();
        Optional<TtlvItem> left = Payloads.optional(limits, Tag.USAGE_LIMITS_COUNT, ItemType.LONG_INTEGER);
        return left.isPresent() ? Math.min(total, left.get().longValue()) : total;
    }

    /**
     * The Rights of a Delegated Login: one or more Right, each with optional Operations, Objects and Object
     * Groups (in 2.0, Object Group fields directly in the Right are read too).
     *
     * @throws KmipException Invalid Message for a missing Rights or a field of the wrong type, Invalid Field
     *                       for Rights without a Right or an unknown operation, Feature Not Supported for the
     *                       Usage Limits of one Right (give them for the whole ticket)
     */
    static TicketRights rights(TtlvItem payload) throws KmipException {
        TtlvItem rights = Payloads.required(payload, Tag.RIGHTS, ItemType.STRUCTURE);
        List<TtlvItem> items = rights.childrenWith(Tag.RIGHT);
        if (items.isEmpty()) {
            throw new KmipException(ResultReason.INVALID_FIELD, "Rights holds no Right");
        }
        List<TicketRights.Right> out = new java.util.ArrayList<>(items.size());
        for (TtlvItem right : items) {
            Payloads.typed(right, ItemType.STRUCTURE);
            if (right.child(Tag.USAGE_LIMITS).isPresent()) {
                throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, "Usage Limits of one Right are not supported;"
                        + " give Usage Limits for the whole ticket");
            }
            Set<Operation> operations = new LinkedHashSet<>();
            Optional<TtlvItem> ops = Payloads.optional(right, Tag.OPERATIONS, ItemType.STRUCTURE);
            if (ops.isPresent()) {
                for (TtlvItem op : ops.get().childrenWith(Tag.OPERATION)) {
                    int value = Payloads.typed(op, ItemType.ENUMERATION).enumValue();
                    operations.add(Operation.fromValue(value).orElseThrow(() -> new KmipException(
                            ResultReason.INVALID_FIELD, String.format("Operation 0x%08X in a Right is unknown", value))));
                }
                if (operations.isEmpty()) {
                    throw new KmipException(ResultReason.INVALID_FIELD, "Operations of a Right holds no Operation");
                }
            }
            Set<String> objects = texts(right, Tag.OBJECTS, Tag.UNIQUE_IDENTIFIER);
            Set<String> groups = texts(right, Tag.OBJECT_GROUPS, Tag.OBJECT_GROUP);
            for (TtlvItem g : right.childrenWith(Tag.OBJECT_GROUP)) {
                groups.add(Payloads.typed(g, ItemType.TEXT_STRING).textValue());
            }
            out.add(new TicketRights.Right(operations, objects, groups));
        }
        return new TicketRights(out);
    }

    private static Set<String> texts(TtlvItem right, int listTag, int itemTag) throws KmipException {
        Set<String> out = new LinkedHashSet<>();
        Optional<TtlvItem> list = Payloads.optional(right, listTag, ItemType.STRUCTURE);
        if (list.isPresent()) {
            for (TtlvItem t : list.get().childrenWith(itemTag)) {
                out.add(Payloads.typed(t, ItemType.TEXT_STRING).textValue());
            }
            if (out.isEmpty()) {
                throw new KmipException(ResultReason.INVALID_FIELD, Payloads.name(listTag) + " of a Right holds no "
                        + Payloads.name(itemTag));
            }
        }
        return out;
    }

    /** Login and Delegated Login are refused to a request authenticated by a ticket of Delegated Login. */
    static void refuseUnderDelegation(OperationContext context) throws KmipException {
        if (context.request().ticketSession().filter(t -> t.rights().restricted()).isPresent()) {
            throw new KmipException(ResultReason.PERMISSION_DENIED, "a ticket of Delegated Login cannot obtain tickets");
        }
    }

    /** The Response Payload holding the ticket. */
    static TtlvItem answer(Tickets.Issued issued) {
        return TtlvItem.structure(Tag.RESPONSE_PAYLOAD, Tickets.ticket(issued.value()));
    }
}
