package io.keyhold.protocol.json;

import io.keyhold.protocol.text.TextNode;

/**
 * Writes {@link TextNode} trees as KMIP JSON: an object {@code {"tag", "type", "value"}} per item,
 * "type" omitted for a Structure, whose value is the array of its children. Primitive items sit on one
 * line; structures are indented by two spaces per level.
 */
final class JsonTextWriter {
    private JsonTextWriter() {}

    static String write(TextNode node) {
        StringBuilder sb = new StringBuilder(256);
        item(node, 0, sb);
        return sb.append('\n').toString();
    }

    /** Writes several items as one JSON array. */
    static String writeArray(Iterable<TextNode> nodes) {
        StringBuilder sb = new StringBuilder(256).append("[\n");
        boolean first = true;
        for (TextNode n : nodes) {
            if (!first) {
                sb.append(",\n");
            }
            first = false;
            sb.append("  ");
            item(n, 1, sb);
        }
        return sb.append("\n]\n").toString();
    }

    private static void item(TextNode node, int indent, StringBuilder sb) {
        sb.append("{\"tag\": ");
        string(node.tag(), sb);
        if (node.type() != null) {
            sb.append(", \"type\": ");
            string(node.type(), sb);
        }
        sb.append(", \"value\": ");
        if (!node.isStructure()) {
            if (node.bareLiteral()) {
                sb.append(node.value());
            } else {
                string(node.value(), sb);
            }
            sb.append('}');
            return;
        }
        if (node.children().isEmpty()) {
            sb.append("[]}");
            return;
        }
        sb.append("[\n");
        String pad = "  ".repeat(indent + 1);
        for (int i = 0; i < node.children().size(); i++) {
            sb.append(pad);
            item(node.children().get(i), indent + 1, sb);
            sb.append(i + 1 < node.children().size() ? ",\n" : "\n");
        }
        sb.append("  ".repeat(indent)).append("]}");
    }

    /** Writes a JSON string, escaping quotes, backslashes and every control character. */
    static void string(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7F || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
