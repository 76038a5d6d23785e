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
 * Delete Attribute (KMIP 1.4 section 4.16, 2.1 section 6.1): removes one instance (1.x Attribute Name
 * and Attribute Index, 0 when absent; 2.x Current Attribute) or, with a 2.x Attribute Reference, every
 * instance of the attribute. Only client-deletable attributes (2.x Attribute Read Only, 1.x Permission
 * Denied otherwise); a missing attribute or instance is 2.x Attribute Not Found / Attribute Instance Not
 * Found, 1.x Item Not Found. Answers the Unique Identifier (and in 1.x the deleted attribute).
 */
public final class DeleteAttributeHandler implements OperationHandler {

    @Override
    public Operation operation() {
        return Operation.DELETE_ATTRIBUTE;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        KmipVersion v = context.version();
        String uid = ManagedObjects.uniqueIdentifier(context, payload);
        String name;
        int index = 0;
        KmipAttribute current = null;
        if (v.isTwoOrLater()) {
            Optional<TtlvItem> cur = Payload.optional(payload, Tag.CURRENT_ATTRIBUTE, ItemType.STRUCTURE);
            List<TtlvItem> refs = payload.childrenWith(Tag.ATTRIBUTE_REFERENCE);
            if (cur.isPresent() == !refs.isEmpty() || refs.size() > 1) {
                throw new KmipException(ResultReason.INVALID_MESSAGE,
                        "Delete Attribute needs either a Current Attribute or one Attribute Reference");
            }
            if (cur.isPresent()) {
                current = Attributes.wrapped(cur.get());
                name = current.name();
            } else {
                name = Attributes.referenceName(refs.get(0));
            }
        } else {
            name = Attributes.required(payload, Tag.ATTRIBUTE_NAME, ItemType.TEXT_STRING).textValue();
            index = Payload.optional(payload, Tag.ATTRIBUTE_INDEX, ItemType.INTEGER).map(TtlvItem::intValue).orElse(0);
        }
        String attributeName = name;
        int attributeIndex = index;
        KmipAttribute currentValue = current;
        List<KmipAttribute> deleted = context.write(tx -> {
            StoredObject o = ManagedObjects.load(context, tx, uid);
            AttributeRules.checkDeletable(attributeName, v);
            List<KmipAttribute> existing = o.attributes(attributeName);
            if (existing.isEmpty()) {
                throw Attributes.notFound(attributeName, v);
            }
            List<KmipAttribute> remove;
            if (!v.isTwoOrLater()) {
                remove = List.of(Attributes.instance(o, attributeName, attributeIndex).orElseThrow(
                        () -> Attributes.instanceNotFound(attributeName, "with index " + attributeIndex, v)));
            } else if (currentValue != null) {
                remove = List.of(Attributes.instanceWithValue(o, currentValue).orElseThrow(
                        () -> Attributes.instanceNotFound(attributeName, "with the Current Attribute value", v)));
            } else {
                remove = existing;
            }
            tx.update(Attributes.changed(o, Attributes.without(o.attributes(), remove), context.now()));
            return remove;
        });
        context.idPlaceholder(uid);
        return Attributes.responseWithIdentifier(uid,
                v.isTwoOrLater() ? List.of() : List.of(AttributeMapping.toAttribute(deleted.get(0))));
    }
}
