package io.keyhold.server.ops.attribute;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.AttributeMapping;
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
import java.util.List;
import java.util.Optional;

/**
 * Modify Attribute (KMIP 1.4 section 4.15, 2.1 section 6.1): replaces the value of an existing instance,
 * chosen in 1.x by Attribute Index (0 when absent) and in 2.x by Current Attribute (required when several
 * instances exist). A missing attribute is 2.x Attribute Not Found / 1.x Item Not Found; a missing
 * instance 2.x Attribute Instance Not Found / 1.x Item Not Found; a server-set attribute 2.x Attribute
 * Read Only / 1.x Permission Denied.
 */
public final class ModifyAttributeHandler implements OperationHandler {

    @Override
    public Operation operation() {
        return Operation.MODIFY_ATTRIBUTE;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        KmipVersion v = context.version();
        String uid = ManagedObjects.uniqueIdentifier(context, payload);
        KmipAttribute requested;
        KmipAttribute current = null;
        if (v.isTwoOrLater()) {
            requested = Attributes.wrapped(Attributes.required(payload, Tag.NEW_ATTRIBUTE, ItemType.STRUCTURE));
            Optional<TtlvItem> cur = Payload.optional(payload, Tag.CURRENT_ATTRIBUTE, ItemType.STRUCTURE);
            if (cur.isPresent()) {
                current = Attributes.wrapped(cur.get());
                if (!current.name().equals(requested.name())) {
                    throw new KmipException(ResultReason.INVALID_FIELD, "Current Attribute " + current.name()
                            + " and New Attribute " + requested.name() + " differ");
                }
            }
        } else {
            requested = AttributeMapping.fromAttribute(Attributes.required(payload, Tag.ATTRIBUTE, ItemType.STRUCTURE));
        }
        KmipAttribute chosenCurrent = current;
        KmipAttribute modified = context.write(tx -> {
            StoredObject o = ManagedObjects.load(context, tx, uid);
            AttributeRules.checkModifiable(requested, o.objectType(), o.state(), v);
            List<KmipAttribute> existing = o.attributes(requested.name());
            if (existing.isEmpty()) {
                throw Attributes.notFound(requested.name(), v);
            }
            KmipAttribute old;
            if (!v.isTwoOrLater()) {
                old = Attributes.instance(o, requested.name(), requested.index()).orElseThrow(
                        () -> Attributes.instanceNotFound(requested.name(), "with index " + requested.index(), v));
            } else if (chosenCurrent != null) {
                old = Attributes.instanceWithValue(o, chosenCurrent).orElseThrow(
                        () -> Attributes.instanceNotFound(requested.name(), "with the Current Attribute value", v));
            } else if (existing.size() == 1) {
                old = existing.get(0);
            } else {
                throw new KmipException(ResultReason.MULTI_VALUED_ATTRIBUTE, "attribute " + requested.name() + " has "
                        + existing.size() + " instances; name the one to change with Current Attribute");
            }
            KmipAttribute replacement = new KmipAttribute(old.name(), old.index(), requested.value());
            tx.update(Attributes.changed(o, Attributes.replace(o.attributes(), old, replacement), context.now()));
            return replacement;
        });
        context.idPlaceholder(uid);
        return Attributes.responseWithIdentifier(uid, v.isTwoOrLater() ? List.of() : List.of(AttributeMapping.toAttribute(modified)));
    }
}
