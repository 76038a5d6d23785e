package io.keyhold.server.ops.object;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectGroupMember;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.StorageStatusMask;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.store.LocateQuery;
import io.keyhold.server.store.StorageStatus;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Locate (KMIP 1.4 section 4.9, 2.1 section 6.1): the caller's objects that match every attribute given
 * (1.x Attribute fields, 2.x Attributes), oldest first. A Date-Time attribute given twice is a range, both
 * ends included; Cryptographic Usage Mask matches objects with every requested bit; any other attribute
 * matches an instance with the same value. Maximum Items and Offset Items page the answer in every version
 * (Offset Items is honoured in 1.0-1.2 requests too). Storage Status Mask: on-line only when absent; objects
 * whose material was destroyed are left out unless the 2.x Destroyed Storage bit is set. Object Group
 * Member Group Member Fresh finds Fresh objects; Group Member Default finds the first Fresh one, else the
 * newest. Answers Located Items (1.3 and later, when paging was asked for) and the Unique Identifiers; sets
 * the ID Placeholder to the first.
 */
final class LocateHandler implements OperationHandler {

    @Override
    public Operation operation() {
        return Operation.LOCATE;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        Optional<TtlvItem> maximum = Payloads.optional(payload, Tag.MAXIMUM_ITEMS, ItemType.INTEGER);
        Optional<TtlvItem> offset = Payloads.optional(payload, Tag.OFFSET_ITEMS, ItemType.INTEGER);
        Optional<TtlvItem> storageMask = Payloads.optional(payload, Tag.STORAGE_STATUS_MASK, ItemType.INTEGER);
        Optional<TtlvItem> groupMember = Payloads.optional(payload, Tag.OBJECT_GROUP_MEMBER, ItemType.ENUMERATION);
        int limit = maximum.map(TtlvItem::intValue).orElse(-1);
        int skip = offset.map(TtlvItem::intValue).orElse(0);
        if (maximum.isPresent() && limit < 0 || skip < 0) {
            throw new KmipException(ResultReason.INVALID_FIELD, "Maximum Items and Offset Items must not be negative");
        }
        if (limit == 0) {
            limit = -1;
        }

        List<KmipAttribute> attributes = new ArrayList<>();
        if (context.atLeast(KmipVersion.V2_0)) {
            Optional<TtlvItem> given = Payloads.optional(payload, Tag.ATTRIBUTES, ItemType.STRUCTURE);
            if (given.isPresent()) {
                attributes.addAll(AttributeMapping.fromAttributes(given.get()));
            }
        } else {
            for (TtlvItem a : payload.childrenWith(Tag.ATTRIBUTE)) {
                attributes.add(AttributeMapping.fromAttribute(a));
            }
        }
        List<LocateQuery.Criterion> criteria = criteria(attributes);

        int mask = storageMask.map(TtlvItem::intValue).orElse(StorageStatusMask.ON_LINE_STORAGE.value());
        Set<StorageStatus> storage = EnumSet.noneOf(StorageStatus.class);
        if ((mask & StorageStatusMask.ON_LINE_STORAGE.value()) != 0) {
            storage.add(StorageStatus.ONLINE);
        }
        if ((mask & StorageStatusMask.ARCHIVAL_STORAGE.value()) != 0) {
            storage.add(StorageStatus.ARCHIVED);
        }
        boolean destroyedAsked = context.atLeast(KmipVersion.V2_0) && (mask & StorageStatusMask.DESTROYED_STORAGE.value()) != 0;
        List<TtlvItem> destroyedStates = List.of(TtlvItem.enumeration(Tag.STATE, State.DESTROYED.value()),
                TtlvItem.enumeration(Tag.STATE, State.DESTROYED_COMPROMISED.value()));
        if (!destroyedAsked) {
            criteria.add(new LocateQuery.NoneOf("State", destroyedStates));
        } else if (storage.isEmpty()) {
            storage.add(StorageStatus.ONLINE);
            storage.add(StorageStatus.ARCHIVED);
            criteria.add(new LocateQuery.AnyOf("State", destroyedStates));
        }
        boolean defaultMember = false;
        if (groupMember.isPresent()) {
            criteria.add(new LocateQuery.Equals("Fresh", TtlvItem.bool(Tag.FRESH, true)));
            defaultMember = groupMember.get().enumValue() == ObjectGroupMember.GROUP_MEMBER_DEFAULT.value();
        }

        LocateQuery.VisibleTo owner = context.access().visibleTo(context.identity());
        List<String> found;
        long total;
        if (defaultMember) {
            LocateQuery fresh = new LocateQuery(null, owner, criteria, storage, 0, 1);
            found = context.read(tx -> tx.locate(fresh));
            if (found.isEmpty()) {
                List<LocateQuery.Criterion> anyMember = new ArrayList<>(criteria.subList(0, criteria.size() - 1));
                LocateQuery all = new LocateQuery(null, owner, anyMember, storage, 0, -1);
                found = context.read(tx -> {
                    long n = tx.count(all);
                    return n == 0 ? List.of() : tx.locate(new LocateQuery(null, owner, anyMember, storage, (int) (n - 1), 1));
                });
            }
            total = found.size();
        } else {
            LocateQuery query = new LocateQuery(null, owner, criteria, storage, skip, limit);
            boolean counted = context.atLeast(KmipVersion.V1_3) && (maximum.isPresent() || offset.isPresent());
            Page page = context.read(tx -> new Page(tx.locate(query), counted ? tx.count(query) : -1L));
            found = page.ids();
            total = page.total();
        }

        List<TtlvItem> out = new ArrayList<>();
        if (total >= 0 && !defaultMember && context.atLeast(KmipVersion.V1_3)) {
            out.add(TtlvItem.integer(Tag.LOCATED_ITEMS, (int) Math.min(Integer.MAX_VALUE, total)));
        }
        for (String uid : found) {
            out.add(Payloads.uniqueIdentifier(uid));
        }
        if (!found.isEmpty()) {
            context.idPlaceholder(found.get(0));
        }
        return Payloads.response(out);
    }

    /** One page of identifiers and, when asked for, how many match in all (-1 otherwise). */
    private record Page(List<String> ids, long total) {}

    /** One criterion per attribute, dates given twice as a range. */
    static List<LocateQuery.Criterion> criteria(List<KmipAttribute> attributes) throws KmipException {
        Map<String, List<TtlvItem>> byName = new LinkedHashMap<>();
        for (KmipAttribute a : attributes) {
            byName.computeIfAbsent(a.name(), k -> new ArrayList<>()).add(a.value());
        }
        List<LocateQuery.Criterion> out = new ArrayList<>();
        for (Map.Entry<String, List<TtlvItem>> e : byName.entrySet()) {
            String name = e.getKey();
            List<TtlvItem> values = e.getValue();
            boolean dates = values.stream().allMatch(v -> v.type() == ItemType.DATE_TIME);
            if (dates && values.size() == 2) {
                long a = values.get(0).dateTimeValue();
                long b = values.get(1).dateTimeValue();
                out.add(new LocateQuery.Between(name, Math.min(a, b), Math.max(a, b)));
            } else if (dates && values.size() > 2) {
                throw new KmipException(ResultReason.INVALID_FIELD, name + " is given " + values.size()
                        + " times (expected: once for a date, twice for a range)");
            } else if (name.equals("Cryptographic Usage Mask")) {
                int bits = 0;
                for (TtlvItem v : values) {
                    if (v.type() != ItemType.INTEGER) {
                        throw new KmipException(ResultReason.INVALID_FIELD, "Cryptographic Usage Mask must be an Integer");
                    }
                    bits |= v.intValue();
                }
                out.add(new LocateQuery.MaskContains(name, bits));
            } else {
                for (TtlvItem v : values) {
                    out.add(new LocateQuery.Equals(name, v));
                }
            }
        }
        return out;
    }
}
