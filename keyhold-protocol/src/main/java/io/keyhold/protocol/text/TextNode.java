package io.keyhold.protocol.text;

import java.util.List;

/**
 * One item as the XML and JSON encodings spell it, before its names and value are resolved against the
 * spec table: the tag as written ("UniqueIdentifier" or "0x420094"), the type name ("TextString", or null
 * when absent), and either the value text or the children. The XML and JSON readers build these; {@link
 * TextItemDecoder} turns them into a {@code TtlvItem} tree, and {@link TextItemEncoder} builds them back
 * for the writers.
 *
 * @param tag         the tag as written: a normalized name, a spec name or 0x-prefixed hex
 * @param type        the item type name as written, or null when absent (a Structure)
 * @param value       the value text, or null for a Structure
 * @param bareLiteral true when the value was a JSON number or true/false rather than a string
 * @param children    the children of a Structure, or null for a primitive item
 * @param position    where the item starts in the input ("line 12, column 7"), or "" when not known
 */
public record TextNode(String tag, String type, String value, boolean bareLiteral, List<TextNode> children,
                       String position) {
    public TextNode {
        children = children == null ? null : List.copyOf(children);
        position = position == null ? "" : position;
    }

    /** A primitive item. */
    public static TextNode leaf(String tag, String type, String value, boolean bareLiteral, String position) {
        return new TextNode(tag, type, value, bareLiteral, null, position);
    }

    /** A Structure; {@code type} is "Structure" when written out, else null. */
    public static TextNode structure(String tag, String type, List<TextNode> children, String position) {
        return new TextNode(tag, type, null, false, children, position);
    }

    public boolean isStructure() {
        return children != null;
    }

    /** True when the tag is written as hex (an unknown or vendor tag: {@code <TTLV tag="0x540001">} in XML). */
    public boolean tagIsHex() {
        return tag.startsWith("0x") || tag.startsWith("0X");
    }
}
