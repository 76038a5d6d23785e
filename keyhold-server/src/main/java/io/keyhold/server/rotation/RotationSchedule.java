package io.keyhold.server.rotation;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.LinkType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.LocateQuery;
import io.keyhold.server.store.ReadTransaction;
import io.keyhold.server.store.RotationPolicy;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoredObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * When an object is to be rotated, from its own rotation attributes (KMIP 2.1: Rotate Automatic, Rotate
 * Interval, Rotate Offset) or from the server's rotation policies, and which objects are candidates. Pure
 * reading: {@link RotationScheduler} acts on it, and the REST API and the command line show it.
 *
 * <p>An object is rotated automatically when it is a Symmetric Key, a Private Key or Secret Data, Active, the
 * latest of its chain (no Replacement Object Link, Rotate Latest not False), owned by a client, and either has
 * Rotate Automatic True with a Rotate Interval, or matches a rotation policy and does not have Rotate Automatic
 * False. A policy without an Object Type matches Symmetric Keys and Private Keys only; Secret Data is rotated
 * by a policy that names its Object Type, or by its own attributes.
 *
 * <p>Its rotation is due at its last rotation plus the interval, or once it has been used as many times as
 * the usage limit allows (see {@link io.keyhold.server.dispatch.ObjectUses}), whichever comes first. The last
 * rotation is its Rotate Date, or, without one, the later of its Activation Date and Initial Date (a key
 * replaced by hand keeps the old key's Activation Date, but its Initial Date is when it was made). Its own
 * Rotate Interval wins over policies for the interval; among policies, the shortest interval, and the
 * smallest usage limit (only policies set one). The grace period (policies only) comes from the matching
 * policy with the shortest interval, then the smallest usage limit, then the first name.
 */
public final class RotationSchedule {
    /** Object Types rotated: by Re-key (Symmetric Key), Re-key Key Pair (Private Key) or a new Secret Data. */
    static final Set<Integer> ROTATED_TYPES = Set.of(ObjectType.SYMMETRIC_KEY.value(), ObjectType.PRIVATE_KEY.value(),
            ObjectType.SECRET_DATA.value());
    /** Object Types a policy without an Object Type matches. */
    static final Set<Integer> POLICY_DEFAULT_TYPES = Set.of(ObjectType.SYMMETRIC_KEY.value(),
            ObjectType.PRIVATE_KEY.value());
    private static final Comparator<RotationPolicy> GOVERNING = Comparator
            .comparing(RotationPolicy::intervalSeconds, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(RotationPolicy::maxUses, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(RotationPolicy::name);

    private RotationSchedule() {
    }

    /**
     * What decides an object's rotation: a time limit, a usage limit, or both (whichever comes first).
     *
     * @param intervalSeconds time between rotations, or null: no time limit
     * @param maxUses         uses after which the object is rotated, or null: no usage limit
     * @param offsetSeconds   the Rotate Offset: the replacement's Activation Date is the rotation time plus this
     * @param graceSeconds    how long after a rotation the replaced object is revoked (Superseded), or null: never
     * @param policy          the policy that decides the interval, or null for the object's own Rotate Interval
     *                        (or when there is no interval)
     * @param usesPolicy      the policy that decides the usage limit, or null
     */
    public record Rule(Long intervalSeconds, Long maxUses, long offsetSeconds, Long graceSeconds, String policy,
                       String usesPolicy) {
        /** "Rotate Interval", "policy NAME", or both sources joined by "and" when two decide. */
        public String source() {
            String time = intervalSeconds == null ? null : policy == null ? "Rotate Interval" : "policy " + policy;
            String uses = usesPolicy == null ? null : "policy " + usesPolicy;
            if (time == null) {
                return uses;
            }
            return uses == null || uses.equals(time) ? time : time + " and " + uses;
        }
    }

    /**
     * An object, what decides its rotation and when it is due.
     *
     * @param due  when its time limit is reached, or null when it has none (or no date to count from)
     * @param uses its counted uses (0 when its rule has no usage limit: not read then)
     */
    public record Planned(StoredObject object, Rule rule, Instant due, long uses) {
        /** Whether its time limit or its usage limit is reached at {@code now}. */
        public boolean isDue(Instant now) {
            return (due != null && !due.isAfter(now)) || usesReached();
        }

        /** Whether its counted uses have reached its usage limit. */
        public boolean usesReached() {
            return rule.maxUses() != null && uses >= rule.maxUses();
        }

        /** Its due date, if it has a time limit. */
        public Optional<Instant> dueDate() {
            return Optional.ofNullable(due);
        }
    }

    /** The rule for the object, if it is rotated automatically at all (whatever its state). */
    public static Optional<Rule> rule(StoredObject object, List<RotationPolicy> policies) {
        if (!ROTATED_TYPES.contains(object.objectType())) {
            return Optional.empty();
        }
        Optional<Boolean> automatic = object.attribute("Rotate Automatic").map(KmipAttribute::value)
                .filter(v -> v.type() == ItemType.BOOLEAN).map(TtlvItem::booleanValue);
        if (automatic.isPresent() && !automatic.get()) {
            return Optional.empty(); // Rotate Automatic False: the owner rotates it
        }
        long offset = interval(object, "Rotate Offset").orElse(0);
        List<RotationPolicy> matching = policies.stream().filter(p -> matches(p, object)).sorted(GOVERNING).toList();
        Long grace = matching.isEmpty() ? null : matching.get(0).graceSeconds();
        Optional<RotationPolicy> byUses = matching.stream().filter(p -> p.maxUses() != null)
                .min(Comparator.comparingLong(RotationPolicy::maxUses).thenComparing(RotationPolicy::name));
        Long maxUses = byUses.map(RotationPolicy::maxUses).orElse(null);
        String usesPolicy = byUses.map(RotationPolicy::name).orElse(null);
        OptionalLong own = interval(object, "Rotate Interval");
        if (automatic.orElse(false) && own.isPresent() && own.getAsLong() > 0) {
            return Optional.of(new Rule(own.getAsLong(), maxUses, offset, grace, null, usesPolicy));
        }
        if (matching.isEmpty()) {
            return Optional.empty();
        }
        Optional<RotationPolicy> byTime = matching.stream().filter(p -> p.intervalSeconds() != null).findFirst();
        return Optional.of(new Rule(byTime.map(RotationPolicy::intervalSeconds).orElse(null), maxUses, offset, grace,
                byTime.map(RotationPolicy::name).orElse(null), usesPolicy));
    }

    /** The grace period of the policy that governs the object (see the class comment), or null: none. */
    static Long grace(StoredObject object, List<RotationPolicy> policies) {
        return policies.stream().filter(p -> matches(p, object)).min(GOVERNING).map(RotationPolicy::graceSeconds)
                .orElse(null);
    }

    /** Whether every filter field the policy sets equals the object's attribute. */
    public static boolean matches(RotationPolicy policy, StoredObject object) {
        if (policy.objectType() != null ? policy.objectType() != object.objectType()
                : !POLICY_DEFAULT_TYPES.contains(object.objectType())) {
            return false;
        }
        if (policy.objectGroup() != null && object.attributes("Object Group").stream()
                .noneMatch(a -> a.value().type() == ItemType.TEXT_STRING && a.value().textValue().equals(policy.objectGroup()))) {
            return false;
        }
        return policy.cryptographicAlgorithm() == null || object.attribute("Cryptographic Algorithm")
                .map(a -> a.value().type() == ItemType.ENUMERATION && a.value().enumValue() == policy.cryptographicAlgorithm())
                .orElse(false);
    }

    /** When the object was last rotated: its Rotate Date, else the later of Activation Date and Initial Date. */
    public static Optional<Instant> lastRotation(StoredObject object) {
        OptionalLong rotated = date(object, "Rotate Date");
        if (rotated.isPresent()) {
            return Optional.of(Instant.ofEpochSecond(rotated.getAsLong()));
        }
        OptionalLong activation = date(object, "Activation Date");
        OptionalLong initial = date(object, "Initial Date");
        if (activation.isEmpty() && initial.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Instant.ofEpochSecond(Math.max(activation.orElse(Long.MIN_VALUE), initial.orElse(Long.MIN_VALUE))));
    }

    /** Whether the object may be rotated now: Active, online, the latest of its chain and owned by a client. */
    public static boolean rotatable(StoredObject object) {
        return ROTATED_TYPES.contains(object.objectType()) && object.state() == State.ACTIVE.value()
                && object.storageStatus() == StorageStatus.ONLINE && latest(object) && !object.owner().isEmpty();
    }

    /** No Replacement Object Link and Rotate Latest not False. */
    public static boolean latest(StoredObject object) {
        boolean replaced = replacement(object).isPresent();
        boolean notLatest = object.attribute("Rotate Latest").map(a -> a.value().type() == ItemType.BOOLEAN
                && !a.value().booleanValue()).orElse(false);
        return !replaced && !notLatest;
    }

    /** The object that replaced this one (Replacement Object Link), if any. */
    public static Optional<String> replacement(StoredObject object) {
        return link(object, LinkType.REPLACEMENT_OBJECT_LINK);
    }

    static Optional<String> link(StoredObject object, LinkType type) {
        for (KmipAttribute a : object.attributes("Link")) {
            Optional<TtlvItem> t = a.value().child(Tag.LINK_TYPE);
            if (t.isPresent() && t.get().enumValue() == type.value()) {
                return a.value().child(Tag.LINKED_OBJECT_IDENTIFIER).map(TtlvItem::textValue);
            }
        }
        return Optional.empty();
    }

    /**
     * When the object's next rotation is due, if it is rotated automatically and may be rotated; {@code uses}
     * gives an object's counted uses (read only when its rule has a usage limit).
     */
    public static Optional<Planned> plan(StoredObject object, List<RotationPolicy> policies,
                                         ToLongFunction<String> uses) {
        if (!rotatable(object)) {
            return Optional.empty();
        }
        Optional<Rule> rule = rule(object, policies);
        if (rule.isEmpty()) {
            return Optional.empty();
        }
        Long interval = rule.get().intervalSeconds();
        Instant due = interval == null ? null : lastRotation(object).map(l -> l.plusSeconds(interval)).orElse(null);
        if (due == null && rule.get().maxUses() == null) {
            return Optional.empty();
        }
        long used = rule.get().maxUses() == null ? 0 : uses.applyAsLong(object.uniqueIdentifier());
        return Optional.of(new Planned(object, rule.get(), due, used));
    }

    /** {@link #plan(StoredObject, List, ToLongFunction)} with the uses counted in the store. */
    public static Optional<Planned> plan(ReadTransaction tx, StoredObject object, List<RotationPolicy> policies) {
        return plan(object, policies, tx::objectUses);
    }

    /**
     * The objects rotated automatically, each with its due date, earliest first, found through the attribute
     * indexes (Rotate Automatic True; each policy's filter), never by reading every object: at most {@code
     * perQuery} candidates per index query.
     */
    public static List<Planned> upcoming(ReadTransaction tx, int perQuery) {
        List<RotationPolicy> policies = tx.rotationPolicies();
        Map<String, Planned> out = new LinkedHashMap<>();
        for (List<LocateQuery.Criterion> criteria : candidateQueries(policies)) {
            for (String uid : tx.locate(new LocateQuery(null, criteria, Set.of(StorageStatus.ONLINE), 0, perQuery))) {
                if (out.containsKey(uid)) {
                    continue;
                }
                tx.get(uid).flatMap(o -> plan(tx, o, policies)).ifPresent(p -> out.put(uid, p));
            }
        }
        List<Planned> sorted = new ArrayList<>(out.values());
        sorted.sort(Comparator.comparing(Planned::due, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(p -> p.object().uniqueIdentifier()));
        return sorted;
    }

    /** The due ones among {@link #upcoming}: time limit at or before {@code now}, or usage limit reached. */
    public static List<Planned> due(ReadTransaction tx, Instant now, int perQuery) {
        return upcoming(tx, perQuery).stream().filter(p -> p.isDue(now)).toList();
    }

    private static List<List<LocateQuery.Criterion>> candidateQueries(List<RotationPolicy> policies) {
        List<LocateQuery.Criterion> active = List.of(
                new LocateQuery.Equals("State", TtlvItem.enumeration(Tag.STATE, State.ACTIVE.value())),
                new LocateQuery.NoneOf("Rotate Latest", List.of(TtlvItem.bool(Tag.ROTATE_LATEST, false))));
        List<List<LocateQuery.Criterion>> queries = new ArrayList<>();
        List<LocateQuery.Criterion> own = new ArrayList<>(active);
        own.add(new LocateQuery.Equals("Rotate Automatic", TtlvItem.bool(Tag.ROTATE_AUTOMATIC, true)));
        own.add(new LocateQuery.Present("Rotate Interval"));
        queries.add(own);
        for (RotationPolicy p : policies) {
            List<LocateQuery.Criterion> c = new ArrayList<>(active);
            c.addAll(filter(p));
            queries.add(c);
        }
        return queries;
    }

    /** The policy's filter as Locate criteria (Object Type limited to Symmetric and Private Keys when not given). */
    private static List<LocateQuery.Criterion> filter(RotationPolicy p) {
        List<LocateQuery.Criterion> c = new ArrayList<>();
        if (p.objectGroup() != null) {
            c.add(new LocateQuery.Equals("Object Group", TtlvItem.text(Tag.OBJECT_GROUP, p.objectGroup())));
        }
        if (p.objectType() != null) {
            c.add(new LocateQuery.Equals("Object Type", TtlvItem.enumeration(Tag.OBJECT_TYPE, p.objectType())));
        } else {
            c.add(new LocateQuery.AnyOf("Object Type", POLICY_DEFAULT_TYPES.stream().sorted()
                    .map(t -> TtlvItem.enumeration(Tag.OBJECT_TYPE, t)).toList()));
        }
        if (p.cryptographicAlgorithm() != null) {
            c.add(new LocateQuery.Equals("Cryptographic Algorithm",
                    TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, p.cryptographicAlgorithm())));
        }
        return c;
    }

    /**
     * Objects replaced by a scheduled rotation (Rotate Latest False) that are still Active and match a policy
     * with a grace period: the only ones a round may revoke. One index query per such policy.
     */
    static List<String> supersededCandidates(ReadTransaction tx, int perQuery) {
        List<String> out = new ArrayList<>();
        for (RotationPolicy p : tx.rotationPolicies()) {
            if (p.graceSeconds() == null) {
                continue;
            }
            List<LocateQuery.Criterion> c = new ArrayList<>(List.of(
                    new LocateQuery.Equals("Rotate Latest", TtlvItem.bool(Tag.ROTATE_LATEST, false)),
                    new LocateQuery.Equals("State", TtlvItem.enumeration(Tag.STATE, State.ACTIVE.value()))));
            c.addAll(filter(p));
            for (String uid : tx.locate(new LocateQuery(null, c, Set.of(StorageStatus.ONLINE), 0, perQuery))) {
                if (!out.contains(uid)) {
                    out.add(uid);
                }
            }
        }
        return out;
    }

    static OptionalLong date(StoredObject object, String name) {
        return object.attribute(name).filter(a -> a.value().type() == ItemType.DATE_TIME)
                .map(a -> OptionalLong.of(a.value().dateTimeValue())).orElse(OptionalLong.empty());
    }

    private static OptionalLong interval(StoredObject object, String name) {
        return object.attribute(name).filter(a -> a.value().type() == ItemType.INTERVAL)
                .map(a -> OptionalLong.of(a.value().intervalValue())).orElse(OptionalLong.empty());
    }
}
