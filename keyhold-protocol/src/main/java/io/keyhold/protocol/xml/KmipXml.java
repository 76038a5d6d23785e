package io.keyhold.protocol.xml;

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
 * The KMIP XML encoding (KMIP Profiles, "XML Encoding") over the {@link TtlvItem} tree: an element per
 * item, named by the tag's normalized name, with {@code type} (omitted for a Structure) and {@code value}
 * attributes; unknown and vendor tags as {@code <TTLV tag="0x540001" .../>}. {@code docs/encodings.md}
 * gives the value rules. Reading is safe against hostile input: no DTDs or entities, limited size and
 * depth, and every rejection a {@link CodecException} naming the element path and line. Instances are
 * immutable and thread-safe.
 */
public final class KmipXml {
    /** Default largest document accepted: 16 Mi characters. */
    public static final int DEFAULT_MAX_CHARS = 16 * 1024 * 1024;
    /** Default deepest item nesting accepted (a Request Message is depth 1), as for binary TTLV. */
    public static final int DEFAULT_MAX_DEPTH = 32;

    private final int maxChars;
    private final XmlTextReader reader;
    private final TextItemDecoder decoder;
    private final TextItemEncoder encoder;

    public KmipXml() {
        this(SpecTable.get(), DEFAULT_MAX_CHARS, DEFAULT_MAX_DEPTH);
    }

    /**
     * @param spec     the table tag and enumeration names come from
     * @param maxChars the longest document accepted, in characters
     * @param maxDepth the deepest item nesting accepted; the outermost item is depth 1
     */
    public KmipXml(SpecTable spec, int maxChars, int maxDepth) {
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars: " + maxChars + " (expected: >= 1)");
        }
        this.maxChars = maxChars;
        this.reader = new XmlTextReader(maxDepth);
        this.decoder = new TextItemDecoder(spec, maxDepth);
        this.encoder = new TextItemEncoder(spec, TextItemEncoder.Dialect.XML);
    }

    /** Reads a document holding exactly one item (a message); placeholders are errors. */
    public TtlvItem read(String xml) throws CodecException {
        return read(xml, PlaceholderResolver.NONE);
    }

    /** Reads a document holding exactly one item (a message), resolving {@code $} placeholders. */
    public TtlvItem read(String xml, PlaceholderResolver placeholders) throws CodecException {
        List<TtlvItem> items = readAll(xml, placeholders);
        if (items.size() != 1) {
            throw new CodecException("XML: the document holds " + items.size() + " messages (expected: 1)");
        }
        return items.get(0);
    }

    /** Reads one item, or every message of a {@code <KMIP>} or {@code <KmipTestCase>} root, in order. */
    public List<TtlvItem> readAll(String xml) throws CodecException {
        return readAll(xml, PlaceholderResolver.NONE);
    }

    public List<TtlvItem> readAll(String xml, PlaceholderResolver placeholders) throws CodecException {
        if (xml == null) {
            throw new CodecException("XML: no input");
        }
        if (xml.length() > maxChars) {
            throw new CodecException("XML length: " + xml.length() + " characters (expected: <= " + maxChars + ")");
        }
        List<TtlvItem> items = new ArrayList<>();
        for (TextNode node : reader.read(xml)) {
            items.add(decoder.decode(node, placeholders));
        }
        return items;
    }

    /** Writes one item, pretty-printed with two-space indentation, without an XML declaration. */
    public String write(TtlvItem item) {
        return XmlTextWriter.write(encoder.encode(item));
    }
}
