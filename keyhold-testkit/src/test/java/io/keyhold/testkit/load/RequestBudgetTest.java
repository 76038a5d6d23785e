package io.keyhold.testkit.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RequestBudgetTest {

    @Test
    void tryTake_givesExactlyTheLimit() {
        RequestBudget b = RequestBudget.of(3);

        assertThat(b.tryTake()).isTrue();
        assertThat(b.tryTake()).isTrue();
        assertThat(b.tryTake()).isTrue();
        assertThat(b.tryTake()).isFalse();
        assertThat(b.tryTake()).isFalse();
        assertThat(b.left()).isZero();
    }

    @Test
    void tryTake_manyThreads_takeTheLimitInTotal() throws Exception {
        RequestBudget b = RequestBudget.of(10_000);
        AtomicLong taken = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Thread t = new Thread(() -> {
                while (b.tryTake()) {
                    taken.incrementAndGet();
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }

        assertThat(taken.get()).isEqualTo(10_000);
    }

    @Test
    void of_nonPositive_isRefused_unlimitedNeverRunsOut() {
        assertThatThrownBy(() -> RequestBudget.of(0)).hasMessage("request limit 0 (expected: > 0)");
        assertThat(RequestBudget.unlimited().tryTake()).isTrue();
    }
}
