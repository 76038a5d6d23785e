package io.keyhold.testkit.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyRecorderTest {

    @Test
    void percentileMillis_usesNearestRankOverAllRecorders() {
        LatencyRecorder a = new LatencyRecorder();
        LatencyRecorder b = new LatencyRecorder();
        for (int ms = 1000; ms >= 1; ms--) { // 1..1000 ms, unsorted, split over two threads' recorders
            (ms % 2 == 0 ? a : b).record(ms * 1_000_000L);
        }
        long[] sorted = LatencyRecorder.mergeSorted(List.of(a, b));

        assertThat(sorted).hasSize(1000);
        assertThat(LatencyRecorder.percentileMillis(sorted, 0.50)).isEqualTo(500.0);
        assertThat(LatencyRecorder.percentileMillis(sorted, 0.90)).isEqualTo(900.0);
        assertThat(LatencyRecorder.percentileMillis(sorted, 0.99)).isEqualTo(990.0);
        assertThat(LatencyRecorder.percentileMillis(sorted, 0.999)).isEqualTo(999.0);
        assertThat(LatencyRecorder.percentileMillis(sorted, 1.0)).isEqualTo(1000.0);
    }

    @Test
    void record_growsBeyondInitialCapacity() {
        LatencyRecorder r = new LatencyRecorder();
        for (int i = 0; i < 10_000; i++) {
            r.record(i);
        }
        long[] sorted = LatencyRecorder.mergeSorted(List.of(r));

        assertThat(r.count()).isEqualTo(10_000);
        assertThat(sorted[0]).isZero();
        assertThat(sorted[9_999]).isEqualTo(9_999);
    }

    @Test
    void percentileMillis_empty_isNaN() {
        assertThat(LatencyRecorder.percentileMillis(new long[0], 0.5)).isNaN();
    }

    @Test
    void percentileMillis_smallSamples_takeTheNearestRankAbove() {
        long[] sorted = {1_000_000L, 2_000_000L, 3_000_000L, 4_000_000L}; // 1..4 ms

        assertThat(LatencyRecorder.percentileMillis(sorted, 0.25)).isEqualTo(1.0);
        assertThat(LatencyRecorder.percentileMillis(sorted, 0.50)).isEqualTo(2.0);
        assertThat(LatencyRecorder.percentileMillis(sorted, 0.51)).isEqualTo(3.0);
        assertThat(LatencyRecorder.percentileMillis(sorted, 0.99)).isEqualTo(4.0);
        assertThat(LatencyRecorder.percentileMillis(new long[] {1_500_000L}, 0.999)).isEqualTo(1.5);
    }
}
