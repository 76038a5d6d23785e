package io.keyhold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class VectorTimePlaceholdersTest {
    private final VectorTimePlaceholders placeholders = new VectorTimePlaceholders(Instant.ofEpochSecond(1_000_000));

    @Test
    void resolve_nowWithOffsets_givesDateTimes() {
        assertThat(placeholders.resolve(Tag.TIME_STAMP, ItemType.DATE_TIME, "$NOW"))
                .contains(TtlvItem.dateTime(Tag.TIME_STAMP, 1_000_000));
        assertThat(placeholders.resolve(Tag.ACTIVATION_DATE, ItemType.DATE_TIME, "$NOW-3600"))
                .contains(TtlvItem.dateTime(Tag.ACTIVATION_DATE, 996_400));
        assertThat(placeholders.resolve(Tag.ACTIVATION_DATE, ItemType.DATE_TIME, "$NOW+60"))
                .contains(TtlvItem.dateTime(Tag.ACTIVATION_DATE, 1_000_060));
        assertThat(placeholders.resolve(Tag.TIME_STAMP, ItemType.DATE_TIME_EXTENDED, "$NOW"))
                .contains(TtlvItem.dateTimeExtended(Tag.TIME_STAMP, 1_000_000_000_000L));
    }

    @Test
    void resolve_serverValuesAndOtherTypes_stayUnresolved() {
        assertThat(placeholders.resolve(Tag.SIGNATURE_DATA, ItemType.BYTE_STRING, "$SIGNATURE_DATA")).isEmpty();
        assertThat(placeholders.resolve(Tag.BATCH_COUNT, ItemType.INTEGER, "$NOW")).isEmpty();
        assertThat(placeholders.resolve(Tag.TIME_STAMP, ItemType.DATE_TIME, "$NOWISH")).isEmpty();
    }
}
