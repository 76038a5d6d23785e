package io.keyhold.server.ops.server;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.dispatch.RequestContext;
import io.keyhold.server.ops.OperationContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The server-wide Object Defaults (Set Defaults, KMIP 2.1 section 6.1) and attribute Constraints (Set
 * Constraints and Get Constraints, KMIP 2.1 section 6.1) that Create, Create Key Pair and Register apply
 * to the objects they make. Kept in memory by the dispatcher for as long as the server runs: a restart
 * starts with none. Thread-safe; a change applies to the requests that read the attributes after it.
 *
 * <p>Defaults: per Object Type, attribute values given to a new object of that type when the request
 * gives no value for that attribute (and the server does not derive it from the object itself).
 *
 * <p>Constraints: each Constraint optionally names an Object Type (without one it applies to every type)
 * and lists attribute values in an Attributes structure; for each attribute it names, a new object that
 * has that attribute must have one of the listed values, else the request fails with Constraint
 * Violation. An attribute the object does not have is not constrained.
 */
public final class CreationRules {
    /** The key under which the dispatcher hands the server's rules to every connection. */
    public static final String SESSION_KEY = CreationRules.class.getName();

    /** One constraint rule: the values an attribute may take in objects of a type (null: of every type). */
    record Rule(Integer objectType, String attribute, List<TtlvItem> allowed) {}

    private final Map<Integer, List<KmipAttribute>> defaults = new LinkedHashMap<>();
    private TtlvItem constraints = TtlvItem.structure(Tag.CONSTRAINTS);
    private List<Rule> rules = List.of();

    /**
     * The attributes a new object of this type gets: the client's, then the defaults for attributes that
     * neither the client gave nor the server derives. Then checks the result and the derived attributes
     * against the constraints. No rules (a handler run outside the dispatcher): the client's, unchanged.
     *
     * @param client  the attributes the request gives, checked and indexed
     * @param derived the attributes the server reads from the object itself (Register), or none
     * @throws KmipException Constraint Violation when an attribute value is not one a constraint allows
     */
    public static List<KmipAttribute> apply(OperationContext context, int objectType, List<KmipAttribute> client,
                                            List<TtlvItem> derived) throws KmipException {
        Optional<CreationRules> rules = of(context.request());
        return rules.isPresent() ? rules.get().applyTo(objectType, client, derived) : client;
    }

    /** The rules the dispatcher handed to the request's connection, if any. */
    public static Optional<CreationRules> of(RequestContext request) {
        Object v = request.session().values().get(SESSION_KEY);
        return v instanceof CreationRules r ? Optional.of(r) : Optional.empty();
    }

    List<KmipAttribute> applyTo(int objectType, List<KmipAttribute> client, List<TtlvItem> derived) throws KmipException {
        List<KmipAttribute> out = new ArrayList<>(client);
        Set<String> given = new HashSet<>();
        client.forEach(a -> given.add(a.name()));
        List<KmipAttribute> fromServer = new ArrayList<>();
        for (TtlvItem d : derived) {
            KmipAttribute a = KmipAttribute.of(d);
            given.add(a.name());
            fromServer.add(a);
        }
        List<KmipAttribute> typeDefaults;
        List<Rule> current;
        synchronized (this) {
            typeDefaults = defaults.getOrDefault(objectType, List.of());
            current = rules;
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
        for (Rule r : current) {
            if (r.objectType() != null && r.objectType() != objectType) {
                continue;
            }
            for (KmipAttribute a : all) {
                if (a.name().equals(r.attribute()) && !r.allowed().contains(a.value())) {
                    throw new KmipException(ResultReason.CONSTRAINT_VIOLATION, "the value of " + a.name()
                            + " is not one a constraint allows" + scopeOf(r.objectType()));
                }
            }
        }
        return List.copyOf(out);
    }

    /** Replaces the defaults of one Object Type (none: that type has no defaults any more). */
    synchronized void setDefaults(int objectType, List<KmipAttribute> attributes) {
        if (attributes.isEmpty()) {
            defaults.remove(objectType);
        } else {
            defaults.put(objectType, List.copyOf(attributes));
        }
    }

    /** The defaults of one Object Type. */
    synchronized List<KmipAttribute> defaults(int objectType) {
        return defaults.getOrDefault(objectType, List.of());
    }

    /** Replaces all constraints: the Constraints structure as given, and the rules read from it. */
    synchronized void setConstraints(TtlvItem constraints, List<Rule> rules) {
        this.constraints = constraints;
        this.rules = List.copyOf(rules);
    }

    /** The Constraints structure last set (empty when none was). */
    synchronized TtlvItem constraints() {
        return constraints;
    }

    private static String scopeOf(Integer objectType) {
        return objectType == null ? "" : " for " + ObjectType.fromValue(objectType).map(ObjectType::specName)
                .orElse(String.format("Object Type 0x%08X", objectType)) + " objects";
    }

}
