package io.keyhold.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void tryTake_allowsOneSecondsWorthAtOnce_thenRefusesUntilRefilled() {
        TokenBucket b = new TokenBucket(3, 0);
        assertThat(b.tryTake(0)).isTrue();
        assertThat(b.tryTake(0)).isTrue();
        assertThat(b.tryTake(0)).isTrue();
        assertThat(b.tryTake(0)).isFalse();
        assertThat(b.tryTake(SECOND / 3 - 1)).as("not yet a whole token").isFalse();
        assertThat(b.tryTake(SECOND / 3 + 1)).isTrue();
        assertThat(b.tryTake(SECOND / 3 + 2)).isFalse();
    }

    @Test
    void refill_neverExceedsTheCapacity() {
        TokenBucket b = new TokenBucket(2, 0);
        assertThat(b.isFull(0)).isTrue();
        assertThat(b.tryTake(100 * SECOND)).isTrue();
        assertThat(b.tryTake(100 * SECOND)).isTrue();
        assertThat(b.tryTake(100 * SECOND)).as("an idle hour does not bank more than a second").isFalse();
        assertThat(b.isFull(100 * SECOND)).isFalse();
        assertThat(b.isFull(101 * SECOND)).isTrue();
    }

    @Test
    void timeGoingBackwards_addsNothing() {
        TokenBucket b = new TokenBucket(1, 10 * SECOND);
        assertThat(b.tryTake(10 * SECOND)).isTrue();
        assertThat(b.tryTake(5 * SECOND)).isFalse();
    }

    @Test
    void rateBelowOne_isRefused() {
        assertThatThrownBy(() -> new TokenBucket(0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rate: 0 (expected: >= 1)");
    }
}
