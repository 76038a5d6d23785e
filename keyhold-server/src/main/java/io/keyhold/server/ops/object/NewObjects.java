package io.keyhold.server.ops.object;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.VersionRules;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.KeyMaterial;
import io.keyhold.server.crypto.ServerRandom;
import io.keyhold.server.ops.AttributeRules;
import io.keyhold.server.ops.Lifecycle;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.store.UniqueIdentifiers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A new managed object with the attributes the server maintains (KMIP 1.4 section 3, 2.1 section 4):
 * Unique Identifier (a time-ordered UUID, {@link UniqueIdentifiers}), Object Type, the attributes read from the material, the client's
 * attributes, State (Pre-Active, or Active at once when the Activation Date has come), Initial Date, Last
 * Change Date, Original Creation Date, Digest (SHA-256 of the material in its default Key Format Type),
 * Fresh, Lease Time (the lease Obtain Lease grants), Sensitive / Extractable defaults with Always Sensitive and
 * Never Extractable, Key Format Type (the format the key is kept in) and Short Unique Identifier (SHA-256 of
 * the Unique Identifier), Protection Storage Mask (Software: see {@link ProtectionStorage}), and for
 * generated material Random Number Generator (the server's generator). A Quantum Safe value of True the
 * object cannot honour is refused (see {@link QuantumSafety}). Attributes the request's version does not
 * define are left out.
 */
public final class NewObjects {
    private static final VersionRules RULES = VersionRules.standard();
    /** Attributes read from the material that a client may also state, but only with the same value. */
    private static final java.util.Set<String> MUST_MATCH_OBJECT = java.util.Set.of("Cryptographic Algorithm", "Certificate Type");
    private static final String RANDOM_NUMBER_GENERATOR = "Random Number Generator";

    private NewObjects() {}

    /**
     * The new object with the server-set attributes, the {@code derived} ones (read from the material; the
     * client's win, except a differing Cryptographic Algorithm: Invalid Field) and the client's.
     */
    public static StoredObject build(OperationContext context, int objectType, TtlvItem object, List<KmipAttribute> client,
                              List<TtlvItem> derived) throws KmipException {
        return build(context, objectType, object, client, derived, Optional.empty());
    }

    /**
     * As {@link #build(OperationContext, int, TtlvItem, List, List)}, for an object whose material the server
     * generated with the generator {@code rngParameters} describes (see {@link ServerRandom#describe}): it gets
     * the Random Number Generator attribute (KMIP 1.4 section 3.44, 2.1 section 4.50) in the versions that
     * define it, replacing any value the client gave or the replaced object had, since this is the generator
     * that made it. Empty: the generator cannot be described, and the attribute is left out.
     */
    public static StoredObject build(OperationContext context, int objectType, TtlvItem object, List<KmipAttribute> client,
                              List<TtlvItem> derived, Optional<TtlvItem> rngParameters) throws KmipException {
        KmipVersion version = context.version();
        client = ProtectionStorage.withoutRequestedMask(client, version);
        if (rngParameters.isPresent()) {
            client = client.stream().filter(a -> !a.name().equals(RANDOM_NUMBER_GENERATOR)).toList();
        }
        long now = context.now();
        String uid = UniqueIdentifiers.next();
        List<KmipAttribute> attributes = new ArrayList<>();
        attributes.add(KmipAttribute.of(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uid)));
        attributes.add(KmipAttribute.of(TtlvItem.enumeration(Tag.OBJECT_TYPE, objectType)));
        boolean clientNamed = client.stream().anyMatch(c -> c.name().equals("Name"));
        for (TtlvItem d : derived) {
            KmipAttribute a = KmipAttribute.of(d);
            if (a.name().equals("Name")) {
                if (!clientNamed) {
                    attributes.add(a);
                }
                continue;
            }
            Optional<KmipAttribute> given = client.stream().filter(c -> c.name().equals(a.name())).findFirst();
            if (given.isEmpty()) {
                attributes.add(a);
            } else if (MUST_MATCH_OBJECT.contains(a.name()) && !given.get().value().equals(d)) {
                throw new KmipException(ResultReason.INVALID_FIELD, "attribute " + a.name()
                        + " differs from the value in the object itself");
            }
        }
        attributes.addAll(client);
        rngParameters.ifPresent(p -> addIfDefined(attributes, ServerRandom.attribute(p), version));
        addIfDefined(attributes, ProtectionStorage.mask(), version);
        QuantumSafety.check(attributes, objectType, version);
        if (hasState(objectType, version)) {
            attributes.add(KmipAttribute.of(TtlvItem.enumeration(Tag.STATE, State.PRE_ACTIVE.value())));
        }
        attributes.add(KmipAttribute.of(TtlvItem.dateTime(Tag.INITIAL_DATE, now)));
        attributes.add(KmipAttribute.of(TtlvItem.dateTime(Tag.LAST_CHANGE_DATE, now)));
        addIfDefined(attributes, TtlvItem.dateTime(Tag.ORIGINAL_CREATION_DATE, now), version);
        digest(object, version).ifPresent(d -> attributes.add(KmipAttribute.of(d)));
        if (hasState(objectType, version) && clientValue(client, "Fresh", ItemType.BOOLEAN).isEmpty()) {
            addIfDefined(attributes, TtlvItem.bool(Tag.FRESH, true), version);
        }
        if (hasState(objectType, version) && AttributeRules.rule("Lease Time").appliesTo(objectType)) {
            attributes.add(KmipAttribute.of(TtlvItem.interval(Tag.LEASE_TIME, ObjectOperations.DEFAULT_LEASE_SECONDS)));
        }
        if (objectType != ObjectType.TEMPLATE.value() && AttributeRules.rule("Sensitive").appliesTo(objectType)) {
            addProtectionFlags(attributes, client, version);
        }
        if (version.isTwoOrLater()) { // the tag exists in 1.x too, but only as a Key Block field
            ObjectStructures.keyFormatType(object).ifPresent(f ->
                    attributes.add(KmipAttribute.of(TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, f))));
        }
        addIfDefined(attributes, TtlvItem.bytes(Tag.SHORT_UNIQUE_IDENTIFIER,
                KeyMaterial.sha256(uid.getBytes(StandardCharsets.UTF_8))), version);
        StoredObject stored = new StoredObject(uid, context.identity().name(), StorageStatus.ONLINE, indexed(attributes), object);
        return Lifecycle.applyDueDates(stored, now);
    }

    /** The attributes with instance indices 0, 1, … per name, in order. */
    private static List<KmipAttribute> indexed(List<KmipAttribute> attributes) {
        java.util.Map<String, Integer> next = new java.util.HashMap<>();
        List<KmipAttribute> out = new ArrayList<>(attributes.size());
        for (KmipAttribute a : attributes) {
            int index = next.merge(a.name(), 1, Integer::sum) - 1;
            out.add(index == a.index() ? a : new KmipAttribute(a.name(), index, a.value()));
        }
        return out;
    }

    /** Templates never have a State; Opaque Objects have one from KMIP 2.0. */
    static boolean hasState(int objectType, KmipVersion version) {
        if (objectType == ObjectType.TEMPLATE.value()) {
            return false;
        }
        return objectType != ObjectType.OPAQUE_OBJECT.value() || version.compareTo(KmipVersion.V2_0) >= 0;
    }

    /**
     * Digest: Hashing Algorithm SHA-256, Digest Value over the material in the default Key Format Type of the
     * object's type, and that Key Format Type for keys (1.1 and later).
     */
    static Optional<TtlvItem> digest(TtlvItem stored, KmipVersion version) {
        TtlvItem object = ObjectStructures.inDefaultFormat(stored);
        Optional<byte[]> digest = ObjectStructures.digestValue(object);
        if (digest.isEmpty()) {
            return Optional.empty();
        }
        byte[] value = digest.get();
        List<TtlvItem> c = new ArrayList<>(3);
        c.add(TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA_256.value()));
        c.add(TtlvItem.bytes(Tag.DIGEST_VALUE, value));
        Optional<Integer> format = ObjectStructures.keyFormatType(object);
        if (format.isPresent() && version.compareTo(KmipVersion.V1_1) >= 0) {
            c.add(TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, format.get()));
        }
        return Optional.of(TtlvItem.structure(Tag.DIGEST, c));
    }

    /**
     * Sensitive (default False) and Extractable (default True) unless the client set them, with Always
     * Sensitive and Never Extractable recording their values at creation (KMIP 1.4 section 3, 2.1 section 4);
     * a later change keeps those two up to date.
     */
    private static void addProtectionFlags(List<KmipAttribute> attributes, List<KmipAttribute> client, KmipVersion version) {
        boolean sensitive = clientValue(client, "Sensitive", ItemType.BOOLEAN).map(TtlvItem::booleanValue).orElse(false);
        boolean extractable = clientValue(client, "Extractable", ItemType.BOOLEAN).map(TtlvItem::booleanValue).orElse(true);
        if (clientValue(client, "Sensitive", ItemType.BOOLEAN).isEmpty()) {
            addIfDefined(attributes, TtlvItem.bool(Tag.SENSITIVE, sensitive), version);
        }
        if (clientValue(client, "Extractable", ItemType.BOOLEAN).isEmpty()) {
            addIfDefined(attributes, TtlvItem.bool(Tag.EXTRACTABLE, extractable), version);
        }
        addIfDefined(attributes, TtlvItem.bool(Tag.ALWAYS_SENSITIVE, sensitive), version);
        addIfDefined(attributes, TtlvItem.bool(Tag.NEVER_EXTRACTABLE, !extractable), version);
    }

    /** The client's attribute value of the given type, if it gave one. */
    public static Optional<TtlvItem> clientValue(List<KmipAttribute> client, String name, ItemType type) {
        return client.stream().filter(a -> a.name().equals(name) && a.value().type() == type)
                .map(KmipAttribute::value).findFirst();
    }

    private static void addIfDefined(List<KmipAttribute> attributes, TtlvItem value, KmipVersion version) {
        if (RULES.hasTag(value.tag(), version)) {
            attributes.add(KmipAttribute.of(value));
        }
    }
}
