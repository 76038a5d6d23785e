package io.keyhold.server.ops.server;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.dispatch.RequestContext;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.store.ReadTransaction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The server-wide Object Defaults (Set Defaults, KMIP 2.1 section 6.1) and attribute Constraints (Set
 * Constraints and Get Constraints, KMIP 2.1 section 6.1) that Create, Create Key Pair and Register apply
 * to the objects they make. Kept in the store ({@link ReadTransaction#objectDefaults},
 * {@link ReadTransaction#constraints}; table creation_rule of the SQL store), so every node of a server on
 * one database applies the same rules, and they survive a restart. Each Create, Create Key Pair and
 * Register reads them from the store, so a change committed on any node applies to the next request.
 *
 * <p>Defaults: per Object Type, attribute values given to a new object of that type when the request
 * gives no value for that attribute (and the server does not derive it from the object itself).
 *
 * <p>Constraints: each Constraint optionally names Object Types (without them it applies to every type)
 * and Object Groups (then it applies only to new objects in one of them), and lists attribute values in an
 * Attributes structure; for each attribute it names, a new object that has that attribute must have one
 * of the listed values, else the request fails with Constraint Violation. An attribute the object does not have is not constrained. The store keeps the Constraints
 * structure as Set Constraints gave it (Get Constraints returns it); the rules are read from it.
 */
public final class CreationRules {
    /** The key under which the dispatcher marks every connection whose Create, Create Key Pair and Register apply the rules. */
    public static final String SESSION_KEY = CreationRules.class.getName();

    /**
     * One constraint rule: the values an attribute may take in new objects of these types (none: of every
     * type) that are in one of these Object Groups (none: whatever their groups).
     */
    record Rule(Set<Integer> objectTypes, Set<String> objectGroups, String attribute, List<TtlvItem> allowed) {}

    /** How a Constraint's Object Type is read: checked against the request's version, or as stored. */
    interface ObjectTypes {
        int read(int value) throws KmipException;
    }

    /**
     * The attributes a new object of this type gets: the client's, then the defaults for attributes that
     * neither the client gave nor the server derives. Then checks the result and the derived attributes
     * against the constraints. The rules are read in {@code tx}, the read transaction of the item (the one
     * that read the client's attributes, or the batch's). No rules (a handler run outside the dispatcher): the
     * client's, unchanged.
     *
     * @param client  the attributes the request gives, checked and indexed
     * @param derived the attributes the server reads from the object itself (Register), or none
     * @throws KmipException Constraint Violation when an attribute value is not one a constraint allows
     */
    public static List<KmipAttribute> apply(OperationContext context, ReadTransaction tx, int objectType,
                                            List<KmipAttribute> client, List<TtlvItem> derived) throws KmipException {
        Optional<CreationRules> rules = of(context.request());
        if (rules.isEmpty()) {
            return client;
        }
        return applyTo(tx, objectType, client, derived);
    }

    /** The rules the dispatcher handed to the request's connection, if any. */
    public static Optional<CreationRules> of(RequestContext request) {
        Object v = request.session().values().get(SESSION_KEY);
        return v instanceof CreationRules r ? Optional.of(r) : Optional.empty();
    }

    static List<KmipAttribute> applyTo(ReadTransaction tx, int objectType, List<KmipAttribute> client,
                                       List<TtlvItem> derived) throws KmipException {
        List<KmipAttribute> typeDefaults = tx.objectDefaults(objectType);
        Optional<TtlvItem> constraints = tx.constraints();
        List<Rule> current = constraints.isPresent() ? rules(constraints.get(), v -> v) : List.of();
        return applyTo(objectType, client, derived, typeDefaults, current);
    }

    static List<KmipAttribute> applyTo(int objectType, List<KmipAttribute> client, List<TtlvItem> derived,
                                       List<KmipAttribute> typeDefaults, List<Rule> current) throws KmipException {
        List<KmipAttribute> out = new ArrayList<>(client);
        Set<String> given = new HashSet<>();
        client.forEach(a -> given.add(a.name()));
        List<KmipAttribute> fromServer = new ArrayList<>();
        for (TtlvItem d : derived) {
            KmipAttribute a = KmipAttribute.of(d);
            given.add(a.name());
            fromServer.add(a);
        }
        Map<String, Integer> next = new HashMap<>();
        for (KmipAttribute d : typeDefaults) {
            if (!given.contains(d.name())) {
                int index = next.merge(d.name(), 1, Integer::sum) - 1;
                out.add(new KmipAttribute(d.name(), index, d.value()));
            }
        }
        List<KmipAttribute> all = new ArrayList<>(out);
        all.addAll(fromServer);
        Set<String> groups = new HashSet<>();
        for (KmipAttribute a : all) {
            if (a.name().equals("Object Group") && a.value().type() == ItemType.TEXT_STRING) {
                groups.add(a.value().textValue());
            }
        }
        for (Rule r : current) {
            if (!r.objectTypes().isEmpty() && !r.objectTypes().contains(objectType)
                    || !r.objectGroups().isEmpty() && r.objectGroups().stream().noneMatch(groups::contains)) {
                continue;
            }
            for (KmipAttribute a : all) {
                if (a.name().equals(r.attribute()) && !r.allowed().contains(a.value())) {
                    throw new KmipException(ResultReason.CONSTRAINT_VIOLATION, "the value of " + a.name()
                            + " is not one a constraint allows" + scopeOf(r.objectTypes().isEmpty() ? null : objectType));
                }
            }
        }
        return List.copyOf(out);
    }

    /**
     * The rules of a Constraints structure, one per Constraint and attribute named. A Constraint (KMIP 2.1
     * section 7.6) may name its types with Object Types (or a single Object Type) and its groups with Object
     * Groups; its Attributes list the values allowed.
     *
     * @throws KmipException Invalid Field for a structure that is not a Constraints structure as Set
     *                       Constraints takes it (see {@link SetConstraintsHandler}), or an Object Type
     *                       {@code objectTypes} refuses
     */
    static List<Rule> rules(TtlvItem constraints, ObjectTypes objectTypes) throws KmipException {
        List<Rule> read = new ArrayList<>();
        for (TtlvItem c : constraints.children()) {
            if (c.tag() != Tag.CONSTRAINT) {
                throw new KmipException(ResultReason.INVALID_FIELD, "Constraints holds " + Payloads.name(c.tag())
                        + " (expected: Constraint)");
            }
            Payloads.typed(c, ItemType.STRUCTURE);
            Set<Integer> types = Set.copyOf(objectTypes(c, objectTypes));
            Set<String> groups = new LinkedHashSet<>();
            Optional<TtlvItem> groupList = Payloads.optional(c, Tag.OBJECT_GROUPS, ItemType.STRUCTURE);
            if (groupList.isPresent()) {
                for (TtlvItem g : items(groupList.get(), Tag.OBJECT_GROUP, ItemType.TEXT_STRING)) {
                    groups.add(g.textValue());
                }
            }
            TtlvItem attributes = Payloads.optional(c, Tag.ATTRIBUTES, ItemType.STRUCTURE).orElseThrow(() ->
                    new KmipException(ResultReason.INVALID_FIELD, "a Constraint has no Attributes"));
            List<KmipAttribute> allowed = AttributeMapping.fromAttributes(attributes);
            if (allowed.isEmpty()) {
                throw new KmipException(ResultReason.INVALID_FIELD, "a Constraint allows no attribute value");
            }
            Map<String, List<TtlvItem>> byName = new LinkedHashMap<>();
            for (KmipAttribute a : allowed) {
                byName.computeIfAbsent(a.name(), n -> new ArrayList<>()).add(a.value());
            }
            for (Map.Entry<String, List<TtlvItem>> e : byName.entrySet()) {
                read.add(new Rule(types, Set.copyOf(groups), e.getKey(), List.copyOf(e.getValue())));
            }
        }
        return read;
    }

    /**
     * The types a structure names (Object Defaults, Constraint): its Object Type, or the Object Type
     * values of its Object Types structure, each read by {@code objectTypes}; empty when it names none.
     */
    static List<Integer> objectTypes(TtlvItem structure, ObjectTypes objectTypes) throws KmipException {
        List<Integer> types = new ArrayList<>();
        Optional<TtlvItem> one = Payloads.optional(structure, Tag.OBJECT_TYPE, ItemType.ENUMERATION);
        Optional<TtlvItem> many = Payloads.optional(structure, Tag.OBJECT_TYPES, ItemType.STRUCTURE);
        if (one.isPresent() && many.isPresent()) {
            throw new KmipException(ResultReason.INVALID_FIELD, Payloads.name(structure.tag())
                    + " gives both Object Type and Object Types");
        }
        if (one.isPresent()) {
            types.add(objectTypes.read(one.get().enumValue()));
        }
        if (many.isPresent()) {
            for (TtlvItem t : items(many.get(), Tag.OBJECT_TYPE, ItemType.ENUMERATION)) {
                types.add(objectTypes.read(t.enumValue()));
            }
        }
        return types;
    }

    /** The items of a list structure (Object Types, Object Groups), each of {@code tag} and {@code type}. */
    private static List<TtlvItem> items(TtlvItem list, int tag, ItemType type) throws KmipException {
        for (TtlvItem item : list.children()) {
            if (item.tag() != tag || item.type() != type) {
                throw new KmipException(ResultReason.INVALID_FIELD, Payloads.name(list.tag()) + " holds "
                        + Payloads.name(item.tag()) + " (expected: " + Payloads.name(tag) + ")");
            }
        }
        return list.children();
    }

    private static String scopeOf(Integer objectType) {
        return objectType == null ? "" : " for " + ObjectType.fromValue(objectType).map(ObjectType::specName)
                .orElse(String.format("Object Type 0x%08X", objectType)) + " objects";
    }
}
