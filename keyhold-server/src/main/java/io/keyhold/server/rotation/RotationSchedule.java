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

/**
 * When an object is to be rotated, from its own rotation attributes (KMIP 2.1: Rotate Automatic, Rotate
 * Interval, Rotate Offset) or from the server's rotation policies, and which objects are candidates. Pure
 * reading: {@link RotationScheduler} acts on it, and the REST API and the command line show it.
 *
 * <p>An object is rotated automatically when it is a Symmetric Key or a Private Key, Active, the latest of its
 * chain (no Replacement Object Link, Rotate Latest not False), owned by a client, and either has Rotate
 * Automatic True with a Rotate Interval, or matches a rotation policy and does not have Rotate Automatic False.
 * Its rotation is due at its last rotation plus the interval: the last rotation is its Rotate Date, or,
 * without one, the later of its Activation Date and Initial Date (a key replaced by hand keeps the old key's
 * Activation Date, but its Initial Date is when it was made). Its own Rotate Interval wins over policies;
 * among policies, the shortest interval. The grace period (policies only) comes from the matching policy
 * with the shortest interval.
 */
public final class RotationSchedule {
    /** Object Types rotated by Re-key (Symmetric Key) or Re-key Key Pair (Private Key). */
    static final Set<Integer> ROTATED_TYPES = Set.of(ObjectType.SYMMETRIC_KEY.value(), ObjectType.PRIVATE_KEY.value());

    private RotationSchedule() {
    }

    /**
     * What decides an object's rotation.
     *
     * @param intervalSeconds time between rotations
     * @param offsetSeconds   the Rotate Offset: the replacement's Activation Date is the rotation time plus this
     * @param graceSeconds    how long after a rotation the replaced object is revoked (Superseded), or null: never
     * @param policy          the policy that decides the interval, or null for the object's own Rotate Interval
     */
    public record Rule(long intervalSeconds, long offsetSeconds, Long graceSeconds, String policy) {
        /** "Rotate Interval" or "policy NAME". */
        public String source() {
            return policy == null ? "Rotate Interval" : "policy " + policy;
        }
    }

    /** An object, what decides its rotation and when it is due. */
    public record Planned(StoredObject object, Rule rule, Instant due) {
    }

    /** The rule for the object, if it is rotated automatically at all (whatever its state). */
    public static Optional<Rule> rule(StoredObject object, List<RotationPolicy> policies) {
        if (!ROTATED_TYPES.contains(object.objectType())) {
            return Optional.empty();
        }
        Optional<Boolean> automatic = object.attribute("Rotate Automatic").map(KmipAttribute::value)
                .filter(v -> v.type() == ItemType.BOOLEAN).map(TtlvItem::booleanValue);
        long offset = interval(object, "Rotate Offset").orElse(0);
        Optional<RotationPolicy> policy = policies.stream().filter(p -> matches(p, object))
                .min(Comparator.comparingLong(RotationPolicy::intervalSeconds));
        Long grace = policy.map(RotationPolicy::graceSeconds).orElse(null);
        OptionalLong own = interval(object, "Rotate Interval");
        if (automatic.orElse(false) && own.isPresent() && own.getAsLong() > 0) {
            return Optional.of(new Rule(own.getAsLong(), offset, grace, null));
        }
        if (automatic.isPresent() && !automatic.get()) {
            return Optional.empty(); // Rotate Automatic False: the owner rotates it
        }
        return policy.map(p -> new Rule(p.intervalSeconds(), offset, p.graceSeconds(), p.name()));
    }

    /** Whether every filter field the policy sets equals the object's attribute. */
    public static boolean matches(RotationPolicy policy, StoredObject object) {
        if (policy.objectType() != null && policy.objectType() != object.objectType()) {
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

    /** When the object's next rotation is due, if it is rotated automatically and may be rotated. */
    public static Optional<Planned> plan(StoredObject object, List<RotationPolicy> policies) {
        if (!rotatable(object)) {
            return Optional.empty();
        }
        Optional<Rule> rule = rule(object, policies);
        Optional<Instant> last = lastRotation(object);
        if (rule.isEmpty() || last.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Planned(object, rule.get(), last.get().plusSeconds(rule.get().intervalSeconds())));
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
                tx.get(uid).flatMap(o -> plan(o, policies)).ifPresent(p -> out.put(uid, p));
            }
        }
        List<Planned> sorted = new ArrayList<>(out.values());
        sorted.sort(Comparator.comparing(Planned::due).thenComparing(p -> p.object().uniqueIdentifier()));
        return sorted;
    }

    /** The due ones among {@link #upcoming}: due at or before {@code now}. */
    public static List<Planned> due(ReadTransaction tx, Instant now, int perQuery) {
        return upcoming(tx, perQuery).stream().filter(p -> !p.due().isAfter(now)).toList();
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

    /** The policy's filter as Locate criteria (Object Type limited to the rotated types when not given). */
    private static List<LocateQuery.Criterion> filter(RotationPolicy p) {
        List<LocateQuery.Criterion> c = new ArrayList<>();
        if (p.objectGroup() != null) {
            c.add(new LocateQuery.Equals("Object Group", TtlvItem.text(Tag.OBJECT_GROUP, p.objectGroup())));
        }
        if (p.objectType() != null) {
            c.add(new LocateQuery.Equals("Object Type", TtlvItem.enumeration(Tag.OBJECT_TYPE, p.objectType())));
        } else {
            c.add(new LocateQuery.AnyOf("Object Type", ROTATED_TYPES.stream().sorted()
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
