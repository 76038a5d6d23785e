package io.keyhold.server.testing;

import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.NameType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Request payloads as real clients write them, in the 1.x or the 2.x form of the version asked for. */
public final class Payloads {
    private Payloads() {}

    public static KmipAttribute algorithm(CryptographicAlgorithm a) {
        return KmipAttribute.of(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, a.value()));
    }

    public static KmipAttribute length(int bits) {
        return KmipAttribute.of(TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, bits));
    }

    public static KmipAttribute usageMask(int mask) {
        return KmipAttribute.of(TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK, mask));
    }

    public static KmipAttribute name(String value) {
        return KmipAttribute.of(TtlvItem.structure(Tag.NAME, TtlvItem.text(Tag.NAME_VALUE, value),
                TtlvItem.enumeration(Tag.NAME_TYPE, NameType.UNINTERPRETED_TEXT_STRING.value())));
    }

    public static KmipAttribute objectGroup(String group) {
        return KmipAttribute.of(TtlvItem.text(Tag.OBJECT_GROUP, group));
    }

    public static KmipAttribute custom(String name, String value) {
        return new KmipAttribute(name, 0, TtlvItem.text(Tag.ATTRIBUTE_VALUE, value));
    }

    /** The attributes as a 1.x Template-Attribute or a 2.x Attributes structure. */
    public static TtlvItem attributes(KmipVersion v, List<KmipAttribute> attributes) {
        return v.isTwoOrLater() ? AttributeMapping.toAttributes(Tag.ATTRIBUTES, attributes)
                : AttributeMapping.toTemplateAttribute(Tag.TEMPLATE_ATTRIBUTE, attributes);
    }

    public static TtlvItem payload(TtlvItem... fields) {
        return TtlvItem.structure(Tag.REQUEST_PAYLOAD, Arrays.asList(fields));
    }

    public static TtlvItem uid(String uniqueIdentifier) {
        return TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uniqueIdentifier);
    }

    public static TtlvItem withUid(String uniqueIdentifier) {
        return payload(uid(uniqueIdentifier));
    }

    /** Create of a symmetric key with the given attributes. */
    public static TtlvItem create(KmipVersion v, KmipAttribute... attributes) {
        return payload(TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()),
                attributes(v, List.of(attributes)));
    }

    /** Create of an AES key of the given length with Encrypt|Decrypt usage (mask 12). */
    public static TtlvItem createAes(KmipVersion v, int bits, KmipAttribute... more) {
        List<KmipAttribute> a = new ArrayList<>(List.of(algorithm(CryptographicAlgorithm.AES), length(bits), usageMask(12)));
        a.addAll(List.of(more));
        return create(v, a.toArray(KmipAttribute[]::new));
    }

    /** Get Attributes for the named attributes (1.x Attribute Name; 2.x Attribute Reference). */
    public static TtlvItem getAttributes(KmipVersion v, String uniqueIdentifier, String... names) {
        List<TtlvItem> c = new ArrayList<>();
        if (uniqueIdentifier != null) {
            c.add(uid(uniqueIdentifier));
        }
        for (String n : names) {
            if (!v.isTwoOrLater()) {
                c.add(TtlvItem.text(Tag.ATTRIBUTE_NAME, n));
            } else if (AttributeMapping.isCustomName(n)) {
                c.add(TtlvItem.structure(Tag.ATTRIBUTE_REFERENCE, TtlvItem.text(Tag.VENDOR_IDENTIFICATION, n.substring(0, 1)),
                        TtlvItem.text(Tag.ATTRIBUTE_NAME, n.substring(2))));
            } else {
                int tag = io.keyhold.protocol.spec.SpecTable.get().tagByName(n).orElseThrow().value();
                c.add(TtlvItem.enumeration(Tag.ATTRIBUTE_REFERENCE, tag));
            }
        }
        return TtlvItem.structure(Tag.REQUEST_PAYLOAD, c);
    }

    /** Revoke with a reason code (and no message). */
    public static TtlvItem revoke(String uniqueIdentifier, int reasonCode) {
        return payload(uid(uniqueIdentifier), TtlvItem.structure(Tag.REVOCATION_REASON,
                TtlvItem.enumeration(Tag.REVOCATION_REASON_CODE, reasonCode)));
    }
}
