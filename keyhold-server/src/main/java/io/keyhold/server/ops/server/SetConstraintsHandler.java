package io.keyhold.server.ops.server;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;

/**
 * Set Constraints (KMIP 2.1 section 6.1): replaces the server's attribute constraints, which Create,
 * Create Key Pair and Register then enforce (Constraint Violation, see {@link CreationRules}). They are
 * server-wide (kept in the store, shared by every node), so only an administrator ({@code access.administrators}) may set them; anyone else gets
 * Permission Denied.
 *
 * <p>The Constraints structure holds zero or more Constraint structures (none removes every constraint).
 * Each has optional Object Types (KMIP 2.1 section 7.24; a single Object Type is taken too; without them it
 * applies to every type), optional Object Groups (7.23; then it applies only to new objects in one of
 * them) and an Attributes structure listing the values allowed, one or more per attribute. A Constraint without Attributes, or with an
 * empty one, is an Invalid Field. Get Constraints returns the structure as set. The response payload is
 * empty.
 */
public final class SetConstraintsHandler implements OperationHandler {
    @Override
    public Operation operation() {
        return Operation.SET_CONSTRAINTS;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        SetDefaultsHandler.requireAdministrator(context, "set the server's Constraints");
        TtlvItem constraints = Payloads.required(payload, Tag.CONSTRAINTS, ItemType.STRUCTURE);
        CreationRules.rules(constraints, v -> SetDefaultsHandler.objectType(context, v));
        context.write(tx -> {
            tx.putConstraints(constraints, context.now());
            return null;
        });
        return TtlvItem.structure(Tag.RESPONSE_PAYLOAD);
    }
}
