package io.keyhold.server.ops.attribute;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.AttributeRules;
import io.keyhold.server.ops.ManagedObjects;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.store.StoredObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Set Attribute (KMIP 2.0/2.1 section 6.1): creates the attribute when absent, replaces it when it has
 * one instance, and fails with Multi Valued Attribute when it has several. Read-only attributes fail with
 * Attribute Read Only.
 */
public final class SetAttributeHandler implements OperationHandler {

    @Override
    public Operation operation() {
        return Operation.SET_ATTRIBUTE;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        KmipVersion v = context.version();
        String uid = ManagedObjects.uniqueIdentifier(context, payload);
        KmipAttribute requested = Attributes.wrapped(Attributes.required(payload, Tag.NEW_ATTRIBUTE, ItemType.STRUCTURE));
        context.write(tx -> {
            StoredObject o = ManagedObjects.load(context, tx, uid);
            AttributeRules.checkModifiable(requested, o.objectType(), o.state(), v);
            List<KmipAttribute> existing = o.attributes(requested.name());
            List<KmipAttribute> all;
            if (existing.isEmpty()) {
                all = new ArrayList<>(o.attributes());
                all.add(new KmipAttribute(requested.name(), 0, requested.value()));
            } else if (existing.size() == 1) {
                KmipAttribute old = existing.get(0);
                all = Attributes.replace(o.attributes(), old, new KmipAttribute(old.name(), old.index(), requested.value()));
            } else {
                throw new KmipException(ResultReason.MULTI_VALUED_ATTRIBUTE, "attribute " + requested.name() + " has "
                        + existing.size() + " instances; use Modify Attribute with Current Attribute");
            }
            tx.update(Attributes.changed(o, all, context.now()));
            return null;
        });
        context.idPlaceholder(uid);
        return Attributes.responseWithIdentifier(uid, List.of());
    }
}
