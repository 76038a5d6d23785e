package io.keyhold.cli;

import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.PlaceholderResolver;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves the time placeholders of the OASIS test vectors ("$NOW", "$NOW-3600", "$NOW+60") to the
 * current time, as the vectors define them: computed when the message is sent. Other placeholders
 * ("$SIGNATURE_DATA", …) are values a server returns; they stay unresolved and the conversion fails
 * naming them.
 */
final class VectorTimePlaceholders implements PlaceholderResolver {
    private static final Pattern NOW = Pattern.compile("\\$NOW(?:([+-])(\\d{1,10}))?");

    private final long nowSeconds;

    VectorTimePlaceholders(Instant now) {
        this.nowSeconds = now.getEpochSecond();
    }

    @Override
    public Optional<TtlvItem> resolve(int tag, ItemType type, String placeholder) {
        Matcher m = NOW.matcher(placeholder);
        if (!m.matches()) {
            return Optional.empty();
        }
        long offset = m.group(1) == null ? 0 : Long.parseLong(m.group(2)) * (m.group(1).equals("-") ? -1 : 1);
        long seconds = nowSeconds + offset;
        return switch (type) {
            case DATE_TIME -> Optional.of(TtlvItem.dateTime(tag, seconds));
            case DATE_TIME_EXTENDED -> Optional.of(TtlvItem.dateTimeExtended(tag, seconds * 1_000_000L));
            default -> Optional.empty();
        };
    }
}
