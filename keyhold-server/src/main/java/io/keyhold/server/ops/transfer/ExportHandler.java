package io.keyhold.server.ops.transfer;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;

import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.AttributeRules;
import io.keyhold.server.ops.Lifecycle;
import io.keyhold.server.ops.ManagedObjects;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoredObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Export (KMIP 1.4 section 4.26, 2.1 section 6.1.20): the object like Get returns it — in the requested Key
 * Format Type, unwrapped or wrapped per Key Wrap Type and Key Wrapping Specification — together with all
 * its attributes the request's version can carry (1.4 Template-Attribute, 2.x Attributes), so that Import
 * can recreate it elsewhere. Does not clear Fresh. Archived objects are Object Archived; destroyed material
 * Object Destroyed (Item Not Found in 1.x); other owners' objects Item Not Found.
 */
final class ExportHandler implements OperationHandler {
    private final KeyPresentation presentation;

    ExportHandler(KeyPresentation presentation) {
        this.presentation = presentation;
    }

    @Override
    public Operation operation() {
        return Operation.EXPORT;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        String uid = ManagedObjects.uniqueIdentifier(context, payload);
        StoredObject stored = context.read(tx -> ManagedObjects.load(context, tx, uid));
        if (stored.storageStatus() == StorageStatus.ARCHIVED) {
            throw new KmipException(ResultReason.OBJECT_ARCHIVED, "object " + ManagedObjects.printable(uid)
                    + " is archived: recover it first");
        }
        if (stored.object() == null) {
            throw Lifecycle.destroyed(context.version(), stored);
        }
        TtlvItem object = presentation.present(context, stored, payload);
        List<KmipAttribute> attributes = new ArrayList<>();
        for (KmipAttribute a : stored.attributes()) {
            if (AttributeRules.visibleIn(a, context.version())) {
                attributes.add(a);
            }
        }
        context.idPlaceholder(uid);
        List<TtlvItem> out = new ArrayList<>();
        out.add(TtlvItem.enumeration(Tag.OBJECT_TYPE, stored.objectType()));
        out.add(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uid));
        out.add(context.version().isTwoOrLater() ? AttributeMapping.toAttributes(Tag.ATTRIBUTES, attributes)
                : AttributeMapping.toTemplateAttribute(Tag.TEMPLATE_ATTRIBUTE, attributes));
        out.add(object);
        return TtlvItem.structure(Tag.RESPONSE_PAYLOAD, out);
    }
}
