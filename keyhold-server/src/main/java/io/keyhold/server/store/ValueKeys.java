package io.keyhold.server.store;

import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * Comparable forms of attribute values, shared by every store so that Locate matches the same way
 * everywhere: the value key is the item's TTLV encoding without its tag (type, length, value), so two
 * values are equal exactly when their keys are; numeric items also have a number for range criteria.
 */
public final class ValueKeys {
    private static final TtlvEncoder ENCODER = new TtlvEncoder();

    private ValueKeys() {}

    /** The item's encoding from the type byte on: equal for equal values whatever their tags. */
    public static byte[] key(TtlvItem value) {
        byte[] encoded = ENCODER.encode(value);
        return Arrays.copyOfRange(encoded, 3, encoded.length);
    }

    /** The number of an Integer, Long Integer, Enumeration, Date-Time, Interval or Date-Time Extended item. */
    public static OptionalLong number(TtlvItem value) {
        return switch (value.type()) {
            case INTEGER -> OptionalLong.of(value.intValue());
            case ENUMERATION -> OptionalLong.of(value.enumValue());
            case LONG_INTEGER -> OptionalLong.of(value.longValue());
            case DATE_TIME -> OptionalLong.of(value.dateTimeValue());
            case INTERVAL -> OptionalLong.of(value.intervalValue());
            case DATE_TIME_EXTENDED -> OptionalLong.of(value.dateTimeExtendedValue());
            default -> OptionalLong.empty();
        };
    }
}
