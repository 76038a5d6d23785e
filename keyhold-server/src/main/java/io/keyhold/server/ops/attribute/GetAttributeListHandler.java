package io.keyhold.server.ops.attribute;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.ManagedObjects;
import io.keyhold.server.ops.AttributeRules;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.store.StoredObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Get Attribute List (KMIP 1.4 section 4.13, 2.1 section 6.1): the names of the attributes an object
 * has, each once: 1.x Attribute Name text strings, 2.x Attribute Reference (the attribute's tag, or a
 * Vendor Identification and Attribute Name structure for vendor attributes).
 */
public final class GetAttributeListHandler implements OperationHandler {

    @Override
    public Operation operation() {
        return Operation.GET_ATTRIBUTE_LIST;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        String uid = ManagedObjects.uniqueIdentifier(context, payload);
        StoredObject o = context.read(tx -> ManagedObjects.load(context, tx, uid));
        Map<String, KmipAttribute> first = new LinkedHashMap<>();
        for (KmipAttribute a : o.attributes()) {
            if (AttributeRules.visibleIn(a, context.version())) {
                first.putIfAbsent(a.name(), a);
            }
        }
        List<TtlvItem> out = new ArrayList<>();
        for (KmipAttribute a : first.values()) {
            if (!context.version().isTwoOrLater()) {
                out.add(TtlvItem.text(Tag.ATTRIBUTE_NAME, a.name()));
            } else if (a.value().tag() == Tag.ATTRIBUTE_VALUE) {
                TtlvItem vendor = AttributeMapping.toAttributeItem(a);
                out.add(TtlvItem.structure(Tag.ATTRIBUTE_REFERENCE,
                        vendor.child(Tag.VENDOR_IDENTIFICATION).orElseThrow(),
                        vendor.child(Tag.ATTRIBUTE_NAME).orElseThrow()));
            } else {
                out.add(TtlvItem.enumeration(Tag.ATTRIBUTE_REFERENCE, a.value().tag()));
            }
        }
        context.idPlaceholder(o.uniqueIdentifier());
        return Attributes.responseWithIdentifier(o.uniqueIdentifier(), out);
    }
}
