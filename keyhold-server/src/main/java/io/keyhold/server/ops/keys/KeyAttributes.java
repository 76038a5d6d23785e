package io.keyhold.server.ops.keys;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.LinkType;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.AttributeRules;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.object.Payloads;
import io.keyhold.server.ops.object.ProtectionStorage;
import io.keyhold.server.ops.object.RequestAttributes;
import io.keyhold.server.store.ReadTransaction;
import io.keyhold.server.store.StoredObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Attribute handling shared by the key operations: reading the per-key attribute structures of Create Key
 * Pair and Re-key Key Pair, merging common and per-key attributes, Links, and the attributes a replacement
 * key takes over from the key it replaces (KMIP 1.4 sections 4.4 and 4.5, 2.1 sections 6.1.43 and 6.1.44).
 */
final class KeyAttributes {
    /** What a replacement key does not copy: set anew by the server, or computed by the re-key itself. */
    private static final Set<String> NOT_COPIED = Set.of("Unique Identifier", "Object Type", "State", "Initial Date",
            "Last Change Date", "Original Creation Date", "Digest", "Fresh", "Destroy Date", "Compromise Occurrence Date",
            "Compromise Date", "Revocation Reason", "Archive Date", "Lease Time", "Key Value Present", "Key Value Location",
            "Activation Date", "Process Start Date", "Protect Stop Date", "Deactivation Date");
    /** The dates re-keying with an Offset moves along with the Activation Date. */
    private static final List<String> SHIFTED = List.of("Process Start Date", "Protect Stop Date", "Deactivation Date");
    private static final Set<Integer> PAIR_AND_REPLACEMENT_LINKS = Set.of(LinkType.PUBLIC_KEY_LINK.value(),
            LinkType.PRIVATE_KEY_LINK.value(), LinkType.REPLACEMENT_OBJECT_LINK.value(), LinkType.REPLACED_OBJECT_LINK.value());

    private KeyAttributes() {}

    /**
     * The checked attributes of one attribute structure of the payload (1.x Template-Attribute under
     * {@code tag1x}, 2.x Attributes under {@code tag2x}), for an object of the given type.
     */
    static List<KmipAttribute> read(OperationContext context, ReadTransaction tx, TtlvItem payload, int tag1x, int tag2x,
                                    int objectType) throws KmipException {
        boolean twoX = context.atLeast(KmipVersion.V2_0);
        Optional<TtlvItem> given = Payloads.optional(payload, twoX ? tag2x : tag1x, ItemType.STRUCTURE);
        if (given.isEmpty()) {
            return List.of();
        }
        TtlvItem renamed = TtlvItem.structure(twoX ? Tag.ATTRIBUTES : Tag.TEMPLATE_ATTRIBUTE, given.get().children());
        return RequestAttributes.read(context, tx, TtlvItem.structure(Tag.REQUEST_PAYLOAD, renamed), objectType);
    }

    /**
     * Checks the 2.x Common, Private and Public Protection Storage Masks of a Create Key Pair or Re-key Key
     * Pair request against the server's storage (see {@link ProtectionStorage}).
     *
     * @throws KmipException Protection Storage Unavailable, Private or Public Protection Storage Unavailable
     */
    static void checkPairStorage(OperationContext context, TtlvItem payload) throws KmipException {
        ProtectionStorage.checkRequest(context, payload, Tag.COMMON_PROTECTION_STORAGE_MASKS,
                ResultReason.PROTECTION_STORAGE_UNAVAILABLE);
        ProtectionStorage.checkRequest(context, payload, Tag.PRIVATE_PROTECTION_STORAGE_MASKS,
                ResultReason.PRIVATE_PROTECTION_STORAGE_UNAVAILABLE);
        ProtectionStorage.checkRequest(context, payload, Tag.PUBLIC_PROTECTION_STORAGE_MASKS,
                ResultReason.PUBLIC_PROTECTION_STORAGE_UNAVAILABLE);
    }

    /** {@code base} overridden by {@code own}: single-valued attributes replaced, multi-valued ones added. */
    static List<KmipAttribute> merge(List<KmipAttribute> base, List<KmipAttribute> own) {
        List<KmipAttribute> out = new ArrayList<>();
        for (KmipAttribute a : base) {
            boolean overridden = !AttributeRules.isMultiValued(a.name()) && own.stream().anyMatch(o -> o.name().equals(a.name()));
            if (!overridden) {
                out.add(a);
            }
        }
        out.addAll(own);
        return reindexed(out);
    }

    static Optional<TtlvItem> value(List<KmipAttribute> attributes, String name) {
        return attributes.stream().filter(a -> a.name().equals(name)).map(KmipAttribute::value).findFirst();
    }

    /** The same attribute given differently for the private and the public key is Invalid Field. */
    static Optional<TtlvItem> agreed(List<KmipAttribute> privateKey, List<KmipAttribute> publicKey, String name)
            throws KmipException {
        Optional<TtlvItem> p = value(privateKey, name);
        Optional<TtlvItem> q = value(publicKey, name);
        if (p.isPresent() && q.isPresent() && !p.get().equals(q.get())) {
            throw new KmipException(ResultReason.INVALID_FIELD, name + " differs between the private and the public key");
        }
        return p.or(() -> q);
    }

    /** The Recommended Curve inside a Cryptographic Domain Parameters value, if any. */
    static Integer curve(List<KmipAttribute> attributes) {
        return value(attributes, "Cryptographic Domain Parameters").flatMap(d -> d.child(Tag.RECOMMENDED_CURVE))
                .filter(c -> c.type() == ItemType.ENUMERATION).map(TtlvItem::enumValue).orElse(null);
    }

    static int mask(List<KmipAttribute> attributes) {
        return value(attributes, "Cryptographic Usage Mask").filter(m -> m.type() == ItemType.INTEGER)
                .map(TtlvItem::intValue).orElse(0);
    }

    /** The object with one more Link instance. */
    static StoredObject withLink(StoredObject object, LinkType type, String target) {
        int index = object.attributes("Link").stream().mapToInt(KmipAttribute::index).max().orElse(-1) + 1;
        List<KmipAttribute> out = new ArrayList<>(object.attributes());
        out.add(new KmipAttribute("Link", index, TtlvItem.structure(Tag.LINK,
                TtlvItem.enumeration(Tag.LINK_TYPE, type.value()), TtlvItem.text(Tag.LINKED_OBJECT_IDENTIFIER, target))));
        return object.withAttributes(out);
    }

    /** The target of the object's first Link of this type. */
    static Optional<String> linked(StoredObject object, LinkType type) {
        for (KmipAttribute a : object.attributes("Link")) {
            Optional<TtlvItem> t = a.value().child(Tag.LINK_TYPE);
            Optional<TtlvItem> id = a.value().child(Tag.LINKED_OBJECT_IDENTIFIER);
            if (t.isPresent() && t.get().enumValue() == type.value() && id.isPresent() && id.get().type() == ItemType.TEXT_STRING) {
                return Optional.of(id.get().textValue());
            }
        }
        return Optional.empty();
    }

    /** The object without its Names: they move to the replacement key. */
    static StoredObject withoutNames(StoredObject object) {
        return object.withAttributes(object.attributes().stream().filter(a -> !a.name().equals("Name")).toList());
    }

    /**
     * The attributes a replacement key takes from the key it replaces: everything the client could have set
     * (Names included: they move), except the pair and replacement Links, with the lifecycle dates copied
     * (no Offset) or moved (Offset: Activation Date = now + Offset, the Process Start, Protect Stop and
     * Deactivation Dates keep their distance from the old Activation Date; without an old Activation Date
     * they are copied).
     */
    static List<KmipAttribute> replacementAttributes(StoredObject old, Long offsetSeconds, long now) {
        List<KmipAttribute> out = new ArrayList<>();
        for (KmipAttribute a : old.attributes()) {
            if (NOT_COPIED.contains(a.name()) || AttributeRules.isServerOnly(a.name())) {
                continue;
            }
            if (a.name().equals("Link") && a.value().child(Tag.LINK_TYPE)
                    .map(t -> PAIR_AND_REPLACEMENT_LINKS.contains(t.enumValue())).orElse(false)) {
                continue;
            }
            out.add(a);
        }
        OptionalLong oldActivation = date(old, "Activation Date");
        if (offsetSeconds == null) {
            for (String name : List.of("Activation Date", "Process Start Date", "Protect Stop Date", "Deactivation Date")) {
                old.attribute(name).ifPresent(out::add);
            }
        } else {
            long activation = now + offsetSeconds;
            out.add(KmipAttribute.of(TtlvItem.dateTime(Tag.ACTIVATION_DATE, activation)));
            for (String name : SHIFTED) {
                OptionalLong d = date(old, name);
                if (d.isEmpty()) {
                    continue;
                }
                long moved = oldActivation.isPresent() ? activation + (d.getAsLong() - oldActivation.getAsLong()) : d.getAsLong();
                out.add(new KmipAttribute(name, 0, TtlvItem.dateTime(old.attribute(name).orElseThrow().value().tag(), moved)));
            }
        }
        return reindexed(out);
    }

    private static OptionalLong date(StoredObject object, String name) {
        return object.attribute(name).filter(a -> a.value().type() == ItemType.DATE_TIME)
                .map(a -> OptionalLong.of(a.value().dateTimeValue())).orElse(OptionalLong.empty());
    }

    private static List<KmipAttribute> reindexed(List<KmipAttribute> attributes) {
        Map<String, Integer> next = new HashMap<>();
        List<KmipAttribute> out = new ArrayList<>(attributes.size());
        for (KmipAttribute a : attributes) {
            int index = next.merge(a.name(), 1, Integer::sum) - 1;
            out.add(index == a.index() ? a : new KmipAttribute(a.name(), index, a.value()));
        }
        return out;
    }

    /** The Offset of a Re-key request, in seconds. */
    static Long offset(TtlvItem payload) throws KmipException {
        return Payloads.optional(payload, Tag.OFFSET, ItemType.INTERVAL).map(TtlvItem::intervalValue).orElse(null);
    }
}
