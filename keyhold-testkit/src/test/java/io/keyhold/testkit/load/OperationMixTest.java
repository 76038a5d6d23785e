package io.keyhold.testkit.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OperationMixTest {

    @Test
    void parse_singleOperation_isWeightOne() {
        OperationMix m = OperationMix.parse("Get-Attributes");

        assertThat(m.entries()).containsExactly(new OperationMix.Entry(LoadOperation.GET_ATTRIBUTES, 1));
        assertThat(m.single()).isTrue();
        assertThat(m.toString()).isEqualTo("get-attributes");
    }

    @Test
    void parse_mix_keepsOrderAndWeights() {
        OperationMix m = OperationMix.parse("mix:get=8, create=2,register=5");

        assertThat(m.entries()).containsExactly(new OperationMix.Entry(LoadOperation.GET, 8),
                new OperationMix.Entry(LoadOperation.CREATE, 2), new OperationMix.Entry(LoadOperation.REGISTER, 5));
        assertThat(m.totalWeight()).isEqualTo(15);
        assertThat(m.single()).isFalse();
        assertThat(m.contains(LoadOperation.CREATE)).isTrue();
        assertThat(m.contains(LoadOperation.LOCATE)).isFalse();
        assertThat(m.toString()).isEqualTo("mix:get=8,create=2,register=5");
    }

    @Test
    void parse_badMixes_sayWhatIsWrong() {
        assertThatThrownBy(() -> OperationMix.parse("mix:")).hasMessage("mix 'mix:' lists no operation (expected: mix:OP=WEIGHT,...)");
        assertThatThrownBy(() -> OperationMix.parse("mix:get")).hasMessage("mix entry 'get' has no weight (expected: OP=WEIGHT)");
        assertThatThrownBy(() -> OperationMix.parse("mix:get=8,")).hasMessage("mix entry '' has no weight (expected: OP=WEIGHT)");
        assertThatThrownBy(() -> OperationMix.parse("mix:get=x")).hasMessage("mix weight 'x' of get is not a whole number");
        assertThatThrownBy(() -> OperationMix.parse("mix:get=-1")).hasMessage("mix weight -1 of get (expected: 1 .. 1000000)");
        assertThatThrownBy(() -> OperationMix.parse("mix:get=0")).hasMessage("mix weight 0 of get (expected: 1 .. 1000000)");
        assertThatThrownBy(() -> OperationMix.parse("mix:get=1,get=2")).hasMessage("mix names get twice");
        assertThatThrownBy(() -> OperationMix.parse("mix:get=600000,create=600000"))
                .hasMessage("mix weights add up to 1200000 (expected: at most 1000000)");
        assertThatThrownBy(() -> OperationMix.parse("mix:get=1,handshake=1"))
                .hasMessage("handshake cannot be part of a mix (it measures connections)");
        assertThatThrownBy(() -> OperationMix.parse("mix:resume=1")).hasMessage("resume cannot be part of a mix (it measures connections)");
        assertThatThrownBy(() -> OperationMix.parse("mix:idle=2")).hasMessage("idle cannot be part of a mix (it measures connections)");
        assertThatThrownBy(() -> OperationMix.parse("mix:fly=1")).hasMessageStartingWith("unknown operation 'fly' (expected: get,");
        assertThatThrownBy(() -> OperationMix.parse("mix:mix:get=1=1")).hasMessageStartingWith("unknown operation 'mix:get'");
    }

    @Test
    void indexOf_givesEachEntryARangeAsWideAsItsWeight() {
        OperationMix m = OperationMix.parse("mix:get=8,create=2");

        for (int r = 0; r < 8; r++) {
            assertThat(m.indexOf(r)).as("draw " + r).isZero();
        }
        assertThat(m.indexOf(8)).isEqualTo(1);
        assertThat(m.indexOf(9)).isEqualTo(1);
        assertThatThrownBy(() -> m.indexOf(10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.indexOf(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<Integer> draws(OperationMix.Picker p, int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(p.next());
        }
        return out;
    }

    @Test
    void picker_sameSeedAndConnection_repeatsItsSequence_otherConnectionsDiffer() {
        OperationMix m = OperationMix.parse("mix:get=1,create=1,locate=1");

        assertThat(draws(m.picker(7, 0), 200)).isEqualTo(draws(m.picker(7, 0), 200));
        assertThat(draws(m.picker(7, 0), 200)).isNotEqualTo(draws(m.picker(7, 1), 200));
        assertThat(draws(m.picker(7, 0), 200)).isNotEqualTo(draws(m.picker(8, 0), 200));
    }

    @Test
    void picker_connections_areNotShiftedCopiesOfOneSequence() {
        OperationMix m = OperationMix.parse("mix:get=1,create=1,locate=1,register=1");
        List<Integer> first = draws(m.picker(1, 0), 201);
        for (int c = 1; c < 4; c++) {
            List<Integer> other = draws(m.picker(1, c), 200);
            for (int shift = 0; shift <= 1; shift++) {
                assertThat(other).as("connection " + c + " shifted by " + shift).isNotEqualTo(first.subList(shift, shift + 200));
            }
        }
    }

    @Test
    void picker_followsTheWeights() {
        OperationMix m = OperationMix.parse("mix:get=8,create=2");
        int[] counts = new int[2];
        OperationMix.Picker p = m.picker(1, 0);
        for (int i = 0; i < 100_000; i++) {
            counts[p.next()]++;
        }

        // a seeded sequence: the counts are fixed; the bounds say they follow the weights 8:2
        assertThat(counts[0] + counts[1]).isEqualTo(100_000);
        assertThat(counts[0]).isBetween(79_000, 81_000);
    }

    @Test
    void picker_singleOperation_alwaysDrawsIt() {
        assertThat(draws(OperationMix.of(LoadOperation.SIGN).picker(3, 2), 50)).containsOnly(0);
    }
}
