package io.keyhold.server.ops.attribute;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.ManagedObjects;
import io.keyhold.server.ops.AttributeRules;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.store.StoredObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Get Attributes (KMIP 1.4 section 4.12, 2.1 section 6.1): the named attributes of an object (all of
 * them when none is named), in the request's model. An attribute the object lacks, or one the request's
 * version does not have, is simply left out, so asking only for a missing one answers Success with the
 * Unique Identifier alone (vSphere relies on this).
 */
public final class GetAttributesHandler implements OperationHandler {

    @Override
    public Operation operation() {
        return Operation.GET_ATTRIBUTES;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        String uid = ManagedObjects.uniqueIdentifier(context, payload);
        Set<String> names = new LinkedHashSet<>(Attributes.requestedNames(payload, context.version()));
        StoredObject o = context.read(tx -> ManagedObjects.load(context, tx, uid));
        List<KmipAttribute> selected = new ArrayList<>();
        if (names.isEmpty()) {
            selected.addAll(o.attributes());
        } else {
            for (String name : names) {
                selected.addAll(o.attributes(name));
            }
        }
        selected.removeIf(a -> !AttributeRules.visibleIn(a, context.version()));
        List<TtlvItem> out = new ArrayList<>();
        Attributes.render(out, selected, context.version());
        context.idPlaceholder(o.uniqueIdentifier());
        return Attributes.responseWithIdentifier(o.uniqueIdentifier(), out);
    }
}
