package io.keyhold.protocol.testing;

import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.PlaceholderResolver;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deterministic {@link PlaceholderResolver} for vector tests: {@code $NOW} is {@link #NOW}, {@code
 * $NOW-3600} an hour before; any other Byte String placeholder becomes 16 bytes derived from its name.
 */
public final class TestPlaceholders implements PlaceholderResolver {
    public static final Instant NOW = Instant.parse("2024-01-02T03:04:05Z");
    private static final Pattern NOW_OFFSET = Pattern.compile("\\$NOW(?:([+-])(\\d{1,9}))?");

    @Override
    public Optional<TtlvItem> resolve(int tag, ItemType type, String placeholder) {
        Matcher m = NOW_OFFSET.matcher(placeholder);
        if (m.matches() && (type == ItemType.DATE_TIME || type == ItemType.DATE_TIME_EXTENDED)) {
            long offset = m.group(1) == null ? 0 : Long.parseLong(m.group(2)) * (m.group(1).equals("-") ? -1 : 1);
            long seconds = NOW.getEpochSecond() + offset;
            return Optional.of(type == ItemType.DATE_TIME
                    ? TtlvItem.dateTime(tag, seconds)
                    : TtlvItem.dateTimeExtended(tag, seconds * 1_000_000L));
        }
        if (type == ItemType.BYTE_STRING) {
            return Optional.of(TtlvItem.bytes(tag, bytesFor(placeholder)));
        }
        return Optional.empty();
    }

    /** 16 bytes of SHA-256 of the placeholder's name. */
    public static byte[] bytesFor(String placeholder) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(placeholder.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[16];
            System.arraycopy(digest, 0, out, 0, 16);
            return out;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
