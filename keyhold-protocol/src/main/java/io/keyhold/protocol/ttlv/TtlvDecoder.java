package io.keyhold.protocol.ttlv;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Decodes binary TTLV (KMIP section 9.1) into a {@link TtlvItem} tree, checking everything: a known item
 * type, the fixed lengths (Integer 4, Long Integer 8, Enumeration 4, Boolean 8, Date Time 8, Interval 4,
 * Date Time Extended 8), Big Integer lengths in multiples of 8, zero padding to 8 bytes, Boolean values 0
 * or 1, structures exactly filled by their children, valid UTF-8 text, the maximum message size and the
 * maximum nesting depth. Every rejection is a {@link CodecException} that says what and where.
 *
 * <p>Unknown tags (vendor extensions 0x54XXXX among them) and unknown enumeration values are kept in the
 * tree; {@code SpecCheck} reports them. Instances are immutable and thread-safe.
 */
public final class TtlvDecoder {
    /** Default largest message accepted: 16 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    /** Default deepest nesting accepted (a Request Message is depth 1). */
    public static final int DEFAULT_MAX_DEPTH = 32;

    private final int maxMessageBytes;
    private final int maxDepth;

    public TtlvDecoder() {
        this(DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_DEPTH);
    }

    /**
     * @param maxMessageBytes the largest whole message (header included) accepted
     * @param maxDepth        the deepest structure nesting accepted; the outermost item is depth 1
     */
    public TtlvDecoder(int maxMessageBytes, int maxDepth) {
        if (maxMessageBytes < 8) {
            throw new IllegalArgumentException("maxMessageBytes: " + maxMessageBytes + " (expected: >= 8)");
        }
        if (maxDepth < 1) {
            throw new IllegalArgumentException("maxDepth: " + maxDepth + " (expected: >= 1)");
        }
        this.maxMessageBytes = maxMessageBytes;
        this.maxDepth = maxDepth;
    }

    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    public int maxDepth() {
        return maxDepth;
    }

    /** Decodes exactly one item that fills the whole array. */
    public TtlvItem decode(byte[] message) throws CodecException {
        return decode(message, 0, message.length);
    }

    /** Decodes exactly one item that fills {@code length} bytes from {@code offset}. */
    public TtlvItem decode(byte[] buf, int offset, int length) throws CodecException {
        if (length < 8) {
            throw new CodecException("message of " + length + " bytes is shorter than a TTLV header (8 bytes)", 0);
        }
        if (length > maxMessageBytes) {
            throw new CodecException("message length: " + length + " (expected: <= " + maxMessageBytes + ")", 0);
        }
        long declared = messageLength(buf, offset);
        if (declared > maxMessageBytes) {
            throw new CodecException("message length: " + declared + " (expected: <= " + maxMessageBytes + ")", 0);
        }
        Reader r = new Reader(buf, offset, offset + length);
        TtlvItem item = r.item(offset + length, 1);
        if (r.pos != offset + length) {
            throw new CodecException((offset + length - r.pos) + " bytes follow the message", r.pos - offset);
        }
        return item;
    }

    /**
     * The total length (8-byte header plus padded value) of the item whose header starts at {@code
     * offset}, as read from the header alone; lets a framer know how many bytes to wait for.
     */
    public static long messageLength(byte[] buf, int offset) {
        long length = readInt(buf, offset + 4) & 0xFFFFFFFFL;
        int type = buf[offset + 3] & 0xFF;
        ItemType t = ItemType.fromCode(type);
        long padded = t == ItemType.STRUCTURE ? length : (length + 7) & ~7L;
        return 8 + padded;
    }

    static int readInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    static long readLong(byte[] b, int at) {
        return ((long) readInt(b, at) << 32) | (readInt(b, at + 4) & 0xFFFFFFFFL);
    }

    private final class Reader {
        final byte[] buf;
        final int base;
        int pos;
        CharsetDecoder utf8;

        Reader(byte[] buf, int base, int end) {
            this.buf = buf;
            this.base = base;
            this.pos = base;
        }

        TtlvItem item(int end, int depth) throws CodecException {
            int at = pos;
            if (end - at < 8) {
                throw new CodecException("truncated item header at offset " + (at - base) + ": " + (end - at)
                        + " bytes left (expected: 8)", at - base);
            }
            int tag = (buf[at] & 0xFF) << 16 | (buf[at + 1] & 0xFF) << 8 | (buf[at + 2] & 0xFF);
            int typeCode = buf[at + 3] & 0xFF;
            long length = readInt(buf, at + 4) & 0xFFFFFFFFL;
            ItemType type = ItemType.fromCode(typeCode);
            if (type == null) {
                throw new CodecException(where(tag, at) + ": unknown item type 0x" + String.format("%02X", typeCode), at - base);
            }
            int fixed = type.fixedLength();
            if (fixed >= 0 && length != fixed) {
                throw new CodecException(where(tag, at) + ": " + type.xmlName() + " length " + length + " (expected: " + fixed + ")", at - base);
            }
            if (type == ItemType.BIG_INTEGER && (length == 0 || length % 8 != 0)) {
                throw new CodecException(where(tag, at) + ": Big Integer length " + length + " (expected: a positive multiple of 8)", at - base);
            }
            long padded = type == ItemType.STRUCTURE ? length : (length + 7) & ~7L;
            int valueAt = at + 8;
            long remaining = end - valueAt;
            if (type == ItemType.STRUCTURE && length % 8 != 0) {
                throw new CodecException(where(tag, at) + ": Structure length " + length + " is not a multiple of 8", at - base);
            }
            if (padded > remaining) {
                throw new CodecException(where(tag, at) + ": length " + length + (padded != length ? " (padded " + padded + ")" : "")
                        + " exceeds remaining " + remaining, at - base);
            }
            int len = (int) length;
            int next = valueAt + (int) padded;
            for (int i = valueAt + len; i < next; i++) {
                if (buf[i] != 0) {
                    throw new CodecException(where(tag, at) + ": padding byte at offset " + (i - base) + " is 0x"
                            + String.format("%02X", buf[i] & 0xFF) + " (expected: 0x00)", i - base);
                }
            }
            pos = valueAt;
            TtlvItem item;
            switch (type) {
                case STRUCTURE -> {
                    if (depth > maxDepth) {
                        throw new CodecException(where(tag, at) + ": nesting depth " + depth + " (expected: <= " + maxDepth + ")", at - base);
                    }
                    List<TtlvItem> children = new ArrayList<>();
                    while (pos < next) {
                        children.add(item(next, depth + 1));
                    }
                    item = TtlvItem.structureNoCopy(tag, Collections.unmodifiableList(children));
                }
                case INTEGER -> item = TtlvItem.integer(tag, readInt(buf, valueAt));
                case ENUMERATION -> item = TtlvItem.enumeration(tag, readInt(buf, valueAt));
                case INTERVAL -> item = TtlvItem.interval(tag, readInt(buf, valueAt) & 0xFFFFFFFFL);
                case LONG_INTEGER -> item = TtlvItem.longInteger(tag, readLong(buf, valueAt));
                case DATE_TIME -> item = TtlvItem.dateTime(tag, readLong(buf, valueAt));
                case DATE_TIME_EXTENDED -> item = TtlvItem.dateTimeExtended(tag, readLong(buf, valueAt));
                case BOOLEAN -> {
                    long v = readLong(buf, valueAt);
                    if (v != 0 && v != 1) {
                        throw new CodecException(where(tag, at) + ": Boolean value 0x" + Long.toHexString(v) + " (expected: 0 or 1)", at - base);
                    }
                    item = TtlvItem.bool(tag, v == 1);
                }
                case BIG_INTEGER -> {
                    byte[] v = new byte[len];
                    System.arraycopy(buf, valueAt, v, 0, len);
                    item = TtlvItem.bigInteger(tag, new BigInteger(v));
                }
                case TEXT_STRING -> item = TtlvItem.text(tag, utf8(valueAt, len, tag, at));
                case BYTE_STRING -> {
                    byte[] v = new byte[len];
                    System.arraycopy(buf, valueAt, v, 0, len);
                    item = TtlvItem.bytesNoCopy(tag, v);
                }
                default -> throw new IllegalStateException("unhandled item type " + type);
            }
            pos = next;
            return item;
        }

        /** "item 0x420094 at offset 48", built only when an error is reported: String.format is slow. */
        private String where(int tag, int at) {
            return String.format("item 0x%06X at offset %d", tag, at - base);
        }

        private String utf8(int from, int len, int tag, int at) throws CodecException {
            boolean ascii = true;
            for (int i = from; i < from + len; i++) {
                if (buf[i] < 0) {
                    ascii = false;
                    break;
                }
            }
            if (ascii) {
                return new String(buf, from, len, StandardCharsets.ISO_8859_1);
            }
            if (utf8 == null) {
                utf8 = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
            }
            try {
                CharBuffer chars = utf8.reset().decode(ByteBuffer.wrap(buf, from, len));
                return chars.toString();
            } catch (CharacterCodingException e) {
                throw new CodecException(where(tag, at) + ": Text String is not valid UTF-8", at - base);
            }
        }
    }
}
