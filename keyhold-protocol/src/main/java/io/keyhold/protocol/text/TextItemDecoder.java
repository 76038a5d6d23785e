package io.keyhold.protocol.text;

import io.keyhold.protocol.spec.EnumerationDefinition;
import io.keyhold.protocol.spec.EnumerationValue;
import io.keyhold.protocol.spec.SpecTable;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.TagDefinition;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.PlaceholderResolver;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves a {@link TextNode} tree, as read from the KMIP XML or JSON encoding, into a {@link TtlvItem}
 * tree: tag names and enumeration names through the spec table, values parsed for their item type, and
 * placeholders ({@code $NOW}) through a {@link PlaceholderResolver}. The rules, shared by both encodings:
 *
 * <ul>
 *   <li>tags by normalized or spec name, or as 0x-prefixed hex; item types by their XML name;</li>
 *   <li>Integer, Long Integer and Interval in decimal or 0x hex; mask Integers also as names separated by
 *       white space or '|' (names and hex may be mixed);</li>
 *   <li>Enumeration by name (normalized or spec spelling, any KMIP version) or 0x hex; the enumeration is
 *       the tag's own, or for a 1.x Attribute Value the one of the attribute its sibling Attribute Name
 *       names; a 2.x Attribute Reference holds a tag name;</li>
 *   <li>Big Integer as hex with or without 0x, two's complement; Byte String as hex;</li>
 *   <li>Date Time and Date Time Extended as ISO 8601 with an offset (none means UTC) or 0x hex.</li>
 * </ul>
 *
 * Every rejection is a {@link CodecException} naming the item's path and position. Instances are
 * immutable and thread-safe.
 */
public final class TextItemDecoder {
    private static final int MAX_QUOTED = 64;
    /** Marks a loose enumeration name that two values share. */
    private static final Integer AMBIGUOUS = Integer.MIN_VALUE + 7;

    private final SpecTable spec;
    private final int maxDepth;
    private final Map<String, Map<String, Integer>> looseNames = new ConcurrentHashMap<>();

    /**
     * @param spec     the tags and enumerations names are resolved against
     * @param maxDepth the deepest structure nesting accepted; the outermost item is depth 1
     */
    public TextItemDecoder(SpecTable spec, int maxDepth) {
        if (maxDepth < 1) {
            throw new IllegalArgumentException("maxDepth: " + maxDepth + " (expected: >= 1)");
        }
        this.spec = spec;
        this.maxDepth = maxDepth;
    }

    public TtlvItem decode(TextNode node, PlaceholderResolver placeholders) throws CodecException {
        return item(node, "", -1, 1, placeholders == null ? PlaceholderResolver.NONE : placeholders);
    }

    private TtlvItem item(TextNode node, String parentPath, int attributeTag, int depth, PlaceholderResolver placeholders)
            throws CodecException {
        String path = parentPath.isEmpty() ? node.tag() : parentPath + "/" + node.tag();
        String where = node.position().isEmpty() ? path : path + " (" + node.position() + ")";
        int tag = tag(node.tag(), where);
        ItemType type = type(node, where);
        if (type == ItemType.STRUCTURE) {
            if (!node.isStructure() || node.value() != null) {
                throw new CodecException(where + ": a Structure holds children, not a value");
            }
            if (depth > maxDepth) {
                throw new CodecException(where + ": nesting depth " + depth + " (expected: <= " + maxDepth + ")");
            }
            int childAttributeTag = attributeTag(node.children());
            List<TtlvItem> children = new ArrayList<>(node.children().size());
            for (TextNode child : node.children()) {
                children.add(item(child, path, childAttributeTag, depth + 1, placeholders));
            }
            return TtlvItem.structure(tag, children);
        }
        if (node.isStructure()) {
            throw new CodecException(where + ": a " + type.xmlName() + " cannot have children");
        }
        String value = node.value();
        if (value == null) {
            throw new CodecException(where + ": " + type.xmlName() + " value is missing");
        }
        if (node.bareLiteral() && !literalAllowed(type, value)) {
            throw new CodecException(where + ": a " + type.xmlName() + " value must be a JSON string, not " + quote(value));
        }
        if (type != ItemType.TEXT_STRING && value.startsWith("$")) {
            return placeholder(tag, type, value, where, placeholders);
        }
        int valuesTag = tag == Tag.ATTRIBUTE_VALUE && attributeTag >= 0 ? attributeTag : tag;
        return switch (type) {
            case INTEGER -> TtlvItem.integer(tag, integer(value, valuesTag, where));
            case LONG_INTEGER -> TtlvItem.longInteger(tag, longInteger(value, where));
            case BIG_INTEGER -> TtlvItem.bigInteger(tag, bigInteger(value, where));
            case ENUMERATION -> TtlvItem.enumeration(tag, enumeration(value, valuesTag, where));
            case BOOLEAN -> TtlvItem.bool(tag, bool(value, where));
            case TEXT_STRING -> TtlvItem.text(tag, value);
            case BYTE_STRING -> TtlvItem.bytes(tag, hexBytes(value, "ByteString", where));
            case DATE_TIME -> TtlvItem.dateTime(tag, dateTime(value, false, where));
            case INTERVAL -> TtlvItem.interval(tag, interval(value, where));
            case DATE_TIME_EXTENDED -> TtlvItem.dateTimeExtended(tag, dateTime(value, true, where));
            case STRUCTURE -> throw new IllegalStateException("unreachable");
        };
    }

    private static boolean literalAllowed(ItemType type, String value) {
        return switch (type) {
            case INTEGER, LONG_INTEGER, INTERVAL, BIG_INTEGER -> !value.equals("true") && !value.equals("false");
            case BOOLEAN -> value.equals("true") || value.equals("false");
            default -> false;
        };
    }

    private int tag(String text, String where) throws CodecException {
        if (text.startsWith("0x") || text.startsWith("0X")) {
            long v = hexNumber(text, 6, "tag", where);
            return (int) v;
        }
        return spec.tagByName(text).map(TagDefinition::value)
                .orElseThrow(() -> new CodecException(where + ": unknown tag " + quote(text)));
    }

    private static ItemType type(TextNode node, String where) throws CodecException {
        if (node.type() == null) {
            if (node.isStructure()) {
                return ItemType.STRUCTURE;
            }
            throw new CodecException(where + ": item type is missing");
        }
        return ItemType.fromXmlName(node.type())
                .orElseThrow(() -> new CodecException(where + ": unknown item type " + quote(node.type())));
    }

    /** The tag named by the 1.x Attribute Name among these siblings, or -1 when none or not a known attribute. */
    private int attributeTag(List<TextNode> siblings) {
        for (TextNode s : siblings) {
            if (!s.isStructure() && s.value() != null && "TextString".equals(s.type())
                    && (s.tag().equals("AttributeName") || s.tag().equalsIgnoreCase("0x42000A") || s.tag().equals("Attribute Name"))) {
                return spec.tagByName(s.value()).map(TagDefinition::value).orElse(-1);
            }
        }
        return -1;
    }

    private static TtlvItem placeholder(int tag, ItemType type, String value, String where, PlaceholderResolver placeholders)
            throws CodecException {
        Optional<TtlvItem> resolved = placeholders.resolve(tag, type, value);
        if (resolved == null || resolved.isEmpty()) {
            throw new CodecException(where + ": placeholder " + quote(value) + " has no value");
        }
        TtlvItem item = resolved.get();
        if (item.tag() != tag || item.type() != type) {
            throw new CodecException(where + ": placeholder " + quote(value) + " resolved to " + item.tagHex() + " "
                    + item.type().xmlName() + " (expected: " + String.format("0x%06X", tag) + " " + type.xmlName() + ")");
        }
        return item;
    }

    private int integer(String value, int valuesTag, String where) throws CodecException {
        Optional<EnumerationDefinition> values = spec.valuesOf(valuesTag);
        if (values.isPresent() && values.get().isMask()) {
            return mask(value, values.get(), where);
        }
        if (isHex(value)) {
            return (int) hexNumber(value, 8, "Integer", where);
        }
        try {
            if (isDecimal(value)) {
                return Integer.parseInt(value);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CodecException(where + ": Integer value " + quote(value) + " is not a 32-bit decimal or 0x hex number");
    }

    private static int mask(String value, EnumerationDefinition mask, String where) throws CodecException {
        int bits = 0;
        int tokens = 0;
        for (String token : value.split("[\\s|]+")) {
            if (token.isEmpty()) {
                continue;
            }
            tokens++;
            if (isHex(token)) {
                bits |= (int) hexNumber(token, 8, mask.name(), where);
            } else if (isDecimal(token)) {
                try {
                    bits |= Integer.parseInt(token);
                } catch (NumberFormatException e) {
                    throw new CodecException(where + ": " + mask.name() + " value " + quote(token) + " is not a 32-bit number");
                }
            } else {
                EnumerationValue bit = mask.byName(token).orElseThrow(() ->
                        new CodecException(where + ": unknown " + mask.name() + " value " + quote(token)));
                bits |= bit.value();
            }
        }
        if (tokens == 0) {
            throw new CodecException(where + ": " + mask.name() + " value is empty");
        }
        return bits;
    }

    private int enumeration(String value, int valuesTag, String where) throws CodecException {
        if (isHex(value)) {
            return (int) hexNumber(value, 8, "Enumeration", where);
        }
        Optional<TagDefinition> def = spec.tag(valuesTag);
        if (def.isPresent() && def.get().takesTagValues()) {
            return spec.tagByName(value).map(TagDefinition::value)
                    .orElseThrow(() -> new CodecException(where + ": unknown tag name " + quote(value)));
        }
        Optional<EnumerationDefinition> values = spec.valuesOf(valuesTag);
        if (values.isEmpty()) {
            throw new CodecException(where + ": Enumeration value " + quote(value)
                    + " is not 0x hex and the tag has no enumeration to name it");
        }
        Optional<EnumerationValue> named = values.get().byName(value);
        if (named.isPresent()) {
            return named.get().value();
        }
        Integer loose = looseNames(values.get()).get(withoutUnderscores(value));
        if (loose == null || loose == AMBIGUOUS) {
            throw new CodecException(where + ": unknown " + values.get().name() + " value " + quote(value));
        }
        return loose;
    }

    /**
     * The enumeration's normalized names with underscores removed. The OASIS vectors write "HMAC_SHA256"
     * where the normalization rules give "HMACSHA256" (from "HMAC-SHA256"); this lookup accepts both.
     */
    private Map<String, Integer> looseNames(EnumerationDefinition values) {
        return looseNames.computeIfAbsent(values.name(), k -> {
            Map<String, Integer> m = new HashMap<>();
            for (EnumerationValue v : values.values()) {
                m.merge(withoutUnderscores(v.normalizedName()), v.value(), (a, b) -> a.equals(b) ? a : AMBIGUOUS);
            }
            return m;
        });
    }

    private static String withoutUnderscores(String name) {
        return name.indexOf('_') < 0 ? name : name.replace("_", "");
    }

    private static long longInteger(String value, String where) throws CodecException {
        if (isHex(value)) {
            return hexNumber(value, 16, "LongInteger", where);
        }
        try {
            if (isDecimal(value)) {
                return Long.parseLong(value);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CodecException(where + ": LongInteger value " + quote(value) + " is not a 64-bit decimal or 0x hex number");
    }

    private static long interval(String value, String where) throws CodecException {
        if (isHex(value)) {
            return hexNumber(value, 8, "Interval", where);
        }
        try {
            long v = isDecimal(value) ? Long.parseLong(value) : -1;
            if (v >= 0 && v <= 0xFFFFFFFFL) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CodecException(where + ": Interval value " + quote(value) + " is not a number of seconds in 0.." + 0xFFFFFFFFL);
    }

    private static BigInteger bigInteger(String value, String where) throws CodecException {
        String hex = isHex(value) ? value.substring(2) : value;
        if (hex.isEmpty()) {
            throw new CodecException(where + ": BigInteger value is empty");
        }
        return new BigInteger(hexBytes(hex, "BigInteger", where));
    }

    private static boolean bool(String value, String where) throws CodecException {
        switch (value) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                if (isHex(value)) {
                    long v = hexNumber(value, 16, "Boolean", where);
                    if (v == 0 || v == 1) {
                        return v == 1;
                    }
                }
                throw new CodecException(where + ": Boolean value " + quote(value) + " (expected: true, false, 0x0 or 0x1)");
        }
    }

    private static long dateTime(String value, boolean extended, String where) throws CodecException {
        String typeName = extended ? "DateTimeExtended" : "DateTime";
        if (isHex(value)) {
            return hexNumber(value, 16, typeName, where);
        }
        try {
            TemporalAccessor t = DateTimeFormatter.ISO_DATE_TIME.parse(value);
            OffsetDateTime odt = t.isSupported(ChronoField.OFFSET_SECONDS)
                    ? OffsetDateTime.from(t)
                    : LocalDateTime.from(t).atOffset(ZoneOffset.UTC);
            long seconds = odt.toEpochSecond();
            int nanos = odt.getNano();
            if (!extended) {
                if (nanos != 0) {
                    throw new CodecException(where + ": DateTime value " + quote(value) + " has fractional seconds");
                }
                return seconds;
            }
            if (nanos % 1000 != 0) {
                throw new CodecException(where + ": DateTimeExtended value " + quote(value) + " is finer than microseconds");
            }
            return Math.addExact(Math.multiplyExact(seconds, 1_000_000L), nanos / 1000);
        } catch (DateTimeException | ArithmeticException e) {
            throw new CodecException(where + ": " + typeName + " value " + quote(value) + " is not an ISO 8601 date and time");
        }
    }

    /** Parses hex digits into bytes; the message never includes the value (it may be key material). */
    private static byte[] hexBytes(String hex, String typeName, String where) throws CodecException {
        if (hex.length() % 2 != 0) {
            throw new CodecException(where + ": " + typeName + " value has an odd number of hex digits (" + hex.length() + ")");
        }
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = hexDigit(hex.charAt(2 * i));
            int lo = hexDigit(hex.charAt(2 * i + 1));
            if (hi < 0 || lo < 0) {
                throw new CodecException(where + ": " + typeName + " value is not hex: bad digit at index " + (hi < 0 ? 2 * i : 2 * i + 1));
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    /** An optional minus sign and ASCII digits only (Integer.parseInt would also take '+' and other scripts' digits). */
    private static boolean isDecimal(String value) {
        int start = value.startsWith("-") ? 1 : 0;
        if (value.length() == start) {
            return false;
        }
        for (int i = start; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isHex(String value) {
        return value.length() > 2 && value.charAt(0) == '0' && (value.charAt(1) == 'x' || value.charAt(1) == 'X');
    }

    /** Parses "0x" followed by 1 to {@code maxDigits} hex digits. */
    private static long hexNumber(String value, int maxDigits, String what, String where) throws CodecException {
        String digits = value.substring(2);
        if (digits.isEmpty() || digits.length() > maxDigits) {
            throw new CodecException(where + ": " + what + " value " + quote(value) + " needs 1 to " + maxDigits + " hex digits after 0x");
        }
        long v = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = hexDigit(digits.charAt(i));
            if (d < 0) {
                throw new CodecException(where + ": " + what + " value " + quote(value) + " is not hex");
            }
            v = v << 4 | d;
        }
        return v;
    }

    /** Quotes a value for a message, shortened so that a message stays readable. */
    static String quote(String value) {
        String v = value.length() > MAX_QUOTED ? value.substring(0, MAX_QUOTED) + "..." : value;
        return "'" + v + "'";
    }
}
