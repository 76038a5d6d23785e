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
import io.keyhold.server.store.LocateQuery;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoredObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Add Attribute (KMIP 1.4 section 4.14, 2.1 section 6.1): adds an instance of a client-modifiable
 * attribute; its 1.x index is the next free one. A second instance of a single-valued attribute fails
 * (2.x Attribute Single Valued, 1.x Illegal Operation), as does a Name another object of the same owner
 * already has (2.x Non Unique Name Attribute, 1.x Illegal Operation), a server-set attribute (2.x
 * Attribute Read Only, 1.x Permission Denied) and, in 1.x, an Attribute Index in the request (Invalid
 * Field). Answers the Unique Identifier (and in 1.x the attribute as stored).
 */
public final class AddAttributeHandler implements OperationHandler {

    @Override
    public Operation operation() {
        return Operation.ADD_ATTRIBUTE;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        KmipVersion v = context.version();
        String uid = ManagedObjects.uniqueIdentifier(context, payload);
        KmipAttribute requested;
        if (v.isTwoOrLater()) {
            requested = Attributes.wrapped(Attributes.required(payload, Tag.NEW_ATTRIBUTE, ItemType.STRUCTURE));
        } else {
            TtlvItem attribute = Attributes.required(payload, Tag.ATTRIBUTE, ItemType.STRUCTURE);
            if (attribute.child(Tag.ATTRIBUTE_INDEX).isPresent()) {
                throw new KmipException(ResultReason.INVALID_FIELD, "Add Attribute must not carry an Attribute Index");
            }
            requested = AttributeMapping.fromAttribute(attribute);
        }
        KmipAttribute added = context.write(tx -> {
            StoredObject o = ManagedObjects.load(context, tx, uid);
            AttributeRules.checkModifiable(requested, o.objectType(), o.state(), v);
            List<KmipAttribute> existing = o.attributes(requested.name());
            if (!existing.isEmpty() && !AttributeRules.isMultiValued(requested.name())) {
                throw new KmipException(v.isTwoOrLater() ? ResultReason.ATTRIBUTE_SINGLE_VALUED : ResultReason.ILLEGAL_OPERATION,
                        "attribute " + requested.name() + " is single-valued and already present");
            }
            if (requested.name().equals("Name") && !tx.locate(new LocateQuery(o.owner(),
                    List.of(new LocateQuery.Equals("Name", requested.value())),
                    java.util.Set.of(StorageStatus.ONLINE, StorageStatus.ARCHIVED), 0, 1)).isEmpty()) {
                throw new KmipException(v.isTwoOrLater() ? ResultReason.NON_UNIQUE_NAME_ATTRIBUTE : ResultReason.ILLEGAL_OPERATION,
                        "another object already has this Name");
            }
            KmipAttribute a = new KmipAttribute(requested.name(), Attributes.nextIndex(o, requested.name()), requested.value());
            List<KmipAttribute> all = new ArrayList<>(o.attributes());
            all.add(a);
            tx.update(Attributes.changed(o, all, context.now()));
            return a;
        });
        context.idPlaceholder(uid);
        return Attributes.responseWithIdentifier(uid, v.isTwoOrLater() ? List.of() : List.of(AttributeMapping.toAttribute(added)));
    }
}
