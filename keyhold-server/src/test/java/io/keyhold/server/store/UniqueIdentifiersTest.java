package io.keyhold.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UniqueIdentifiersTest {

    @Test
    void isAVersion7UuidCarryingItsMillisecond() {
        long millis = 1_764_000_000_123L;
        UUID u = UniqueIdentifiers.next(millis, new SecureRandom());

        assertThat(u.version()).isEqualTo(7);
        assertThat(u.variant()).isEqualTo(2);
        assertThat(u.getMostSignificantBits() >>> 16).isEqualTo(millis);
        assertThat(u.toString()).hasSize(36).startsWith(String.format("%08x-%04x-7", millis >>> 16, millis & 0xFFFF));
    }

    @Test
    void laterMillisecondsSortAfterEarlierOnesAsText() {
        SecureRandom random = new SecureRandom();
        String earlier = UniqueIdentifiers.next(1_764_000_000_000L, random).toString();
        String later = UniqueIdentifiers.next(1_764_000_000_001L, random).toString();
        String muchLater = UniqueIdentifiers.next(1_900_000_000_000L, random).toString();

        assertThat(earlier).isLessThan(later);
        assertThat(later).isLessThan(muchLater);
    }

    @Test
    void identifiersOfOneMillisecondDifferInTheirRandomBits() {
        SecureRandom random = new SecureRandom();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            seen.add(UniqueIdentifiers.next(1_764_000_000_000L, random).toString());
        }
        assertThat(seen).hasSize(10_000);
    }

    @Test
    void nextParsesAsAUuid() {
        String uid = UniqueIdentifiers.next();
        assertThat(UUID.fromString(uid).version()).isEqualTo(7);
        assertThat(UUID.fromString(uid).toString()).isEqualTo(uid);
    }
}
