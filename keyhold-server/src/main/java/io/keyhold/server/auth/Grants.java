package io.keyhold.server.auth;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.store.Grant;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.store.WriteTransaction;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Granting, revoking and listing permissions (docs/access-control.md), for the command line and any later
 * management interface. Each change runs in one store transaction that also records it (see
 * {@link #recordChange}); a change that is refused or fails stores nothing.
 *
 * <p>Who may change grants: the operator (command line) and administrators on any target; an owner on its
 * own objects by Unique Identifier. A grantee cannot pass its grants on.
 */
public final class Grants {
    private static final Logger LOG = LoggerFactory.getLogger(Grants.class);

    private final ObjectStore store;
    private final AccessPolicy policy;
    private final Clock clock;

    public Grants(ObjectStore store, AccessPolicy policy, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A grant's target: one object (Unique Identifier) or one Object Group. */
    public record Target(Grant.TargetKind kind, String name) {
        public Target {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(name, "name");
        }
    }

    /** A grant's recipient: one identity or one identity group. */
    public record Grantee(Grant.GranteeKind kind, String name) {
        public Grantee {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * Grants the operations (specification names, or {@link Grant#ALL_OPERATIONS}) on the target to the
     * grantee; returns the grants that were new.
     *
     * @throws KmipException Object Not Found for an unknown object, Permission Denied when the actor may not
     *                       manage grants on the target, Invalid Field for empty names
     */
    public List<Grant> grant(Actor actor, Target target, Grantee grantee, Set<String> operations) throws KmipException {
        List<Grant> wanted = grants(target, grantee, operations);
        long now = clock.instant().getEpochSecond();
        return store.write(tx -> {
            checkAllowed(tx, actor, target);
            List<Grant> added = new ArrayList<>();
            for (Grant g : wanted) {
                if (tx.insertGrant(g, now)) {
                    added.add(g);
                }
            }
            recordChange(tx, actor, Change.GRANT, added);
            return added;
        });
    }

    /**
     * Revokes the operations on the target from the grantee, or every operation granted to it there when
     * {@code operations} is empty; returns the grants removed.
     *
     * @throws KmipException Item Not Found when no such grant exists (nothing changes), Permission Denied as
     *                       for {@link #grant}
     */
    public List<Grant> revoke(Actor actor, Target target, Grantee grantee, Set<String> operations) throws KmipException {
        requireName("target", target.name());
        requireName("grantee", grantee.name());
        Set<String> names = operations.isEmpty() ? Set.of() : canonical(operations);
        return store.write(tx -> {
            checkAllowed(tx, actor, target);
            List<Grant> removed = new ArrayList<>();
            for (Grant g : tx.grants()) {
                if (g.targetKind() == target.kind() && g.target().equals(target.name())
                        && g.granteeKind() == grantee.kind() && g.grantee().equals(grantee.name())
                        && (names.isEmpty() || names.contains(g.operation())) && tx.deleteGrant(g)) {
                    removed.add(g);
                }
            }
            if (removed.isEmpty()) {
                throw new KmipException(ResultReason.ITEM_NOT_FOUND, "no such grant on " + describe(target) + " to "
                        + describe(grantee));
            }
            recordChange(tx, actor, Change.REVOKE, removed);
            return removed;
        });
    }

    /** The grants, optionally only those on one object (by Unique Identifier) and those to one grantee name. */
    public List<Grant> list(Optional<String> object, Optional<String> grantee) throws KmipException {
        return store.read(tx -> tx.grants().stream()
                .filter(g -> object.isEmpty() || (g.targetKind() == Grant.TargetKind.OBJECT && g.target().equals(object.get())))
                .filter(g -> grantee.isEmpty() || g.grantee().equals(grantee.get()))
                .toList());
    }

    /**
     * Operation names as the command line takes them ("get", "get-attributes", "Get Attributes", "all"),
     * as specification names; {@link Grant#ALL_OPERATIONS} for "all".
     *
     * @throws KmipException Invalid Field naming the first unknown operation
     */
    public static Set<String> canonical(Set<String> names) throws KmipException {
        Set<String> out = new LinkedHashSet<>();
        for (String raw : names) {
            String key = normal(raw);
            if (key.isEmpty()) {
                continue;
            }
            if (key.equals("all") || raw.strip().equals(Grant.ALL_OPERATIONS)) {
                out.add(Grant.ALL_OPERATIONS);
                continue;
            }
            Optional<Operation> op = java.util.Arrays.stream(Operation.values())
                    .filter(o -> normal(o.specName()).equals(key)).findFirst();
            if (op.isEmpty()) {
                throw new KmipException(ResultReason.INVALID_FIELD, "unknown operation \"" + raw.strip()
                        + "\" (expected KMIP operation names such as get, encrypt, get-attributes, or all)");
            }
            out.add(op.get().specName());
        }
        if (out.isEmpty()) {
            throw new KmipException(ResultReason.INVALID_FIELD, "no operation named (expected e.g. get,encrypt or all)");
        }
        return out;
    }

    private static String normal(String name) {
        return name.strip().toLowerCase(Locale.ROOT).replaceAll("[\\s_-]+", "");
    }

    /**
     * THE place where a grant or revoke is recorded: called inside the change's own write transaction, after
     * the change, with the grants actually added or removed (all on one target, to one grantee). The audit
     * record is appended through {@code tx}, so it commits or rolls back with the change; a grant that
     * already existed changes nothing and gets no record.
     */
    private void recordChange(WriteTransaction tx, Actor actor, Change change, List<Grant> grants) {
        if (grants.isEmpty()) {
            return;
        }
        Grant first = grants.get(0);
        Target target = new Target(first.targetKind(), first.target());
        Grantee grantee = new Grantee(first.granteeKind(), first.grantee());
        String operations = String.join(", ", grants.stream()
                .map(g -> g.operation().equals(Grant.ALL_OPERATIONS) ? "all operations" : g.operation()).toList());
        String detail = change.verb + " " + operations + " on " + describe(target) + change.preposition + describe(grantee);
        LOG.info("{} by {}", detail, actor.describe());
        tx.appendAudit(AuditEvent.change(clock.instant(), actor.describe(), actor.source(), change.operation,
                target.kind() == Grant.TargetKind.OBJECT ? List.of(target.name()) : List.of(), detail));
    }

    /** A change of grants as its audit record names it. */
    private enum Change {
        GRANT("Grant", "granted", " to "),
        REVOKE("Revoke Grant", "revoked", " from ");

        final String operation;
        final String verb;
        final String preposition;

        Change(String operation, String verb, String preposition) {
            this.operation = operation;
            this.verb = verb;
            this.preposition = preposition;
        }
    }

    private void checkAllowed(WriteTransaction tx, Actor actor, Target target) throws KmipException {
        Optional<StoredObject> object = target.kind() == Grant.TargetKind.OBJECT
                ? tx.get(target.name()).filter(o -> !o.owner().isEmpty()) : Optional.empty();
        if (target.kind() == Grant.TargetKind.OBJECT && object.isEmpty()) {
            throw new KmipException(ResultReason.OBJECT_NOT_FOUND, "no object with Unique Identifier " + printable(target.name()));
        }
        if (actor instanceof Actor.Client client && !policy.mayManageGrants(client.identity(), target.kind(), object)) {
            if (target.kind() == Grant.TargetKind.OBJECT && !policy.permits(client.identity(), Optional.empty(), object.get(), tx)) {
                // an object the client cannot see is answered as missing
                throw AccessDenied.objectNotFound("no object with Unique Identifier " + printable(target.name()), target.name());
            }
            throw new KmipException(ResultReason.PERMISSION_DENIED, client.identity().name()
                    + " may not manage grants on " + describe(target) + " (owner or administrator only)");
        }
    }

    private static List<Grant> grants(Target target, Grantee grantee, Set<String> operations) throws KmipException {
        requireName("target", target.name());
        requireName("grantee", grantee.name());
        List<Grant> out = new ArrayList<>();
        for (String op : canonical(operations)) {
            out.add(new Grant(target.kind(), target.name(), grantee.kind(), grantee.name(), op));
        }
        return out;
    }

    private static void requireName(String what, String name) throws KmipException {
        if (name == null || name.isBlank()) {
            throw new KmipException(ResultReason.INVALID_FIELD, "the " + what + " name is empty");
        }
    }

    static String describe(Target t) {
        return (t.kind() == Grant.TargetKind.OBJECT ? "object " : "object group ") + printable(t.name());
    }

    static String describe(Grantee g) {
        return (g.kind() == Grant.GranteeKind.IDENTITY ? "identity " : "group ") + printable(g.name());
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 128; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }
}
