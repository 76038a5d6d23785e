package io.keyhold.protocol.text;

import io.keyhold.protocol.spec.EnumerationDefinition;
import io.keyhold.protocol.spec.EnumerationValue;
import io.keyhold.protocol.spec.SpecTable;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.TagDefinition;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Spells a {@link TtlvItem} tree as a {@link TextNode} tree for the KMIP XML or JSON writer: tags by
 * normalized name (0x hex when the spec table does not know them), enumerations by name (0x hex for
 * unknown and extension values), masks as names, Big Integers and Byte Strings in lower-case hex, and
 * dates in UTC as {@code 2013-06-26T09:09:17+00:00}, the form of the OASIS vectors. What {@link
 * TextItemDecoder} reads back is equal to the tree written. Instances are immutable and thread-safe.
 */
public final class TextItemEncoder {
    /** The encodings differ only in how a few values are spelled. */
    public enum Dialect {
        /** Masks joined by spaces; numbers as text; Big Integer hex without 0x. */
        XML,
        /** Masks joined by '|'; numbers and booleans as JSON literals; Big Integer hex with 0x. */
        JSON
    }

    /** Largest magnitude a JSON number carries exactly in a double (2^53); larger Long Integers are written as hex. */
    private static final long JSON_SAFE_INTEGER = 1L << 53;
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);
    /** Dates from year 0 to 9999 are written as ISO 8601; others as hex, which both readers accept. */
    private static final long MIN_ISO_SECONDS = -62167219200L;
    private static final long MAX_ISO_SECONDS = 253402300799L;

    private final SpecTable spec;
    private final Dialect dialect;

    public TextItemEncoder(SpecTable spec, Dialect dialect) {
        this.spec = spec;
        this.dialect = dialect;
    }

    public TextNode encode(TtlvItem item) {
        return node(item, -1);
    }

    private TextNode node(TtlvItem item, int attributeTag) {
        String tag = spec.tag(item.tag()).map(TagDefinition::normalizedName).orElseGet(item::tagHex);
        ItemType type = item.type();
        if (type == ItemType.STRUCTURE) {
            int childAttributeTag = attributeTag(item.children());
            List<TextNode> children = new ArrayList<>(item.children().size());
            for (TtlvItem c : item.children()) {
                children.add(node(c, childAttributeTag));
            }
            return TextNode.structure(tag, null, children, "");
        }
        int valuesTag = item.tag() == Tag.ATTRIBUTE_VALUE && attributeTag >= 0 ? attributeTag : item.tag();
        boolean json = dialect == Dialect.JSON;
        String value;
        boolean literal = false;
        switch (type) {
            case INTEGER -> {
                Optional<EnumerationDefinition> values = spec.valuesOf(valuesTag);
                if (values.isPresent() && values.get().isMask() && item.intValue() != 0) {
                    value = mask(item.intValue(), values.get());
                } else {
                    value = Integer.toString(item.intValue());
                    literal = json;
                }
            }
            case LONG_INTEGER -> {
                long v = item.longValue();
                if (json && (v > JSON_SAFE_INTEGER || v < -JSON_SAFE_INTEGER)) {
                    value = String.format("0x%016X", v);
                } else {
                    value = Long.toString(v);
                    literal = json;
                }
            }
            case BIG_INTEGER -> {
                String hex = HexFormat.of().formatHex(TtlvEncoder.bigIntegerBytes(item.bigIntegerValue()));
                value = json ? "0x" + hex : hex;
            }
            case ENUMERATION -> value = enumeration(item.enumValue(), valuesTag);
            case BOOLEAN -> {
                value = Boolean.toString(item.booleanValue());
                literal = json;
            }
            case TEXT_STRING -> value = item.textValue();
            case BYTE_STRING -> value = HexFormat.of().formatHex(item.bytesValue());
            case DATE_TIME -> value = dateTime(item.dateTimeValue(), item.dateTimeValue(), 0, SECONDS);
            case DATE_TIME_EXTENDED -> {
                long micros = item.dateTimeExtendedValue();
                value = dateTime(micros, Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L), MICROS);
            }
            case INTERVAL -> {
                value = Long.toString(item.intervalValue());
                literal = json;
            }
            default -> throw new IllegalStateException("unhandled item type " + type);
        }
        return TextNode.leaf(tag, type.xmlName(), value, literal, "");
    }

    private static String dateTime(long raw, long seconds, long micros, DateTimeFormatter format) {
        if (seconds < MIN_ISO_SECONDS || seconds > MAX_ISO_SECONDS) {
            return String.format("0x%016X", raw);
        }
        return format.format(Instant.ofEpochSecond(seconds, micros * 1000L));
    }

    /** The tag named by a 1.x Attribute Name among these siblings, or -1. */
    private int attributeTag(List<TtlvItem> siblings) {
        for (TtlvItem s : siblings) {
            if (s.tag() == Tag.ATTRIBUTE_NAME && s.type() == ItemType.TEXT_STRING) {
                return spec.tagByName(s.textValue()).map(TagDefinition::value).orElse(-1);
            }
        }
        return -1;
    }

    private String enumeration(int value, int valuesTag) {
        Optional<TagDefinition> def = spec.tag(valuesTag);
        if (def.isPresent() && def.get().takesTagValues()) {
            Optional<TagDefinition> named = spec.tag(value);
            if (named.isPresent()) {
                return named.get().normalizedName();
            }
        } else {
            Optional<EnumerationDefinition> values = spec.valuesOf(valuesTag);
            if (values.isPresent() && !values.get().isMask()) {
                Optional<EnumerationValue> v = values.get().byValue(value);
                if (v.isPresent()) {
                    return v.get().normalizedName();
                }
            }
        }
        return String.format("0x%08X", value);
    }

    /** Bit names in bit order, then any bits without a name as one hex token. */
    private String mask(int bits, EnumerationDefinition mask) {
        StringBuilder sb = new StringBuilder();
        String separator = dialect == Dialect.JSON ? "|" : " ";
        int rest = bits;
        for (int bit = 0; bit < 32; bit++) {
            int b = 1 << bit;
            if ((bits & b) == 0) {
                continue;
            }
            Optional<EnumerationValue> v = mask.byValue(b);
            if (v.isPresent()) {
                if (sb.length() > 0) {
                    sb.append(separator);
                }
                sb.append(v.get().normalizedName());
                rest &= ~b;
            }
        }
        if (rest != 0) {
            if (sb.length() > 0) {
                sb.append(separator);
            }
            sb.append(String.format("0x%08X", rest));
        }
        return sb.toString();
    }
}
