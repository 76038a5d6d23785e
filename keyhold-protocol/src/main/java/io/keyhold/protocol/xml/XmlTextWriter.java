package io.keyhold.protocol.xml;

import io.keyhold.protocol.text.TextNode;

/**
 * Writes {@link TextNode} trees as KMIP XML: two-space indentation, one element per line, no XML
 * declaration; tags the spec table does not know as {@code <TTLV tag="0x540001" .../>}.
 */
final class XmlTextWriter {
    private XmlTextWriter() {}

    static String write(TextNode node) {
        StringBuilder sb = new StringBuilder(256);
        element(node, 0, sb);
        return sb.toString();
    }

    private static void element(TextNode node, int indent, StringBuilder sb) {
        sb.append("  ".repeat(indent)).append('<');
        String name;
        if (node.tagIsHex()) {
            name = "TTLV";
            sb.append(name).append(" tag=\"").append(node.tag()).append('"');
        } else {
            name = node.tag();
            sb.append(name);
        }
        if (node.type() != null) {
            sb.append(" type=\"").append(node.type()).append('"');
        }
        if (node.value() != null) {
            sb.append(" value=\"");
            escape(node.value(), sb);
            sb.append('"');
        }
        if (!node.isStructure() || node.children().isEmpty()) {
            sb.append("/>\n");
            return;
        }
        sb.append(">\n");
        for (TextNode child : node.children()) {
            element(child, indent + 1, sb);
        }
        sb.append("  ".repeat(indent)).append("</").append(name).append(">\n");
    }

    /**
     * Escapes an attribute value. Tab, line feed and carriage return become character references, as an XML
     * parser would otherwise normalize them to spaces. Other control characters cannot be carried by XML 1.0
     * at all; they are written as character references, which a reader rejects.
     */
    private static void escape(String s, StringBuilder sb) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                default -> {
                    if (c < 0x20 || c == 0x7F) {
                        sb.append("&#").append((int) c).append(';');
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
    }
}
