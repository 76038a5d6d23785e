package io.keyhold.server.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.server.store.LocateQuery;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.testing.TestMasterKeys;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a JVM that is writing (SIGKILL, no shutdown hooks) and checks that every write it acknowledged
 * is in the database, complete, and that no transaction survived in part.
 */
class SqliteCrashTest {
    private static final int ACKS_BEFORE_KILL = 400;

    @TempDir
    Path dir;

    @Test
    void killDuringWrites_everyAcknowledgedWriteSurvivesWhole() throws Exception {
        Path db = dir.resolve("crash.db");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                SqliteCrashLoad.class.getName(), db.toString(), "6")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<String> acknowledged = new ArrayList<>();
        CountDownLatch enough = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.equals("ready")) {
                        continue;
                    }
                    synchronized (acknowledged) {
                        acknowledged.add(line);
                        if (acknowledged.size() >= ACKS_BEFORE_KILL) {
                            enough.countDown();
                        }
                    }
                }
            } catch (java.io.IOException e) {
                // the pipe closes when the child dies
            }
        });
        reader.start();
        try {
            assertThat(enough.await(120, TimeUnit.SECONDS)).as("child acknowledged writes").isTrue();
        } finally {
            child.destroyForcibly(); // SIGKILL while the writers are busy
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        reader.join(30_000);
        List<String> acks;
        synchronized (acknowledged) {
            acks = List.copyOf(acknowledged);
        }
        assertThat(acks).hasSizeGreaterThanOrEqualTo(ACKS_BEFORE_KILL);

        try (SqlObjectStore store = SqlObjectStore.open(db, TestMasterKeys.fixed())) {
            for (String uid : acks) {
                for (String u : List.of(uid, uid + "-pair")) {
                    Optional<StoredObject> found = store.read(tx -> tx.get(u));
                    assertThat(found).as(u).contains(SqliteCrashLoad.objectFor(u));
                }
            }
            // nothing half-written: every transaction's pair is there together, every row decodes
            LocateQuery all = new LocateQuery(null, List.of(), EnumSet.allOf(StorageStatus.class), 0, -1);
            List<String> stored = store.read(tx -> tx.locate(all));
            assertThat(stored.size()).isEven().isGreaterThanOrEqualTo(2 * acks.size());
            for (String u : stored) {
                String base = u.endsWith("-pair") ? u.substring(0, u.length() - "-pair".length()) : u;
                assertThat(stored).contains(base, base + "-pair");
                Optional<StoredObject> found = store.read(tx -> tx.get(u));
                assertThat(found).as(u).contains(SqliteCrashLoad.objectFor(u));
            }
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("ok");
            }
            Map<String, Integer> indexRows = new HashMap<>();
            try (ResultSet rs = s.executeQuery("SELECT m.uid, count(a.seq) FROM managed_object m "
                    + "LEFT JOIN attribute_value a ON a.seq = m.seq GROUP BY m.seq")) {
                while (rs.next()) {
                    indexRows.put(rs.getString(1), rs.getInt(2));
                }
            }
            int expected = SqliteCrashLoad.objectFor("x").attributes().size();
            assertThat(indexRows.values()).isNotEmpty().allMatch(n -> n == expected);
            try (ResultSet rs = s.executeQuery(
                    "SELECT count(*) FROM attribute_value WHERE seq NOT IN (SELECT seq FROM managed_object)")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }
}
