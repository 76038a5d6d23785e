package io.keyhold.protocol.xml;

import io.keyhold.protocol.text.TextNode;
import io.keyhold.protocol.ttlv.CodecException;
import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads KMIP XML into {@link TextNode} trees with StAX: no DTD (a DOCTYPE is rejected, so no external or
 * internal entity is ever expanded), no namespaces, comments and processing instructions skipped.
 * Elements carry only {@code type} and {@code value} attributes ({@code tag} too on {@code <TTLV>}); text
 * between elements must be white space. The nesting depth is checked while reading, before any tree is
 * built; like binary TTLV it counts Structures, so a Structure at the limit may hold primitive items.
 */
final class XmlTextReader {
    /** Roots that hold several messages rather than being an item themselves. */
    private static final List<String> CONTAINERS = List.of("KMIP", "KmipTestCase");

    private static final XMLInputFactory FACTORY = newFactory();

    private final int maxDepth;

    XmlTextReader(int maxDepth) {
        this.maxDepth = maxDepth;
    }

    private static XMLInputFactory newFactory() {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        return f;
    }

    /** The items of the document: the root item, or the children of a {@code <KMIP>} or {@code <KmipTestCase>} root. */
    List<TextNode> read(String xml) throws CodecException {
        XMLStreamReader r;
        try {
            synchronized (FACTORY) {
                r = FACTORY.createXMLStreamReader(new StringReader(xml));
            }
        } catch (XMLStreamException e) {
            throw new CodecException("XML: cannot start reading: " + e.getMessage(), e);
        }
        try {
            return document(r);
        } catch (XMLStreamException e) {
            Location l = e.getLocation();
            String at = l == null ? "" : " at line " + l.getLineNumber() + ", column " + l.getColumnNumber();
            throw new CodecException("XML: not well-formed" + at + ": " + cleanMessage(e), e);
        } finally {
            try {
                r.close();
            } catch (XMLStreamException ignored) {
                // nothing held open: the input is a string
            }
        }
    }

    private List<TextNode> document(XMLStreamReader r) throws XMLStreamException, CodecException {
        List<TextNode> items = new ArrayList<>();
        boolean container = false;
        boolean rootSeen = false;
        Deque<Builder> open = new ArrayDeque<>();
        while (r.hasNext()) {
            int event = r.next();
            switch (event) {
                case XMLStreamConstants.DTD -> throw new CodecException("XML at " + position(r)
                        + ": DOCTYPE is not allowed (no DTDs or entities in KMIP XML)");
                case XMLStreamConstants.ENTITY_REFERENCE -> throw new CodecException("XML at " + position(r)
                        + ": entity reference &" + r.getLocalName() + "; is not allowed");
                case XMLStreamConstants.START_ELEMENT -> {
                    String name = r.getLocalName();
                    if (!rootSeen) {
                        rootSeen = true;
                        if (CONTAINERS.contains(name)) {
                            container = true;
                            if (r.getAttributeCount() > 0) {
                                throw new CodecException(name + " (" + position(r) + "): unexpected attribute " + r.getAttributeLocalName(0));
                            }
                            continue;
                        }
                    }
                    String path = open.isEmpty() ? name : open.peek().path + "/" + name;
                    // Depth counts Structures, as in binary TTLV and JSON: a Structure at the limit may still
                    // hold primitive items. An element below that makes its parent a Structure too deep.
                    if (open.size() > maxDepth) {
                        Builder parent = open.peek();
                        throw new CodecException(parent.path + " (" + parent.position + "): nesting depth " + open.size()
                                + " (expected: <= " + maxDepth + ")");
                    }
                    open.push(start(r, name, path));
                }
                case XMLStreamConstants.END_ELEMENT -> {
                    if (open.isEmpty()) {
                        continue; // the container's end
                    }
                    Builder b = open.pop();
                    TextNode node = b.build();
                    if (open.isEmpty()) {
                        items.add(node);
                    } else {
                        open.peek().children.add(node);
                    }
                }
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                    if (!r.isWhiteSpace() && !r.getText().isBlank()) {
                        String where = open.isEmpty() ? "XML" : open.peek().path;
                        throw new CodecException(where + " (" + position(r) + "): unexpected text content (values go in the value attribute)");
                    }
                }
                default -> {
                    // comments, processing instructions, document start and end
                }
            }
        }
        if (!rootSeen) {
            throw new CodecException("XML: no element found");
        }
        if (container && items.isEmpty()) {
            throw new CodecException("XML: the root element holds no messages");
        }
        return items;
    }

    private static Builder start(XMLStreamReader r, String name, String path) throws CodecException {
        String position = position(r);
        String tag = name;
        String type = null;
        String value = null;
        boolean ttlv = name.equals("TTLV");
        for (int i = 0; i < r.getAttributeCount(); i++) {
            String attribute = r.getAttributeLocalName(i);
            String v = r.getAttributeValue(i);
            switch (attribute) {
                case "type" -> type = v;
                case "value" -> value = v;
                case "tag" -> {
                    if (!ttlv) {
                        throw new CodecException(path + " (" + position + "): attribute 'tag' is only allowed on <TTLV>");
                    }
                    tag = v;
                }
                default -> throw new CodecException(path + " (" + position + "): unexpected attribute '" + attribute + "'");
            }
        }
        if (ttlv && tag.equals("TTLV")) {
            throw new CodecException(path + " (" + position + "): <TTLV> needs a tag attribute");
        }
        return new Builder(tag, type, value, ttlv ? path.substring(0, path.length() - 4) + tag : path, position);
    }

    private static String position(XMLStreamReader r) {
        Location l = r.getLocation();
        return "line " + l.getLineNumber() + ", column " + l.getColumnNumber();
    }

    /** The parser's message without its own location prefix, which we give in our form. */
    private static String cleanMessage(XMLStreamException e) {
        String m = String.valueOf(e.getMessage());
        int i = m.indexOf("Message: ");
        return i >= 0 ? m.substring(i + 9).trim() : m.trim();
    }

    private static final class Builder {
        final String tag;
        final String type;
        final String value;
        final String path;
        final String position;
        final List<TextNode> children = new ArrayList<>();

        Builder(String tag, String type, String value, String path, String position) {
            this.tag = tag;
            this.type = type;
            this.value = value;
            this.path = path;
            this.position = position;
        }

        TextNode build() {
            boolean structure = value == null && (type == null || type.equals("Structure") || !children.isEmpty());
            if (structure || !children.isEmpty()) {
                return new TextNode(tag, type, value, false, children, position);
            }
            return TextNode.leaf(tag, type, value, false, position);
        }
    }
}
