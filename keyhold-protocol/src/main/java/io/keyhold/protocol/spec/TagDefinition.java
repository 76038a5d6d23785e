package io.keyhold.protocol.spec;

import io.keyhold.protocol.ttlv.ItemType;
import java.util.List;

/**
 * One KMIP tag of the spec table.
 *
 * @param value          the 3-byte tag value (0x42xxxx)
 * @param name           the name as the specification spells it ("Template-Attribute")
 * @param normalizedName the name in the XML and JSON encodings ("TemplateAttribute")
 * @param itemTypes      the item types the tag may carry, most common first; empty when it varies
 *                       (Attribute Value)
 * @param valuesFrom     for Enumeration and mask tags, the enumeration or mask whose values it takes;
 *                       {@value #TAG_VALUES} when the value is itself a tag (2.x Attribute Reference); else empty
 * @param versions       the KMIP versions in which the tag exists
 * @param note           "deprecated", or empty
 */
public record TagDefinition(int value, String name, String normalizedName, List<ItemType> itemTypes,
                            String valuesFrom, VersionSet versions, String note) {
    /** {@link #valuesFrom} of a tag whose Enumeration value names another tag. */
    public static final String TAG_VALUES = "@tag";

    public TagDefinition {
        itemTypes = List.copyOf(itemTypes);
    }

    /** Whether the tag's values are tags (KMIP 2.x Attribute Reference). */
    public boolean takesTagValues() {
        return TAG_VALUES.equals(valuesFrom);
    }

    public boolean isDeprecated() {
        return note.startsWith("deprecated");
    }

    /** The tag as 0x42XXXX. */
    public String hex() {
        return String.format("0x%06X", value);
    }
}
