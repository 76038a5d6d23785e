package io.keyhold.protocol.message;

import java.util.Objects;
import io.keyhold.protocol.ttlv.TtlvItem;

/**
 * One attribute in the canonical form shared by KMIP 1.x and 2.x: its name as the specification spells
 * it ("Cryptographic Algorithm", or a custom "x-…"/vendor name), its index (1.x Attribute Index; 0 when
 * absent), and its value as an item carrying the attribute's own tag (as 2.x sends it), or the Attribute
 * Value tag for custom attributes. {@link AttributeMapping} converts to and from both versions' forms.
 */
public record KmipAttribute(String name, int index, TtlvItem value) {
    public KmipAttribute {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (index < 0) {
            throw new IllegalArgumentException("attribute " + name + ": index " + index + " (expected: >= 0)");
        }
    }

    public static KmipAttribute of(TtlvItem value) {
        return new KmipAttribute(AttributeMapping.nameOf(value.tag()), 0, value);
    }
}
