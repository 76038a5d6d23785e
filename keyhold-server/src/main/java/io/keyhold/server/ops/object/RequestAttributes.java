package io.keyhold.server.ops.object;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.SpecTable;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.TagDefinition;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.AttributeRules;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.store.LocateQuery;
import io.keyhold.server.store.ReadTransaction;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoredObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The attributes a client supplies with Create or Register: the 1.x Template-Attribute (with the attributes
 * of the Template objects it names, overridden by the ones it lists itself) or the 2.x Attributes
 * structure. Each is checked against {@link AttributeRules} and against the item type its tag takes, and
 * given its instance index.
 */
public final class RequestAttributes {
    /** Attributes that may have several instances (KMIP 1.4 section 3, 2.1 section 4). */
    private static final Set<String> MULTI_VALUED = Set.of("Name", "Object Group", "Link", "Application Specific Information",
            "Alternative Name", "Key Value Location", "Contact Information", "Usage Limits", "Description", "Comment");

    private RequestAttributes() {}

    /**
     * The checked, indexed attributes of the payload's Template-Attribute (1.x) or Attributes (2.x). The
     * payload's 2.x Protection Storage Masks, if any, must allow the server's storage (see
     * {@link ProtectionStorage}: Protection Storage Unavailable otherwise).
     */
    public static List<KmipAttribute> read(OperationContext context, ReadTransaction tx, TtlvItem payload, int objectType)
            throws KmipException {
        ProtectionStorage.checkRequest(context, payload, Tag.PROTECTION_STORAGE_MASKS, ResultReason.PROTECTION_STORAGE_UNAVAILABLE);
        List<KmipAttribute> given;
        if (context.atLeast(KmipVersion.V2_0)) {
            Optional<TtlvItem> attributes = Payloads.optional(payload, Tag.ATTRIBUTES, ItemType.STRUCTURE);
            given = attributes.isPresent() ? AttributeMapping.fromAttributes(attributes.get()) : List.of();
        } else {
            Optional<TtlvItem> template = Payloads.optional(payload, Tag.TEMPLATE_ATTRIBUTE, ItemType.STRUCTURE);
            if (template.isEmpty()) {
                given = List.of();
            } else {
                List<KmipAttribute> fromTemplates = new ArrayList<>();
                for (TtlvItem name : template.get().childrenWith(Tag.NAME)) {
                    fromTemplates.addAll(templateAttributes(context, tx, name));
                }
                given = merge(fromTemplates, AttributeMapping.fromTemplateAttribute(template.get()));
            }
        }
        for (KmipAttribute a : given) {
            AttributeRules.checkClientSupplied(a, objectType, context.version());
            checkType(a);
        }
        return indexed(given);
    }

    /**
     * The attributes of the Template object a 1.x Template-Attribute names, without its Names: those name
     * the template, not the objects made with it.
     */
    private static List<KmipAttribute> templateAttributes(OperationContext context, ReadTransaction tx, TtlvItem name)
            throws KmipException {
        LocateQuery query = new LocateQuery(null, context.access().visibleTo(context.identity()),
                List.of(new LocateQuery.Equals("Name", name),
                        new LocateQuery.Equals("Object Type", TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.TEMPLATE.value()))),
                Set.of(StorageStatus.ONLINE, StorageStatus.ARCHIVED), 0, 1);
        List<String> found = tx.locate(query);
        String label = name.child(Tag.NAME_VALUE).filter(v -> v.type() == ItemType.TEXT_STRING)
                .map(TtlvItem::textValue).orElse("?");
        if (found.isEmpty()) {
            throw new KmipException(ResultReason.ITEM_NOT_FOUND, "no Template named '" + label + "'");
        }
        StoredObject template = tx.get(found.get(0)).orElseThrow();
        Payloads.requireOnline(template);
        if (template.object() == null) {
            throw new KmipException(ResultReason.ITEM_NOT_FOUND, "Template '" + label + "' was destroyed");
        }
        List<KmipAttribute> out = new ArrayList<>();
        for (KmipAttribute a : AttributeMapping.fromTemplateAttribute(template.object())) {
            if (!AttributeRules.isServerOnly(a.name()) && !a.name().equals("Name")) {
                out.add(a);
            }
        }
        return out;
    }

    /** Template attributes overridden by the request's own: single-valued names replaced, others added. */
    private static List<KmipAttribute> merge(List<KmipAttribute> base, List<KmipAttribute> own) {
        List<KmipAttribute> out = new ArrayList<>();
        for (KmipAttribute a : base) {
            boolean overridden = !isMultiValued(a.name()) && own.stream().anyMatch(o -> o.name().equals(a.name()));
            if (!overridden) {
                out.add(a);
            }
        }
        out.addAll(own);
        return out;
    }

    static boolean isMultiValued(String name) {
        return MULTI_VALUED.contains(name) || SpecTable.get().tagByName(name).isEmpty();
    }

    /** The value must have an item type its attribute's tag takes. */
    static void checkType(KmipAttribute a) throws KmipException {
        if (a.value().tag() == Tag.ATTRIBUTE_VALUE) {
            return;
        }
        Optional<TagDefinition> def = SpecTable.get().tag(a.value().tag());
        if (def.isPresent() && !def.get().itemTypes().isEmpty() && !def.get().itemTypes().contains(a.value().type())) {
            throw new KmipException(ResultReason.INVALID_FIELD, "attribute " + a.name() + " is a " + a.value().type().xmlName()
                    + " (expected: " + def.get().itemTypes().get(0).xmlName() + ")");
        }
    }

    /** Instances numbered 0, 1, … per name; a second instance of a single-valued attribute is refused. */
    private static List<KmipAttribute> indexed(List<KmipAttribute> given) throws KmipException {
        Map<String, Integer> next = new HashMap<>();
        List<KmipAttribute> out = new ArrayList<>(given.size());
        for (KmipAttribute a : given) {
            int index = next.getOrDefault(a.name(), 0);
            if (index > 0 && !isMultiValued(a.name())) {
                throw new KmipException(ResultReason.INVALID_FIELD, "attribute " + a.name() + " is given more than once"
                        + " but may have only one instance");
            }
            next.put(a.name(), index + 1);
            out.add(new KmipAttribute(a.name(), index, a.value()));
        }
        return out;
    }
}
