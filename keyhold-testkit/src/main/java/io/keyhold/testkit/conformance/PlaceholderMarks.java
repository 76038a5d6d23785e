package io.keyhold.testkit.conformance;

import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.PlaceholderResolver;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads the non-text placeholders of a vector file ("$NOW-3600" in a Date Time, "$SIGNATURE_DATA" in a
 * Byte String) as marker items that {@link #nameOf(TtlvItem)} maps back to the placeholder. A vector file
 * is parsed once, before anything is sent, so values computed at send time ($NOW) or bound from earlier
 * responses cannot be known yet; the markers keep their place in the tree until then. Text String
 * placeholders ("$UNIQUE_IDENTIFIER_0") need no marker: the codec keeps them as text.
 */
final class PlaceholderMarks implements PlaceholderResolver {
    /** Date Time and Date Time Extended markers count up from here: no vector dates from 292 billion years BC. */
    private static final long TIME_BASE = Long.MIN_VALUE;
    private static final byte[] BYTES_PREFIX = "\0keyhold vector placeholder\0".getBytes(StandardCharsets.US_ASCII);

    private final List<String> names = new ArrayList<>();

    @Override
    public Optional<TtlvItem> resolve(int tag, ItemType type, String placeholder) {
        int index = names.size();
        TtlvItem mark = switch (type) {
            case DATE_TIME -> TtlvItem.dateTime(tag, TIME_BASE + index);
            case DATE_TIME_EXTENDED -> TtlvItem.dateTimeExtended(tag, TIME_BASE + index);
            case BYTE_STRING -> TtlvItem.bytes(tag, ByteBuffer.allocate(BYTES_PREFIX.length + 4)
                    .put(BYTES_PREFIX).putInt(index).array());
            default -> null;
        };
        if (mark == null) {
            return Optional.empty();
        }
        names.add(placeholder);
        return Optional.of(mark);
    }

    /** The placeholder a marker item stands for ("$NOW-3600"), or empty for an ordinary item. */
    Optional<String> nameOf(TtlvItem item) {
        long index = switch (item.type()) {
            case DATE_TIME -> item.dateTimeValue() - TIME_BASE;
            case DATE_TIME_EXTENDED -> item.dateTimeExtendedValue() - TIME_BASE;
            case BYTE_STRING -> bytesIndex(item);
            default -> -1;
        };
        return index >= 0 && index < names.size() ? Optional.of(names.get((int) index)) : Optional.empty();
    }

    private static long bytesIndex(TtlvItem item) {
        if (item.bytesLength() != BYTES_PREFIX.length + 4) {
            return -1;
        }
        byte[] b = item.bytesValue();
        if (!Arrays.equals(b, 0, BYTES_PREFIX.length, BYTES_PREFIX, 0, BYTES_PREFIX.length)) {
            return -1;
        }
        return ByteBuffer.wrap(b, BYTES_PREFIX.length, 4).getInt();
    }
}
