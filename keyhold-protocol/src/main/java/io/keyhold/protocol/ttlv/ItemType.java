package io.keyhold.protocol.ttlv;

import java.util.Optional;

/**
 * The TTLV item types (KMIP 1.x section 9.1.1.2, 2.x section 9.1.1.2). The codes are checked against the
 * spec table by {@code ItemTypeTest}; Date Time Extended exists from KMIP 2.0.
 */
public enum ItemType {
    STRUCTURE(0x01, "Structure", -1),
    INTEGER(0x02, "Integer", 4),
    LONG_INTEGER(0x03, "LongInteger", 8),
    BIG_INTEGER(0x04, "BigInteger", -1),
    ENUMERATION(0x05, "Enumeration", 4),
    BOOLEAN(0x06, "Boolean", 8),
    TEXT_STRING(0x07, "TextString", -1),
    BYTE_STRING(0x08, "ByteString", -1),
    DATE_TIME(0x09, "DateTime", 8),
    INTERVAL(0x0A, "Interval", 4),
    DATE_TIME_EXTENDED(0x0B, "DateTimeExtended", 8);

    private static final ItemType[] BY_CODE = new ItemType[0x0C];

    static {
        for (ItemType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final String xmlName;
    private final int fixedLength;

    ItemType(int code, String xmlName, int fixedLength) {
        this.code = code;
        this.xmlName = xmlName;
        this.fixedLength = fixedLength;
    }

    /** The type byte on the wire. */
    public int code() {
        return code;
    }

    /** The name in the XML and JSON encodings ("TextString"); also the spec name without spaces. */
    public String xmlName() {
        return xmlName;
    }

    /** The required value length in bytes, or -1 when the length varies. */
    public int fixedLength() {
        return fixedLength;
    }

    /** The type with this wire code, or null. */
    public static ItemType fromCode(int code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** The type with this XML/JSON name ("TextString"), if any. */
    public static Optional<ItemType> fromXmlName(String name) {
        for (ItemType t : values()) {
            if (t.xmlName.equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
