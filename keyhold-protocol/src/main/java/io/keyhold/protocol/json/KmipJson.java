package io.keyhold.protocol.json;

import io.keyhold.protocol.spec.SpecTable;
import io.keyhold.protocol.text.TextItemDecoder;
import io.keyhold.protocol.text.TextItemEncoder;
import io.keyhold.protocol.text.TextNode;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.PlaceholderResolver;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.ArrayList;
import java.util.List;

/**
 * The KMIP JSON encoding (KMIP Additional Message Encodings / Profiles, "JSON Encoding") over the {@link
 * TtlvItem} tree: an object {@code {"tag": ..., "type": ..., "value": ...}} per item, "type" omitted for a
 * Structure, whose value is the array of its children. {@code docs/encodings.md} gives the value rules.
 * The JSON itself is parsed strictly by a small parser of this package (the protocol module takes no
 * dependencies); every rejection is a {@link CodecException} giving the line and column or the item path.
 * Instances are immutable and thread-safe.
 */
public final class KmipJson {
    /** Default largest document accepted: 16 Mi characters. */
    public static final int DEFAULT_MAX_CHARS = 16 * 1024 * 1024;
    /** Default deepest item nesting accepted (a Request Message is depth 1), as for binary TTLV. */
    public static final int DEFAULT_MAX_DEPTH = 32;

    private final int maxChars;
    private final int maxDepth;
    private final TextItemDecoder decoder;
    private final TextItemEncoder encoder;

    public KmipJson() {
        this(SpecTable.get(), DEFAULT_MAX_CHARS, DEFAULT_MAX_DEPTH);
    }

    /**
     * @param spec     the table tag and enumeration names come from
     * @param maxChars the longest document accepted, in characters
     * @param maxDepth the deepest item nesting accepted; the outermost item is depth 1
     */
    public KmipJson(SpecTable spec, int maxChars, int maxDepth) {
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars: " + maxChars + " (expected: >= 1)");
        }
        if (maxDepth < 1) {
            throw new IllegalArgumentException("maxDepth: " + maxDepth + " (expected: >= 1)");
        }
        this.maxChars = maxChars;
        this.maxDepth = maxDepth;
        this.decoder = new TextItemDecoder(spec, maxDepth);
        this.encoder = new TextItemEncoder(spec, TextItemEncoder.Dialect.JSON);
    }

    /** Reads one item object; placeholders are errors. */
    public TtlvItem read(String json) throws CodecException {
        return read(json, PlaceholderResolver.NONE);
    }

    /** Reads one item object, resolving {@code $} placeholders. */
    public TtlvItem read(String json, PlaceholderResolver placeholders) throws CodecException {
        JsonValue root = parse(json);
        if (root.kind() != JsonValue.Kind.OBJECT) {
            throw new CodecException("JSON at " + root.position() + ": " + root.describe() + " (expected: one item object)");
        }
        return decoder.decode(node(root, ""), placeholders);
    }

    /** Reads one item object, or a JSON array of them (messages in order). */
    public List<TtlvItem> readAll(String json) throws CodecException {
        return readAll(json, PlaceholderResolver.NONE);
    }

    public List<TtlvItem> readAll(String json, PlaceholderResolver placeholders) throws CodecException {
        JsonValue root = parse(json);
        List<TtlvItem> items = new ArrayList<>();
        if (root.kind() == JsonValue.Kind.ARRAY) {
            for (JsonValue v : root.elements()) {
                items.add(decoder.decode(node(v, ""), placeholders));
            }
        } else {
            items.add(decoder.decode(node(root, ""), placeholders));
        }
        return items;
    }

    /** Writes one item as pretty-printed JSON. */
    public String write(TtlvItem item) {
        return JsonTextWriter.write(encoder.encode(item));
    }

    private JsonValue parse(String json) throws CodecException {
        if (json == null) {
            throw new CodecException("JSON: no input");
        }
        if (json.length() > maxChars) {
            throw new CodecException("JSON length: " + json.length() + " characters (expected: <= " + maxChars + ")");
        }
        // an item nests two JSON levels (object, then its value array); allow for an outer array of messages
        return JsonParser.parse(json, 2 * maxDepth + 2);
    }

    /** Maps an item object to a {@link TextNode}, checking its shape. */
    private static TextNode node(JsonValue v, String parentPath) throws CodecException {
        String at = parentPath.isEmpty() ? "JSON at " + v.position() : parentPath + " (" + v.position() + ")";
        if (v.kind() != JsonValue.Kind.OBJECT) {
            throw new CodecException(at + ": " + v.describe() + " (expected: an item object with \"tag\")");
        }
        for (String name : v.members().keySet()) {
            if (!name.equals("tag") && !name.equals("type") && !name.equals("value")) {
                throw new CodecException(at + ": unexpected member \"" + name + "\" (expected: tag, type, value)");
            }
        }
        JsonValue tag = v.get("tag");
        if (tag == null || tag.kind() != JsonValue.Kind.STRING) {
            throw new CodecException(at + ": \"tag\" " + (tag == null ? "is missing" : "is " + tag.describe() + " (expected: a string)"));
        }
        String path = parentPath.isEmpty() ? tag.text() : parentPath + "/" + tag.text();
        String where = path + " (" + v.position() + ")";
        JsonValue type = v.get("type");
        if (type != null && type.kind() != JsonValue.Kind.STRING) {
            throw new CodecException(where + ": \"type\" is " + type.describe() + " (expected: a string)");
        }
        String typeName = type == null ? null : type.text();
        JsonValue value = v.get("value");
        if (value == null) {
            throw new CodecException(where + ": \"value\" is missing");
        }
        switch (value.kind()) {
            case ARRAY -> {
                List<TextNode> children = new ArrayList<>(value.elements().size());
                for (JsonValue c : value.elements()) {
                    children.add(node(c, path));
                }
                return TextNode.structure(tag.text(), typeName, children, v.position());
            }
            case STRING -> {
                return TextNode.leaf(tag.text(), typeName, value.text(), false, v.position());
            }
            case NUMBER, TRUE, FALSE -> {
                return TextNode.leaf(tag.text(), typeName, value.text(), true, v.position());
            }
            default -> throw new CodecException(where + ": \"value\" is " + value.describe()
                    + " (expected: an array, a string, a number or a boolean)");
        }
    }
}
