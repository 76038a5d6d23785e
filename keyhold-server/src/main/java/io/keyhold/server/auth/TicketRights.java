package io.keyhold.server.auth;

import io.keyhold.protocol.spec.Operation;
import io.keyhold.server.store.StoredObject;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the holder of a ticket may do (the Rights and Right structures of KMIP 2.0/2.1 section 7): nothing beyond the
 * identity that asked for the ticket, and, for a ticket of Delegated Login, only what one of its Right
 * structures allows. {@link #UNRESTRICTED} is the ticket of Login: everything its identity may do.
 *
 * <p>A Right allows its Operations (none listed: every operation) on its Objects and on the objects of its
 * Object Groups (none listed: every object). An operation on an object is allowed when one Right allows
 * both; an operation as such (checked before it runs) when one Right allows it.
 *
 * @param rights the Right structures; empty for the unrestricted rights of Login
 */
public record TicketRights(List<Right> rights) {
    /** The rights of a Login ticket: whatever the identity itself may do. */
    public static final TicketRights UNRESTRICTED = new TicketRights(List.of());

    public TicketRights {
        rights = List.copyOf(rights);
    }

    /**
     * One Right of a Delegated Login.
     *
     * @param operations         the operations allowed; empty: every operation
     * @param uniqueIdentifiers  the objects allowed by Unique Identifier
     * @param objectGroups       the objects allowed by Object Group; with {@code uniqueIdentifiers} empty: every object
     */
    public record Right(Set<Operation> operations, Set<String> uniqueIdentifiers, Set<String> objectGroups) {
        public Right {
            operations = Set.copyOf(operations);
            uniqueIdentifiers = Set.copyOf(uniqueIdentifiers);
            objectGroups = Set.copyOf(objectGroups);
        }

        boolean allows(Operation operation) {
            return operations.isEmpty() || operations.contains(operation);
        }

        boolean covers(StoredObject object) {
            if (uniqueIdentifiers.isEmpty() && objectGroups.isEmpty()) {
                return true;
            }
            if (uniqueIdentifiers.contains(object.uniqueIdentifier())) {
                return true;
            }
            return AccessPolicy.objectGroups(object).stream().anyMatch(objectGroups::contains);
        }
    }

    /** Whether these are the rights of a Delegated Login, narrower than the identity's own. */
    public boolean restricted() {
        return !rights.isEmpty();
    }

    /** Whether some Right allows the operation (on some object). */
    public boolean allows(Operation operation) {
        Objects.requireNonNull(operation, "operation");
        return !restricted() || rights.stream().anyMatch(r -> r.allows(operation));
    }

    /**
     * Whether some Right allows the operation on this object; an absent operation (a handler run outside
     * the dispatcher) only where a Right allows every operation.
     */
    public boolean allows(Optional<Operation> operation, StoredObject object) {
        if (!restricted()) {
            return true;
        }
        for (Right r : rights) {
            boolean op = operation.map(r::allows).orElse(r.operations().isEmpty());
            if (op && r.covers(object)) {
                return true;
            }
        }
        return false;
    }
}
