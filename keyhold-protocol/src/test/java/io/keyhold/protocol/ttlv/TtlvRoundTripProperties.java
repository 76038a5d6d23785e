package io.keyhold.protocol.ttlv;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Binary TTLV round trips of arbitrary trees: every item type, nesting, vendor tags, non-ASCII text. */
class TtlvRoundTripProperties {
    private static final ItemType[] TYPES = ItemType.values();
    private final TtlvEncoder encoder = new TtlvEncoder();
    private final TtlvDecoder decoder = new TtlvDecoder();

    @Property(tries = 1000)
    void decodeOfEncode_anyTree_givesSameTree(@ForAll("trees") TtlvItem tree) throws CodecException {
        byte[] bytes = encoder.encode(tree);
        assertThat(bytes.length % 8).isZero();
        assertThat(encoder.encode(tree)).isEqualTo(bytes);
        TtlvItem decoded = decoder.decode(bytes);
        assertThat(decoded).isEqualTo(tree);
        assertThat(encoder.encode(decoded)).isEqualTo(bytes);
    }

    @Property(tries = 300)
    void framer_encodingSplitAnywhere_givesSameTree(@ForAll("messages") TtlvItem message, @ForAll long seed) throws CodecException {
        byte[] bytes = encoder.encode(message);
        Random random = new Random(seed);
        TtlvFramer framer = new TtlvFramer(decoder);
        int at = 0;
        Optional<TtlvItem> result = Optional.empty();
        while (at < bytes.length) {
            assertThat(result).isEmpty();
            int n = 1 + random.nextInt(Math.min(bytes.length - at, 1 + random.nextInt(64)));
            framer.offer(bytes, at, n);
            at += n;
            result = framer.next();
        }
        assertThat(result).contains(message);
        assertThat(framer.buffered()).isZero();
    }

    @Provide
    Arbitrary<TtlvItem> trees() {
        return Arbitraries.randomValue(r -> item(r, 0));
    }

    @Provide
    Arbitrary<TtlvItem> messages() {
        return Arbitraries.randomValue(r -> structure(r, 0));
    }

    static TtlvItem item(Random r, int depth) {
        ItemType type = TYPES[r.nextInt(TYPES.length)];
        if (type == ItemType.STRUCTURE) {
            return structure(r, depth);
        }
        int tag = tag(r);
        return switch (type) {
            case INTEGER -> TtlvItem.integer(tag, edgy(r) ? pick(r, 0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE) : r.nextInt());
            case LONG_INTEGER -> TtlvItem.longInteger(tag, edgy(r) ? pick(r, 0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE) : r.nextLong());
            case BIG_INTEGER -> TtlvItem.bigInteger(tag, bigInteger(r));
            case ENUMERATION -> TtlvItem.enumeration(tag, edgy(r) ? pick(r, 0, 1, 0x80000001, -1) : r.nextInt());
            case BOOLEAN -> TtlvItem.bool(tag, r.nextBoolean());
            case TEXT_STRING -> TtlvItem.text(tag, text(r));
            case BYTE_STRING -> {
                byte[] b = new byte[edgy(r) ? pick(r, 0, 1, 7, 8, 9) : r.nextInt(300)];
                r.nextBytes(b);
                yield TtlvItem.bytes(tag, b);
            }
            case DATE_TIME -> TtlvItem.dateTime(tag, r.nextLong());
            case INTERVAL -> TtlvItem.interval(tag, edgy(r) ? pick(r, 0L, 0xFFFFFFFFL, 0x80000000L) : r.nextLong() & 0xFFFFFFFFL);
            case DATE_TIME_EXTENDED -> TtlvItem.dateTimeExtended(tag, r.nextLong());
            default -> throw new IllegalStateException(type.toString());
        };
    }

    static TtlvItem structure(Random r, int depth) {
        int n = depth >= 6 ? 0 : r.nextInt(depth == 0 ? 8 : 5);
        List<TtlvItem> children = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            children.add(item(r, depth + 1));
        }
        return TtlvItem.structure(tag(r), children);
    }

    private static int tag(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> 0x540000 | r.nextInt(0x10000);   // vendor extension
            case 1 -> r.nextInt(0x1000000);             // anything in 3 bytes
            default -> 0x420001 + r.nextInt(0x180);     // spec range
        };
    }

    private static BigInteger bigInteger(Random r) {
        BigInteger v = new BigInteger(r.nextInt(300), r);
        if (edgy(r)) {
            v = BigInteger.ONE.shiftLeft(8 * pick(r, 7, 8, 15, 16)).subtract(BigInteger.ONE);
        }
        return r.nextBoolean() ? v.negate() : v;
    }

    private static String text(Random r) {
        int n = r.nextInt(edgy(r) ? 2 : 40);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(4)) {
                case 0 -> sb.append((char) (0x20 + r.nextInt(0x5F)));              // ASCII
                case 1 -> sb.append((char) (0xA0 + r.nextInt(0x700)));             // Latin, Greek, Cyrillic...
                case 2 -> sb.append((char) (0x3000 + r.nextInt(0x5000)));          // CJK
                default -> sb.appendCodePoint(0x1F300 + r.nextInt(0x300));          // emoji: surrogate pairs
            }
        }
        return sb.toString();
    }

    private static boolean edgy(Random r) {
        return r.nextInt(5) == 0;
    }

    @SafeVarargs
    private static <T> T pick(Random r, T... values) {
        return values[r.nextInt(values.length)];
    }
}
