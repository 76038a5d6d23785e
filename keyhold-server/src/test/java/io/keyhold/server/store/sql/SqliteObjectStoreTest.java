package io.keyhold.server.store.sql;

import static io.keyhold.server.store.ObjectStoreContract.attr;
import static io.keyhold.server.store.ObjectStoreContract.key;
import static io.keyhold.server.store.ObjectStoreContract.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.State;
import io.keyhold.server.security.MasterKey;
import io.keyhold.server.store.LocateQuery;
import io.keyhold.server.store.ReadTransaction;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoreException;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.testing.TestMasterKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the SQLite store does beyond the contract: durability, group commit, concurrency, migrations. */
class SqliteObjectStoreTest {
    private static final LocateQuery ALL = new LocateQuery(null, List.of(), EnumSet.allOf(StorageStatus.class), 0, -1);

    @TempDir
    Path dir;

    private final MasterKey masterKey = TestMasterKeys.ephemeral();

    private Path db() {
        return dir.resolve("data").resolve("keyhold.db");
    }

    private static void insert(SqlObjectStore store, StoredObject o) throws KmipException {
        store.write(tx -> {
            tx.insert(o);
            return null;
        });
    }

    private static Optional<StoredObject> find(SqlObjectStore store, String uid) throws KmipException {
        return store.read(tx -> tx.get(uid));
    }

    /** Waits inside a transaction work, which may throw only KmipException. */
    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static List<String> all(SqlObjectStore store) throws KmipException {
        return store.read(tx -> tx.locate(ALL));
    }

    private static long countAll(SqlObjectStore store) throws KmipException {
        return store.read(tx -> tx.count(ALL));
    }

    private Connection raw() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + db());
    }

    private String pragma(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void open_newFile_createsDirectorySchemaAndWal() throws Exception {
        try (SqlObjectStore store = SqlObjectStore.open(db(), masterKey)) {
            assertThat(Files.exists(db())).isTrue();
        }
        try (Connection c = raw(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, description, checksum FROM schema_version ORDER BY version")) {
            for (SchemaMigrator.Migration m : SchemaMigrator.MIGRATIONS) {
                assertThat(rs.next()).as("migration " + m.resource()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(m.version());
                assertThat(rs.getString(2)).isEqualTo(m.description());
                assertThat(rs.getString(3)).hasSize(64);
            }
            assertThat(rs.next()).isFalse();
            assertThat(pragma(c, "journal_mode")).isEqualTo("wal");
        }
    }

    @Test
    void open_connections_areDurableWalWithForeignKeys() throws Exception {
        try (SqlObjectStore store = SqlObjectStore.open(db(), masterKey)) {
            List<String> writer = store.write(tx -> settings((SqlTransaction) tx));
            List<String> reader = store.read(tx -> settings((SqlTransaction) tx));

            // synchronous: 2 = FULL
            assertThat(writer).containsExactly("wal", "2", "1", "5000");
            assertThat(reader).containsExactly("wal", "2", "1", "5000");
        }
    }

    private static List<String> settings(SqlTransaction tx) {
        return List.of(tx.pragma("journal_mode"), tx.pragma("synchronous"), tx.pragma("foreign_keys"),
                tx.pragma("busy_timeout"));
    }

    @Test
    void close_thenReopen_keepsEveryObject() throws Exception {
        StoredObject k1 = key("k1", "alice", State.ACTIVE, attr("Name", name("one")));
        StoredObject k2 = key("k2", "bob", State.DESTROYED).withObject(null).withStorageStatus(StorageStatus.ARCHIVED);
        try (SqlObjectStore store = SqlObjectStore.open(db(), masterKey)) {
            insert(store, k1);
            insert(store, k2);
        }
        try (SqlObjectStore store = SqlObjectStore.open(db(), masterKey)) {
            assertThat(find(store, "k1")).contains(k1);
            assertThat(find(store, "k2")).contains(k2);
            LocateQuery named = new LocateQuery(null, List.of(new LocateQuery.Equals("Name", name("one"))),
                    EnumSet.of(StorageStatus.ONLINE), 0, -1);
            List<String> found = store.read(tx -> tx.locate(named));
            assertThat(found).containsExactly("k1");
            insert(store, key("k3", "alice", State.ACTIVE));
            assertThat(all(store)).containsExactly("k1", "k2", "k3");
        }
    }

    @Test
    void close_checkpointsTheWalAndRemovesIt() throws Exception {
        try (SqlObjectStore store = SqlObjectStore.open(db(), masterKey)) {
            insert(store, key("k1", "alice", State.ACTIVE));
            store.read(tx -> tx.get("k1"));
            assertThat(Files.exists(Path.of(db() + "-wal"))).isTrue();
        }
        assertThat(Files.exists(Path.of(db() + "-wal"))).as("WAL left after a clean close").isFalse();
    }

    @Test
    void open_schemaNewerThanCode_isRefused() throws Exception {
        SqlObjectStore.open(db(), masterKey).close();
        try (Connection c = raw(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO schema_version VALUES (" + (SchemaMigrator.latestVersion() + 1)
                    + ", 'future', '2030-01-01T00:00:00Z', 'abc')");
        }

        assertThatThrownBy(() -> SqlObjectStore.open(db(), masterKey))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("schema version " + (SchemaMigrator.latestVersion() + 1))
                .hasMessageContaining("newer");
    }

    @Test
    void open_appliedMigrationChanged_isRefused() throws Exception {
        SqlObjectStore.open(db(), masterKey).close();
        try (Connection c = raw(); Statement s = c.createStatement()) {
            s.execute("UPDATE schema_version SET checksum = 'tampered' WHERE version = 1");
        }

        assertThatThrownBy(() -> SqlObjectStore.open(db(), masterKey))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("V1__objects.sql")
                .hasMessageContaining("changed after it was applied");
    }

    @Test
    void open_notADatabase_throwsStoreException() throws Exception {
        Files.createDirectories(db().getParent());
        Files.writeString(db(), "this is not a database file, just some text that is long enough to matter".repeat(20));

        assertThatThrownBy(() -> SqlObjectStore.open(db(), masterKey)).isInstanceOf(StoreException.class)
                .hasMessageContaining("keyhold.db");
    }

    @Test
    void write_manyThreads_allLandAndCommitsAreGrouped() throws Exception {
        int threads = 16;
        int perThread = 200;
        try (SqlObjectStore store = SqlObjectStore.open(db(), masterKey)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    futures.add(pool.submit(() -> {
                        for (int i = 0; i < perThread; i++) {
                            insert(store, key("t" + thread + "-" + i, "alice", State.ACTIVE));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }

            assertThat(countAll(store)).isEqualTo((long) threads * perThread);
            SqlObjectStore.Stats stats = store.stats();
            assertThat(stats.transactions()).isEqualTo((long) threads * perThread);
            assertThat(stats.commits()).isLessThan(stats.transactions());
            assertThat(stats.largestGroup()).isGreaterThan(1).isLessThanOrEqualTo(threads);
            // each thread's objects were stored in the order it wrote them
            List<String> order = store.read(tx -> tx.locate(ALL));
            List<String> thread3 = order.stream().filter(u -> u.startsWith("t3-")).toList();
            assertThat(thread3).hasSize(perThread).startsWith("t3-0", "t3-1", "t3-2").endsWith("t3-199");
        }
    }

    @Test
    void write_failingWorkInGroup_isRolledBackAloneAndOthersCommit() throws Exception {
        try (SqlObjectStore store = SqlObjectStore.open(db(), masterKey)) {
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                Future<?> blocker = pool.submit(() -> store.write(tx -> {
                    tx.insert(key("first", "alice", State.ACTIVE));
                    holding.countDown();
                    await(release);
                    return null;
                }));
                assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
                long commitsBefore = store.stats().commits();

                List<Future<?>> good = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    String uid = "good" + i;
                    good.add(pool.submit(() -> {
                        insert(store, key(uid, "alice", State.ACTIVE));
                        return null;
                    }));
                }
                KmipException refusal = new KmipException(ResultReason.PERMISSION_DENIED, "refused");
                Future<?> bad = pool.submit(() -> store.write(tx -> {
                    tx.insert(key("bad", "alice", State.ACTIVE));
                    tx.update(key("good0", "alice", State.COMPROMISED)); // sees good0 if it ran first; either way undone
                    throw refusal;
                }));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (store.queuedWrites() < 5 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertThat(store.queuedWrites()).isEqualTo(5);
                release.countDown();

                blocker.get(10, TimeUnit.SECONDS);
                for (Future<?> f : good) {
                    f.get(10, TimeUnit.SECONDS);
                }
                assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS)).hasCauseReference(refusal);
                assertThat(store.stats().commits() - commitsBefore).isEqualTo(2);
                assertThat(store.stats().largestGroup()).isEqualTo(5);
            } finally {
                pool.shutdownNow();
            }

            assertThat(all(store))
                    .containsExactlyInAnyOrder("first", "good0", "good1", "good2", "good3");
            assertThat(find(store, "good0").orElseThrow().state()).isEqualTo(State.ACTIVE.value());
        }
    }

    @Test
    void read_whileWriteInProgress_proceedsAndSeesLastCommittedState() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (SqlObjectStore store = SqlObjectStore.open(db(), masterKey)) {
            insert(store, key("k1", "alice", State.ACTIVE));
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Future<?> writing = pool.submit(() -> store.write(tx -> {
                tx.insert(key("k2", "alice", State.ACTIVE));
                tx.update(key("k1", "alice", State.DEACTIVATED));
                holding.countDown();
                await(release);
                return null;
            }));
            try {
                assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();

                Future<List<String>> reading = pool.submit(() -> store.read(tx -> {
                    List<String> out = new ArrayList<>(tx.locate(ALL));
                    out.add(String.valueOf(tx.get("k1").orElseThrow().state()));
                    return out;
                }));
                assertThat(reading.get(10, TimeUnit.SECONDS)).containsExactly("k1", String.valueOf(State.ACTIVE.value()));
            } finally {
                release.countDown();
            }
            writing.get(10, TimeUnit.SECONDS);
            assertThat(all(store)).containsExactly("k1", "k2");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void read_snapshotHoldsForWholeTransaction() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (SqlObjectStore store = SqlObjectStore.open(db(), masterKey)) {
            insert(store, key("k1", "alice", State.ACTIVE));
            List<Long> counts = store.read(tx -> {
                long before = tx.count(ALL);
                try {
                    pool.submit(() -> {
                        insert(store, key("k2", "alice", State.ACTIVE));
                        return null;
                    }).get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                return List.of(before, tx.count(ALL));
            });
            assertThat(counts).containsExactly(1L, 1L);
            assertThat(countAll(store)).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void write_fromInsideWrite_isRefused() throws Exception {
        try (SqlObjectStore store = SqlObjectStore.open(db(), masterKey)) {
            assertThatThrownBy(() -> store.write(tx -> store.write(inner -> null)))
                    .isInstanceOf(IllegalStateException.class);
            insert(store, key("k1", "alice", State.ACTIVE));
            assertThat(find(store, "k1")).isPresent();
        }
    }

    @Test
    void close_fromInsideWrite_isRefused() throws Exception {
        try (SqlObjectStore store = SqlObjectStore.open(db(), masterKey)) {
            assertThatThrownBy(() -> store.write(tx -> {
                store.close();
                return null;
            })).isInstanceOf(IllegalStateException.class);
            insert(store, key("k1", "alice", State.ACTIVE));
            assertThat(all(store)).containsExactly("k1");
        }
    }

    @Test
    void transaction_usedAfterItsWork_isRefused() throws Exception {
        try (SqlObjectStore store = SqlObjectStore.open(db(), masterKey)) {
            ReadTransaction leaked = store.read(tx -> tx);
            assertThatThrownBy(() -> leaked.get("k1")).isInstanceOf(IllegalStateException.class);
            ReadTransaction leakedWrite = store.write(tx -> tx);
            assertThatThrownBy(() -> leakedWrite.count(ALL)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void close_finishesQueuedWritesThenRefusesCalls() throws Exception {
        SqlObjectStore store = SqlObjectStore.open(db(), masterKey);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> first = pool.submit(() -> store.write(tx -> {
                tx.insert(key("k1", "alice", State.ACTIVE));
                holding.countDown();
                await(release);
                return null;
            }));
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            Future<?> queued = pool.submit(() -> {
                insert(store, key("k2", "alice", State.ACTIVE));
                return null;
            });
            while (store.queuedWrites() < 1) {
                Thread.sleep(5);
            }
            AtomicReference<Throwable> closeFailure = new AtomicReference<>();
            Thread closer = new Thread(() -> {
                try {
                    store.close();
                } catch (Throwable t) {
                    closeFailure.set(t);
                }
            });
            closer.start();
            Thread.sleep(50);
            release.countDown();
            closer.join(10_000);
            assertThat(closer.isAlive()).isFalse();
            assertThat(closeFailure.get()).isNull();
            first.get(10, TimeUnit.SECONDS);
            queued.get(10, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        assertThatThrownBy(() -> store.read(tx -> tx.count(ALL))).isInstanceOf(StoreException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> insert(store, key("k3", "alice", State.ACTIVE))).isInstanceOf(StoreException.class)
                .hasMessageContaining("closed");
        store.close(); // idempotent
        try (SqlObjectStore reopened = SqlObjectStore.open(db(), masterKey)) {
            assertThat(all(reopened)).containsExactly("k1", "k2");
        }
    }

    @Test
    void write_databaseLockedByAnotherProcess_failsWholeGroupWithStoreExceptionThenRecovers() throws Exception {
        try (SqlObjectStore store = SqlObjectStore.open(db(), masterKey, new SqlObjectStore.Options(2, 64, 100))) {
            insert(store, key("k1", "alice", State.ACTIVE));
            try (Connection other = raw(); Statement s = other.createStatement()) {
                s.execute("BEGIN IMMEDIATE"); // holds the write lock, as another process could

                assertThatThrownBy(() -> insert(store, key("k2", "alice", State.ACTIVE)))
                        .isInstanceOf(StoreException.class)
                        .hasMessageContaining("write transaction(s) failed")
                        .hasMessageNotContaining("Key Material");
                s.execute("ROLLBACK");
            }
            insert(store, key("k3", "alice", State.ACTIVE));
            assertThat(all(store)).containsExactly("k1", "k3");
        }
    }

    @Test
    void get_corruptStoredAttributes_throwsStoreExceptionNamingTheObject() throws Exception {
        try (SqlObjectStore store = SqlObjectStore.open(db(), masterKey)) {
            insert(store, key("k1", "alice", State.ACTIVE));
            try (Connection c = raw(); Statement s = c.createStatement()) {
                s.execute("UPDATE managed_object SET attributes = x'4200010100000010' WHERE uid = 'k1'");
            }

            assertThatThrownBy(() -> find(store, "k1")).isInstanceOf(StoreException.class)
                    .hasMessageStartingWith("object k1: stored attributes column");
            assertThat(all(store)).containsExactly("k1"); // the index rows still answer Locate
        }
    }

    @Test
    void options_invalidValues_areRejected() {
        assertThatThrownBy(() -> new SqlObjectStore.Options(0, 10, 100)).hasMessageContaining("readerPoolSize: 0");
        assertThatThrownBy(() -> new SqlObjectStore.Options(1, 0, 100)).hasMessageContaining("maxGroupSize: 0");
    }

    @Test
    void write_groupBound_limitsGroupSize() throws Exception {
        try (SqlObjectStore store = SqlObjectStore.open(db(), masterKey, new SqlObjectStore.Options(2, 3, 1000))) {
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                Future<?> blocker = pool.submit(() -> store.write(tx -> {
                    holding.countDown();
                    await(release);
                    return null;
                }));
                assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
                List<Future<?>> writes = new ArrayList<>();
                for (int i = 0; i < 7; i++) {
                    String uid = "k" + i;
                    writes.add(pool.submit(() -> {
                        insert(store, key(uid, "alice", State.ACTIVE));
                        return null;
                    }));
                }
                while (store.queuedWrites() < 7) {
                    Thread.sleep(5);
                }
                release.countDown();
                blocker.get(10, TimeUnit.SECONDS);
                for (Future<?> f : writes) {
                    f.get(10, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(store.stats()).isEqualTo(new SqlObjectStore.Stats(8, 4, 3));
        }
    }
}
