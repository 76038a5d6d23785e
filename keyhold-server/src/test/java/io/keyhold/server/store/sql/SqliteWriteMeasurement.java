package io.keyhold.server.store.sql;

import static io.keyhold.server.store.ObjectStoreContract.key;

import io.keyhold.protocol.spec.State;
import io.keyhold.server.testing.TestMasterKeys;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A quick measurement, not a benchmark: durable inserts per second with and without group commit.
 * Run with {@code -Dkeyhold.measure=true -Dtest=SqliteWriteMeasurement}.
 */
@EnabledIfSystemProperty(named = "keyhold.measure", matches = "true")
class SqliteWriteMeasurement {
    @TempDir
    Path dir;

    @Test
    void measure() throws Exception {
        for (int threads : new int[] {1, 4, 16, 64}) {
            for (int maxGroup : new int[] {1, 256}) {
                run(threads, maxGroup, 4000 / threads);
            }
        }
    }

    private void run(int threads, int maxGroup, int perThread) throws Exception {
        Path db = dir.resolve("m-" + threads + "-" + maxGroup + ".db");
        try (SqlObjectStore store = SqlObjectStore.open(db, TestMasterKeys.ephemeral(), new SqlObjectStore.Options(4, maxGroup, 5000))) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long start = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        String uid = "t" + thread + "-" + i;
                        store.write(tx -> {
                            tx.insert(key(uid, "alice", State.ACTIVE));
                            return null;
                        });
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            pool.shutdown();
            SqlObjectStore.Stats s = store.stats();
            System.out.printf("threads=%d maxGroup=%d: %d tx in %.2f s = %.0f tx/s, %d commits (%.1f tx/commit, largest %d)%n",
                    threads, maxGroup, s.transactions(), seconds, s.transactions() / seconds, s.commits(),
                    (double) s.transactions() / s.commits(), s.largestGroup());
        }
    }
}
