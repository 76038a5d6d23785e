package io.keyhold.server.auth;

import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.store.Grant;
import io.keyhold.server.store.LocateQuery;
import io.keyhold.server.store.ReadTransaction;
import io.keyhold.server.store.StoredObject;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The one place that decides whether a client may use an object (docs/access-control.md):
 * <ol>
 * <li>the server's own objects (owner: the empty string, such as the CA) are never used by any client;
 * <li>the owner may run every operation on its objects;
 * <li>an administrator ({@code access.administrators}) may run every operation on every object;
 * <li>anyone else needs a stored {@link Grant} of the operation (or of every operation) on the object, by
 *     Unique Identifier or by one of its Object Groups, to its identity or to one of its identity groups
 *     ({@code access.groups}).
 * </ol>
 * Creating new objects (Create, Register, ...) needs no permission. Grants are read from the store at each
 * decision, inside the caller's transaction, so a grant or revoke made by another process applies to the
 * next request; the administrators and groups are configuration, fixed while the server runs.
 *
 * <p>Decisions about an object a client may not use are answered as for a missing object: see
 * {@link AccessDenied}.
 */
public final class AccessPolicy {
    /** No administrators and no groups: owners and stored grants only. */
    public static final AccessPolicy DEFAULT = new AccessPolicy(Set.of(), Map.of());

    private final Set<String> administrators;
    private final Map<String, Set<String>> groupsOfMember;
    private final TicketRights within;

    /**
     * @param administrators identities that may use and manage every object
     * @param groups         identity group name to its member identities
     */
    public AccessPolicy(Set<String> administrators, Map<String, ? extends Collection<String>> groups) {
        this.administrators = Set.copyOf(administrators);
        Map<String, Set<String>> byMember = new TreeMap<>();
        for (Map.Entry<String, ? extends Collection<String>> g : groups.entrySet()) {
            for (String member : g.getValue()) {
                byMember.computeIfAbsent(member, m -> new TreeSet<>()).add(g.getKey());
            }
        }
        byMember.replaceAll((m, s) -> Set.copyOf(s));
        this.groupsOfMember = Map.copyOf(byMember);
        this.within = TicketRights.UNRESTRICTED;
    }

    private AccessPolicy(AccessPolicy base, TicketRights within) {
        this.administrators = base.administrators;
        this.groupsOfMember = base.groupsOfMember;
        this.within = within;
    }

    /**
     * This policy for a request authenticated by a ticket: what it permits, and only where the ticket's
     * rights allow it (a Delegated Login). Locate is not narrowed to the ticket's objects.
     */
    public AccessPolicy within(TicketRights rights) {
        return rights.restricted() ? new AccessPolicy(this, rights) : this;
    }

    /** The policy of the configuration's {@code access} section. */
    public static AccessPolicy of(ServerConfig.Access access) {
        return new AccessPolicy(Set.copyOf(access.administrators()), access.groups());
    }

    public boolean isAdministrator(Identity identity) {
        return administrators.contains(identity.name());
    }

    /** The identity groups the identity belongs to. */
    public Set<String> groupsOf(Identity identity) {
        return groupsOfMember.getOrDefault(identity.name(), Set.of());
    }

    /**
     * Whether the client may run the operation on the object. An absent operation (a handler run outside
     * the dispatcher) is allowed only to the owner, administrators and grants of every operation.
     */
    public boolean permits(Identity who, Optional<Operation> operation, StoredObject object, ReadTransaction tx) {
        Objects.requireNonNull(who, "who");
        if (object.owner().isEmpty() || !within.allows(operation, object)) {
            return false;
        }
        if (object.owner().equals(who.name()) || isAdministrator(who)) {
            return true;
        }
        String name = operation.map(Operation::specName).orElse(Grant.ALL_OPERATIONS);
        Set<String> groups = groupsOf(who);
        for (Grant g : tx.grantsOn(object.uniqueIdentifier(), objectGroups(object))) {
            boolean grantee = g.granteeKind() == Grant.GranteeKind.IDENTITY ? g.grantee().equals(who.name())
                    : groups.contains(g.grantee());
            if (grantee && g.allows(name)) {
                return true;
            }
        }
        return false;
    }

    /** Locate's restriction for this client: what {@link #permits} allows for some operation. */
    public LocateQuery.VisibleTo visibleTo(Identity who) {
        return new LocateQuery.VisibleTo(who.name(), groupsOf(who), isAdministrator(who));
    }

    /**
     * Whether the client may create, change or remove grants on this target: administrators on every
     * target, an owner on its own objects (by Unique Identifier only; an Object Group spans other owners'
     * objects). A grantee never passes its grants on.
     */
    public boolean mayManageGrants(Identity who, Grant.TargetKind kind, Optional<StoredObject> target) {
        if (isAdministrator(who)) {
            return true;
        }
        return kind == Grant.TargetKind.OBJECT && target.isPresent() && !target.get().owner().isEmpty()
                && target.get().owner().equals(who.name());
    }

    /** The values of the object's Object Group attribute. */
    static List<String> objectGroups(StoredObject object) {
        return object.attributes("Object Group").stream()
                .filter(a -> a.value().type() == ItemType.TEXT_STRING)
                .map(a -> a.value().textValue()).toList();
    }
}
