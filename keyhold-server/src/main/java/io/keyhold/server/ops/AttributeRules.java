package io.keyhold.server.ops;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.SpecTable;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.TagDefinition;
import io.keyhold.protocol.spec.VersionRules;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may set, change and delete each attribute, and how many instances it may have (the rules tables of
 * KMIP 1.4 section 3 and 2.1 section 4).
 *
 * <p>Failures use the reasons of the request's version: 2.x has precise ones (Attribute Read Only,
 * Attribute Single Valued, Attribute Not Found, Invalid Attribute Value, Attribute Not Applicable is
 * reported as Invalid Attribute); 1.x uses Permission Denied for read-only attributes, Illegal Operation
 * for a second instance of a single-valued one, Item Not Found for a missing attribute or instance and
 * Invalid Field for a badly typed value (KMIP 1.4 section 11, Add/Modify/Delete Attribute).
 */
public final class AttributeRules {
    private static final VersionRules VERSION_RULES = VersionRules.standard();

    /** Who supplies an attribute when the object is created or registered. */
    public enum Origin {
        /** only the server sets it; a client may neither supply nor change it */
        SERVER,
        /** the client may supply it at creation; afterwards only the server changes it */
        CREATION,
        /** the client may supply it and later add, modify and delete it */
        CLIENT
    }

    /**
     * The rule for one attribute.
     *
     * @param name          the spec name
     * @param multiValued   whether several instances may exist
     * @param origin        who sets it
     * @param clientDeletes whether a client may delete it (only for {@link Origin#CLIENT} ones)
     * @param appliesTo     the object types it applies to; empty for all
     * @param type          the item type of its value; null when several are allowed
     */
    public record Rule(String name, boolean multiValued, Origin origin, boolean clientDeletes, Set<ObjectType> appliesTo,
                       ItemType type) {

        public boolean clientModifiable() {
            return origin == Origin.CLIENT;
        }

        public boolean appliesTo(int objectType) {
            return appliesTo.isEmpty() || ObjectType.fromValue(objectType).map(appliesTo::contains).orElse(true);
        }
    }

    private static final Set<ObjectType> ALL = Set.of();
    private static final Set<ObjectType> KEYS = EnumSet.of(ObjectType.SYMMETRIC_KEY, ObjectType.PUBLIC_KEY,
            ObjectType.PRIVATE_KEY, ObjectType.SPLIT_KEY, ObjectType.TEMPLATE, ObjectType.SECRET_DATA, ObjectType.PGP_KEY);
    // lenient on purpose: 2.x gives every object a lifecycle, and refusing a harmless attribute at Register
    // breaks clients more often than it protects anything
    private static final Set<ObjectType> CRYPTO = EnumSet.of(ObjectType.SYMMETRIC_KEY, ObjectType.PUBLIC_KEY,
            ObjectType.PRIVATE_KEY, ObjectType.SPLIT_KEY, ObjectType.TEMPLATE, ObjectType.CERTIFICATE, ObjectType.PGP_KEY,
            ObjectType.SECRET_DATA, ObjectType.OPAQUE_OBJECT, ObjectType.CERTIFICATE_REQUEST);
    private static final Set<ObjectType> ASYMMETRIC = EnumSet.of(ObjectType.PUBLIC_KEY, ObjectType.PRIVATE_KEY,
            ObjectType.TEMPLATE, ObjectType.PGP_KEY);
    private static final Set<ObjectType> CERTIFICATES = EnumSet.of(ObjectType.CERTIFICATE, ObjectType.PGP_KEY);
    private static final Set<ObjectType> USAGE_PERIOD = EnumSet.of(ObjectType.SYMMETRIC_KEY, ObjectType.SPLIT_KEY,
            ObjectType.TEMPLATE, ObjectType.PUBLIC_KEY, ObjectType.PRIVATE_KEY, ObjectType.SECRET_DATA);

    private static final Map<String, Rule> RULES = new HashMap<>();

    static {
        ItemType s = ItemType.STRUCTURE;
        ItemType e = ItemType.ENUMERATION;
        ItemType i = ItemType.INTEGER;
        ItemType d = ItemType.DATE_TIME;
        ItemType t = ItemType.TEXT_STRING;
        ItemType b = ItemType.BOOLEAN;
        // KMIP 1.4 section 3.1-3.59 and 2.1 section 4.1-4.60
        server("Unique Identifier", false, ALL, t);
        client("Name", true, true, ALL, s);
        server("Object Type", false, ALL, e);
        creation("Cryptographic Algorithm", false, CRYPTO, e);
        creation("Cryptographic Length", false, CRYPTO, i);
        client("Cryptographic Parameters", true, true, KEYS, s);
        creation("Cryptographic Domain Parameters", false, ASYMMETRIC, s);
        // a client may state it at Register (OASIS BL-M-10, 2.1); it must match the certificate's own type
        creation("Certificate Type", false, CERTIFICATES, e);
        server("Certificate Length", false, CERTIFICATES, i);
        server("X.509 Certificate Identifier", false, CERTIFICATES, s);
        server("X.509 Certificate Subject", false, CERTIFICATES, s);
        server("X.509 Certificate Issuer", false, CERTIFICATES, s);
        server("Certificate Identifier", false, CERTIFICATES, s);
        server("Certificate Subject", false, CERTIFICATES, s);
        server("Certificate Issuer", false, CERTIFICATES, s);
        server("Digital Signature Algorithm", true, CERTIFICATES, e);
        // the Certificate Attributes of KMIP 1.4 and 2.x: the name components of the certificate
        for (String part : new String[] {"CN", "O", "OU", "Email", "C", "ST", "L", "UID", "Serial Number", "Title", "DC",
                "DN Qualifier"}) {
            server("Certificate Subject " + part, true, CERTIFICATES, t);
            server("Certificate Issuer " + part, true, CERTIFICATES, t);
        }
        server("Digest", true, ALL, s);
        client("Operation Policy Name", false, true, ALL, t);
        creation("Cryptographic Usage Mask", false, CRYPTO, i);
        server("Lease Time", false, CRYPTO, ItemType.INTERVAL);
        creation("Usage Limits", false, KEYS, s);
        server("State", false, CRYPTO, e);
        server("Initial Date", false, ALL, d);
        client("Activation Date", false, false, CRYPTO, d);
        // the tables name symmetric keys only, but the OASIS test case CS-AC-M-8 (1.2 to 2.1) registers a
        // Private and a Public Key with both dates and expects Sign and Signature Verify to honour them, and
        // BL-M-4 (2.1) registers Secret Data with a Protect Stop Date and locates it by that date
        client("Process Start Date", false, false, USAGE_PERIOD, d);
        client("Protect Stop Date", false, false, USAGE_PERIOD, d);
        client("Deactivation Date", false, false, CRYPTO, d);
        server("Destroy Date", false, ALL, d);
        server("Compromise Occurrence Date", false, CRYPTO, d);
        server("Compromise Date", false, CRYPTO, d);
        server("Revocation Reason", false, CRYPTO, s);
        server("Archive Date", false, ALL, d);
        client("Object Group", true, true, ALL, t);
        // a client registering material it never gave out may say so (OASIS BL-M-13, 2.1)
        creation("Fresh", false, ALL, b);
        client("Link", true, true, ALL, s);
        client("Application Specific Information", true, true, ALL, s);
        client("Contact Information", false, true, ALL, t);
        server("Last Change Date", false, ALL, d);
        client("Alternative Name", true, true, ALL, s);
        server("Key Value Present", false, KEYS, b);
        server("Key Value Location", true, KEYS, s);
        server("Original Creation Date", false, ALL, d);
        creation("Random Number Generator", false, CRYPTO, s);
        client("PKCS#12 Friendly Name", false, true, EnumSet.of(ObjectType.PRIVATE_KEY, ObjectType.CERTIFICATE), t);
        client("Description", false, true, ALL, t);
        client("Comment", false, true, ALL, t);
        client("Sensitive", false, false, KEYS, b);
        server("Always Sensitive", false, KEYS, b);
        client("Extractable", false, false, KEYS, b);
        server("Never Extractable", false, KEYS, b);
        // 2.x additions
        server("Short Unique Identifier", false, ALL, ItemType.BYTE_STRING);
        server("Key Format Type", false, KEYS, e);
        creation("Certificate Attributes", false, CERTIFICATES, s);
        creation("NIST Key Type", false, KEYS, e);
        creation("Opaque Data Type", false, EnumSet.of(ObjectType.OPAQUE_OBJECT), e);
        client("Protection Level", false, false, ALL, e);
        client("Protection Period", false, false, ALL, ItemType.INTERVAL);
        creation("Protection Storage Mask", false, ALL, i);
        creation("Quantum Safe", false, KEYS, b);
        client("Rotate Automatic", false, true, ALL, b);
        client("Rotate Interval", false, true, ALL, ItemType.INTERVAL);
        client("Rotate Offset", false, true, ALL, ItemType.INTERVAL);
        client("Rotate Name", false, true, ALL, t);
        server("Rotate Date", false, ALL, d);
        server("Rotate Generation", false, ALL, i);
        server("Rotate Latest", false, ALL, b);
    }

    private AttributeRules() {}

    private static void server(String name, boolean multi, Set<ObjectType> types, ItemType type) {
        RULES.put(name, new Rule(name, multi, Origin.SERVER, false, types, type));
    }

    private static void creation(String name, boolean multi, Set<ObjectType> types, ItemType type) {
        RULES.put(name, new Rule(name, multi, Origin.CREATION, false, types, type));
    }

    private static void client(String name, boolean multi, boolean deletable, Set<ObjectType> types, ItemType type) {
        RULES.put(name, new Rule(name, multi, Origin.CLIENT, deletable, types, type));
    }

    /**
     * The rule for an attribute name: the table's entry; custom "x-" attributes (and 2.x vendor attributes)
     * are multi-valued and the client's; "y-" ones are the server's; an attribute the table does not list
     * but the spec knows is treated as the client's, single-valued.
     */
    public static Rule rule(String name) {
        Rule r = RULES.get(name);
        if (r != null) {
            return r;
        }
        if (name.startsWith("y-")) {
            return new Rule(name, true, Origin.SERVER, false, ALL, null);
        }
        if (AttributeMapping.isCustomName(name) || name.indexOf('-') > 0 && SpecTable.get().tagByName(name).isEmpty()) {
            return new Rule(name, true, Origin.CLIENT, true, ALL, null);
        }
        ItemType type = SpecTable.get().tagByName(name).flatMap(AttributeRules::singleType).orElse(null);
        return new Rule(name, false, Origin.CLIENT, true, ALL, type);
    }

    private static Optional<ItemType> singleType(TagDefinition def) {
        return def.itemTypes().size() == 1 ? Optional.of(def.itemTypes().get(0)) : Optional.empty();
    }

    /** True when only the server sets the attribute. */
    public static boolean isServerOnly(String name) {
        return rule(name).origin() == Origin.SERVER;
    }

    public static boolean isMultiValued(String name) {
        return rule(name).multiValued();
    }

    /**
     * Checks an attribute a client supplies when it creates or registers an object.
     *
     * @throws KmipException when the client may not set it, it does not apply to the object type, or its
     *                       value has the wrong type
     */
    public static void checkClientSupplied(KmipAttribute attribute, int objectType, KmipVersion version)
            throws KmipException {
        Rule r = rule(attribute.name());
        if (r.origin() == Origin.SERVER) {
            throw readOnly(attribute.name(), version);
        }
        checkApplies(r, objectType, version);
        checkType(r, attribute, version);
    }

    /**
     * Checks that a client may add, modify, set or adjust the attribute of an existing object of this type.
     *
     * @throws KmipException read-only (2.x Attribute Read Only, 1.x Permission Denied), not applicable, or
     *                       badly typed
     */
    public static void checkModifiable(KmipAttribute attribute, int objectType, KmipVersion version) throws KmipException {
        Rule r = rule(attribute.name());
        if (!r.clientModifiable()) {
            throw readOnly(attribute.name(), version);
        }
        checkApplies(r, objectType, version);
        checkType(r, attribute, version);
    }

    /**
     * Checks that a client may change the attribute on an object in the given State: the lifecycle dates
     * may change only before they could have taken effect — Activation Date and Process Start Date while
     * Pre-Active, Deactivation Date and Protect Stop Date while Pre-Active or Active (KMIP 1.4 sections
     * 3.24–3.27, 2.1 section 4). The refusal is Permission Denied up to 2.0 and Wrong Key Lifecycle State
     * from 2.1, as the OASIS test cases AKLC-M-3-20 and AKLC-M-3-21 answer.
     */
    public static void checkModifiable(KmipAttribute attribute, int objectType, int state, KmipVersion version)
            throws KmipException {
        checkModifiable(attribute, objectType, version);
        boolean preActive = state == io.keyhold.protocol.spec.State.PRE_ACTIVE.value();
        boolean active = state == io.keyhold.protocol.spec.State.ACTIVE.value();
        boolean allowed = switch (attribute.name()) {
            case "Activation Date", "Process Start Date" -> preActive || state < 0;
            case "Deactivation Date", "Protect Stop Date" -> preActive || active || state < 0;
            default -> true;
        };
        if (!allowed) {
            String stateName = io.keyhold.protocol.spec.State.fromValue(state).map(s -> s.specName()).orElse("" + state);
            throw new KmipException(version.compareTo(KmipVersion.V2_1) >= 0 ? ResultReason.WRONG_KEY_LIFECYCLE_STATE
                    : ResultReason.PERMISSION_DENIED, attribute.name() + " cannot change once the object is " + stateName);
        }
    }

    /** Checks that a client may delete the attribute. */
    public static void checkDeletable(String name, KmipVersion version) throws KmipException {
        Rule r = rule(name);
        if (!r.clientModifiable() || !r.clientDeletes()) {
            throw new KmipException(version.isTwoOrLater() ? ResultReason.ATTRIBUTE_READ_ONLY : ResultReason.PERMISSION_DENIED,
                    "attribute " + name + " cannot be deleted by a client");
        }
    }

    private static KmipException readOnly(String name, KmipVersion version) {
        return new KmipException(version.isTwoOrLater() ? ResultReason.ATTRIBUTE_READ_ONLY : ResultReason.PERMISSION_DENIED,
                "attribute " + name + " is set by the server");
    }

    private static void checkApplies(Rule r, int objectType, KmipVersion version) throws KmipException {
        if (!r.appliesTo(objectType)) {
            String type = ObjectType.fromValue(objectType).map(ObjectType::specName).orElse(Integer.toString(objectType));
            throw new KmipException(version.isTwoOrLater() ? ResultReason.INVALID_ATTRIBUTE : ResultReason.PERMISSION_DENIED,
                    "attribute " + r.name() + " does not apply to a " + type);
        }
    }

    private static void checkType(Rule r, KmipAttribute a, KmipVersion version) throws KmipException {
        if (r.type() != null && a.value().type() != r.type()) {
            throw new KmipException(version.isTwoOrLater() ? ResultReason.INVALID_ATTRIBUTE_VALUE : ResultReason.INVALID_FIELD,
                    "attribute " + r.name() + " is a " + a.value().type().xmlName() + " (expected: " + r.type().xmlName() + ")");
        }
    }

    /** Whether the attribute can be written in a message of this version. */
    public static boolean visibleIn(KmipAttribute a, KmipVersion version) {
        if (a.value().tag() != Tag.ATTRIBUTE_VALUE && !VERSION_RULES.hasTag(a.value().tag(), version)) {
            return false; // in 1.x the name is only text, so the tag check below would not see it
        }
        TtlvItem rendered;
        if (version.isTwoOrLater()) {
            rendered = AttributeMapping.toAttributeItem(a);
        } else {
            if (a.value().tag() == Tag.ATTRIBUTE_VALUE && !AttributeMapping.isCustomName(a.name())) {
                return false;
            }
            rendered = AttributeMapping.toAttribute(a);
        }
        return VERSION_RULES.check(rendered, version).stream().noneMatch(f -> f.kind().isOutsideVersion());
    }
}
