package io.keyhold.client;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.NameType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.List;
import java.util.Optional;

/**
 * Builds and reads the attributes clients use most, as {@link KmipAttribute}s that the client sends in the
 * 1.x (Attribute / Template-Attribute) or 2.x (Attributes) form of the version it speaks.
 */
public final class KmipAttributes {
    private KmipAttributes() {}

    /** Name, of Name Type Uninterpreted Text String. */
    public static KmipAttribute name(String name) {
        return KmipAttribute.of(TtlvItem.structure(Tag.NAME, TtlvItem.text(Tag.NAME_VALUE, name),
                TtlvItem.enumeration(Tag.NAME_TYPE, NameType.UNINTERPRETED_TEXT_STRING.value())));
    }

    public static KmipAttribute algorithm(CryptographicAlgorithm algorithm) {
        return KmipAttribute.of(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, algorithm.value()));
    }

    /** Cryptographic Length in bits. */
    public static KmipAttribute length(int bits) {
        return KmipAttribute.of(TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, bits));
    }

    public static KmipAttribute usageMask(CryptographicUsageMask... usages) {
        return usageMask(CryptographicUsageMask.maskOf(usages));
    }

    public static KmipAttribute usageMask(int mask) {
        return KmipAttribute.of(TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK, mask));
    }

    public static KmipAttribute objectGroup(String group) {
        return KmipAttribute.of(TtlvItem.text(Tag.OBJECT_GROUP, group));
    }

    public static KmipAttribute objectType(ObjectType type) {
        return KmipAttribute.of(TtlvItem.enumeration(Tag.OBJECT_TYPE, type.value()));
    }

    public static KmipAttribute state(State state) {
        return KmipAttribute.of(TtlvItem.enumeration(Tag.STATE, state.value()));
    }

    public static KmipAttribute contactInformation(String contact) {
        return KmipAttribute.of(TtlvItem.text(Tag.CONTACT_INFORMATION, contact));
    }

    /**
     * A custom text attribute: "x-Name" (sent in 2.x as a vendor attribute of Vendor Identification "x" and
     * Attribute Name "Name").
     *
     * @throws IllegalArgumentException when the name does not start with "x-" or "y-"
     */
    public static KmipAttribute custom(String name, String value) {
        if (!(name.length() > 2 && (name.startsWith("x-") || name.startsWith("y-")))) {
            throw new IllegalArgumentException("custom attribute '" + name + "': the name must start with x- (or y-)");
        }
        return new KmipAttribute(name, 0, TtlvItem.text(Tag.ATTRIBUTE_VALUE, value));
    }

    /** The attribute with this index, as Modify Attribute and Delete Attribute take it to pick one instance. */
    public static KmipAttribute withIndex(KmipAttribute attribute, int index) {
        return new KmipAttribute(attribute.name(), index, attribute.value());
    }

    /** The first attribute of the given name. */
    public static Optional<KmipAttribute> first(List<KmipAttribute> attributes, String name) {
        return attributes.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    /** The Name Values of the Name attributes. */
    public static List<String> names(List<KmipAttribute> attributes) {
        return attributes.stream().filter(a -> a.name().equals("Name"))
                .flatMap(a -> a.value().child(Tag.NAME_VALUE).stream()).map(TtlvItem::textValue).toList();
    }
}
