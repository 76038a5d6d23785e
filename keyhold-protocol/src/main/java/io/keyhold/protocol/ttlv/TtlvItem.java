package io.keyhold.protocol.ttlv;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One TTLV item: a tag, an item type and a value. The binary, XML and JSON codecs all read and write
 * this one tree; typed messages are mapped from it in a separate step.
 *
 * <p>Values by type: Structure - an immutable list of children; Integer and Enumeration - a 32-bit int
 * (an enumeration's unsigned value is kept as its bit pattern); Long Integer - a long; Big Integer - a
 * {@link BigInteger}; Boolean - a boolean; Text String - a String; Byte String - bytes (copied in and
 * out); Date Time - POSIX seconds; Interval - unsigned 32-bit seconds as a long; Date Time Extended -
 * POSIX microseconds.
 *
 * <p>{@link #toString()} never prints the contents of a Byte String or Big Integer, which may be key
 * material.
 */
public final class TtlvItem {
    private final int tag;
    private final ItemType type;
    private final Object value;

    private TtlvItem(int tag, ItemType type, Object value) {
        if ((tag & ~0xFFFFFF) != 0) {
            throw new IllegalArgumentException("tag 0x" + Integer.toHexString(tag) + " does not fit in 3 bytes");
        }
        this.tag = tag;
        this.type = Objects.requireNonNull(type, "type");
        this.value = Objects.requireNonNull(value, "value");
    }

    public static TtlvItem structure(int tag, List<TtlvItem> children) {
        return new TtlvItem(tag, ItemType.STRUCTURE, List.copyOf(children));
    }

    public static TtlvItem structure(int tag, TtlvItem... children) {
        return new TtlvItem(tag, ItemType.STRUCTURE, List.of(children));
    }

    public static TtlvItem integer(int tag, int value) {
        return new TtlvItem(tag, ItemType.INTEGER, value);
    }

    public static TtlvItem longInteger(int tag, long value) {
        return new TtlvItem(tag, ItemType.LONG_INTEGER, value);
    }

    public static TtlvItem bigInteger(int tag, BigInteger value) {
        return new TtlvItem(tag, ItemType.BIG_INTEGER, value);
    }

    public static TtlvItem enumeration(int tag, int value) {
        return new TtlvItem(tag, ItemType.ENUMERATION, value);
    }

    public static TtlvItem bool(int tag, boolean value) {
        return new TtlvItem(tag, ItemType.BOOLEAN, value);
    }

    /**
     * A Text String. The value must be well-formed UTF-16: an unpaired surrogate has no UTF-8 encoding
     * and would otherwise be sent as '?'.
     */
    public static TtlvItem text(int tag, String value) {
        for (int i = 0, n = Objects.requireNonNull(value, "value").length(); i < n; i++) {
            char c = value.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                } else {
                    throw new IllegalArgumentException(String.format(
                            "Text String of item 0x%06X: unpaired surrogate at index %d", tag, i));
                }
            }
        }
        return new TtlvItem(tag, ItemType.TEXT_STRING, value);
    }

    public static TtlvItem bytes(int tag, byte[] value) {
        return new TtlvItem(tag, ItemType.BYTE_STRING, value.clone());
    }

    /** A Date Time of POSIX seconds. */
    public static TtlvItem dateTime(int tag, long epochSeconds) {
        return new TtlvItem(tag, ItemType.DATE_TIME, epochSeconds);
    }

    public static TtlvItem dateTime(int tag, Instant instant) {
        return dateTime(tag, instant.getEpochSecond());
    }

    /** An Interval of seconds, 0 to 2^32-1. */
    public static TtlvItem interval(int tag, long seconds) {
        if (seconds < 0 || seconds > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("interval " + seconds + " s is outside 0.." + 0xFFFFFFFFL);
        }
        return new TtlvItem(tag, ItemType.INTERVAL, seconds);
    }

    /** A Date Time Extended of POSIX microseconds (KMIP 2.0 and later). */
    public static TtlvItem dateTimeExtended(int tag, long epochMicros) {
        return new TtlvItem(tag, ItemType.DATE_TIME_EXTENDED, epochMicros);
    }

    /** Wraps bytes the caller gives up ownership of (decoders only). */
    static TtlvItem bytesNoCopy(int tag, byte[] value) {
        return new TtlvItem(tag, ItemType.BYTE_STRING, value);
    }

    /** A structure whose list the caller guarantees is unmodifiable (decoders only). */
    static TtlvItem structureNoCopy(int tag, List<TtlvItem> children) {
        return new TtlvItem(tag, ItemType.STRUCTURE, children);
    }

    public int tag() {
        return tag;
    }

    public ItemType type() {
        return type;
    }

    /** The tag as 0x42XXXX, for messages. */
    public String tagHex() {
        return String.format("0x%06X", tag);
    }

    public boolean isStructure() {
        return type == ItemType.STRUCTURE;
    }

    @SuppressWarnings("unchecked")
    public List<TtlvItem> children() {
        expect(ItemType.STRUCTURE);
        return (List<TtlvItem>) value;
    }

    /**
     * The first child with this tag, if this is a structure holding one; empty for a primitive item, so that
     * a request with a primitive where a structure belongs reads as one lacking the field (and is answered as
     * such) rather than failing the server.
     */
    public Optional<TtlvItem> child(int childTag) {
        if (type != ItemType.STRUCTURE) {
            return Optional.empty();
        }
        for (TtlvItem c : children()) {
            if (c.tag == childTag) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** Every child with this tag, in order; none for a primitive item (see {@link #child}). */
    public List<TtlvItem> childrenWith(int childTag) {
        List<TtlvItem> out = new ArrayList<>();
        if (type != ItemType.STRUCTURE) {
            return out;
        }
        for (TtlvItem c : children()) {
            if (c.tag == childTag) {
                out.add(c);
            }
        }
        return out;
    }

    public int intValue() {
        expect(ItemType.INTEGER);
        return (Integer) value;
    }

    public long longValue() {
        expect(ItemType.LONG_INTEGER);
        return (Long) value;
    }

    public BigInteger bigIntegerValue() {
        expect(ItemType.BIG_INTEGER);
        return (BigInteger) value;
    }

    public int enumValue() {
        expect(ItemType.ENUMERATION);
        return (Integer) value;
    }

    public boolean booleanValue() {
        expect(ItemType.BOOLEAN);
        return (Boolean) value;
    }

    public String textValue() {
        expect(ItemType.TEXT_STRING);
        return (String) value;
    }

    /** A copy of the Byte String's bytes. */
    public byte[] bytesValue() {
        expect(ItemType.BYTE_STRING);
        return ((byte[]) value).clone();
    }

    /** The Byte String's length without copying it. */
    public int bytesLength() {
        expect(ItemType.BYTE_STRING);
        return ((byte[]) value).length;
    }

    /** Date Time: POSIX seconds. */
    public long dateTimeValue() {
        expect(ItemType.DATE_TIME);
        return (Long) value;
    }

    public long intervalValue() {
        expect(ItemType.INTERVAL);
        return (Long) value;
    }

    /** Date Time Extended: POSIX microseconds. */
    public long dateTimeExtendedValue() {
        expect(ItemType.DATE_TIME_EXTENDED);
        return (Long) value;
    }

    /** The value object itself (children list, Integer, Long, BigInteger, Boolean, String or byte[]); byte[] is not copied. */
    Object rawValue() {
        return value;
    }

    private void expect(ItemType wanted) {
        if (type != wanted) {
            throw new IllegalStateException("item " + tagHex() + " is a " + type.xmlName() + ", not a " + wanted.xmlName());
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TtlvItem other) || other.tag != tag || other.type != type) {
            return false;
        }
        if (type == ItemType.BYTE_STRING) {
            return Arrays.equals((byte[]) value, (byte[]) other.value);
        }
        return value.equals(other.value);
    }

    @Override
    public int hashCode() {
        int h = 31 * tag + type.hashCode();
        return 31 * h + (type == ItemType.BYTE_STRING ? Arrays.hashCode((byte[]) value) : value.hashCode());
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        appendTo(sb, 0);
        return sb.toString();
    }

    private void appendTo(StringBuilder sb, int indent) {
        sb.append("  ".repeat(indent)).append(tagHex()).append(' ').append(type.xmlName());
        switch (type) {
            case STRUCTURE -> {
                for (TtlvItem c : children()) {
                    sb.append('\n');
                    c.appendTo(sb, indent + 1);
                }
            }
            case BYTE_STRING -> sb.append(" [").append(((byte[]) value).length).append(" bytes]");
            case BIG_INTEGER -> sb.append(" [").append(((BigInteger) value).bitLength()).append(" bits]");
            case TEXT_STRING -> sb.append(" \"").append(value).append('"');
            case ENUMERATION -> sb.append(String.format(" 0x%08X", (Integer) value));
            case DATE_TIME -> sb.append(' ').append(Instant.ofEpochSecond((Long) value));
            default -> sb.append(' ').append(value);
        }
    }
}
