package io.keyhold.server.ops.server;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Set Constraints (KMIP 2.1 section 6.1): replaces the server's attribute constraints, which Create,
 * Create Key Pair and Register then enforce (Constraint Violation, see {@link CreationRules}). They are
 * server-wide, so only an administrator ({@code access.administrators}) may set them; anyone else gets
 * Permission Denied.
 *
 * <p>The Constraints structure holds zero or more Constraint structures (none removes every constraint).
 * Each has an optional Object Type (without one it applies to every type) and an Attributes structure
 * listing the values allowed, one or more per attribute. A Constraint without Attributes, or with an
 * empty one, is an Invalid Field. Get Constraints returns the structure as set. The response payload is
 * empty.
 */
public final class SetConstraintsHandler implements OperationHandler {
    private final CreationRules rules;

    public SetConstraintsHandler(CreationRules rules) {
        this.rules = rules;
    }

    @Override
    public Operation operation() {
        return Operation.SET_CONSTRAINTS;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        SetDefaultsHandler.requireAdministrator(context, "set the server's Constraints");
        TtlvItem constraints = Payloads.required(payload, Tag.CONSTRAINTS, ItemType.STRUCTURE);
        List<CreationRules.Rule> read = new ArrayList<>();
        for (TtlvItem c : constraints.children()) {
            if (c.tag() != Tag.CONSTRAINT) {
                throw new KmipException(ResultReason.INVALID_FIELD, "Constraints holds " + Payloads.name(c.tag())
                        + " (expected: Constraint)");
            }
            Payloads.typed(c, ItemType.STRUCTURE);
            Integer type = null;
            if (Payloads.optional(c, Tag.OBJECT_TYPE, ItemType.ENUMERATION).isPresent()) {
                type = SetDefaultsHandler.objectType(context, c.child(Tag.OBJECT_TYPE).orElseThrow().enumValue());
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
                read.add(new CreationRules.Rule(type, e.getKey(), List.copyOf(e.getValue())));
            }
        }
        rules.setConstraints(constraints, read);
        return TtlvItem.structure(Tag.RESPONSE_PAYLOAD);
    }
}
