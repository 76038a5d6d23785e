package io.keyhold.server.store.sql;

import static io.keyhold.server.store.ObjectStoreContract.attr;
import static io.keyhold.server.store.ObjectStoreContract.key;
import static io.keyhold.server.store.ObjectStoreContract.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.audit.AuditChain;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.audit.AuditRecord;
import io.keyhold.server.audit.AuditVerifier;
import io.keyhold.server.security.MasterKey;
import io.keyhold.server.store.ApiToken;
import io.keyhold.server.store.Grant;
import io.keyhold.server.store.LocateQuery;
import io.keyhold.server.store.RetiredCredential;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoreException;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.testing.TestMasterKeys;
import io.keyhold.server.testing.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DatabaseCopy}: SQLite to PostgreSQL and back keeps every object, grant, user, token, retired credential
 * and the audit chain.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DatabaseCopyTest {
    private static final LocateQuery ALL = new LocateQuery(null, List.of(), EnumSet.allOf(StorageStatus.class), 0, -1);
    private static final int OBJECTS = 40;

    @TempDir
    Path dir;

    private final MasterKey masterKey = TestMasterKeys.ephemeral();

    /** Everything a store holds, as read through it and as its tables hold it. */
    record Contents(List<String> uids, Map<String, StoredObject> objects, List<Grant> grants,
                    Map<String, Optional<String>> users, List<String> tokens, List<List<Object>> masterKeyState,
                    List<List<Object>> seqs, List<AuditRecord> audit, AuditChain.Head head,
                    List<io.keyhold.server.store.RotationPolicy> rotationPolicies, Map<String, Long> uses,
                    List<RetiredCredential> retiredCredentials) {}

    // ---- fixtures -------------------------------------------------------------------------------

    private Database.Sqlite sqlite(String name) {
        return Database.sqlite(dir.resolve(name));
    }

    private SqlObjectStore open(Database database) {
        return SqlObjectStore.open(database, io.keyhold.server.security.MasterKeyRing.of(masterKey),
                SqlObjectStore.Options.DEFAULTS);
    }

    /**
     * Objects (some destroyed, some archived, one removed), grants, users, tokens, retired credentials and
     * audit records.
     */
    private void fill(Database database) throws Exception {
        try (SqlObjectStore store = open(database)) {
            for (int i = 0; i < OBJECTS; i++) {
                String uid = "k" + i;
                StoredObject o = key(uid, i % 3 == 0 ? "alice" : "bob", i % 5 == 0 ? State.DESTROYED : State.ACTIVE,
                        attr("Name", name("key " + i)),
                        attr("Object Group", TtlvItem.text(Tag.OBJECT_GROUP, i % 2 == 0 ? "even" : "odd")));
                if (i % 5 == 0) {
                    o = o.withObject(null);
                }
                if (i % 7 == 0) {
                    o = o.withStorageStatus(StorageStatus.ARCHIVED);
                }
                StoredObject inserted = o;
                store.write(tx -> {
                    tx.insert(inserted);
                    tx.appendAudit(AuditEvent.change(Instant.ofEpochMilli(1_770_000_000_000L + inserted.hashCode() % 1000),
                            "operator test", "local", "Register", List.of(inserted.uniqueIdentifier()), "registered"));
                    return null;
                });
            }
            store.write(tx -> {
                tx.insert(key("gone", "alice", State.ACTIVE));
                for (int i = 0; i < 12; i++) {
                    tx.insertGrant(new Grant(Grant.TargetKind.OBJECT, "k" + i, Grant.GranteeKind.IDENTITY, "client" + i,
                            i % 2 == 0 ? "Get" : Grant.ALL_OPERATIONS), 1_770_000_000L + i);
                }
                tx.insertGrant(new Grant(Grant.TargetKind.OBJECT_GROUP, "even", Grant.GranteeKind.GROUP, "ops", "Get"),
                        1_770_000_100L);
                tx.putUser("alice", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", 1_770_000_200L);
                tx.putUser("bob", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdDI$aGFzaDI", 1_770_000_201L);
                tx.insertApiToken(new ApiToken("t1", "alice", new byte[32], "{\"rights\":[]}", "backup job",
                        Instant.ofEpochSecond(1_770_000_300L), null, null, null));
                tx.insertApiToken(new ApiToken("t2", "bob", filled(32, 7), "{\"rights\":[]}", "",
                        Instant.ofEpochSecond(1_770_000_301L), Instant.ofEpochSecond(1_790_000_000L),
                        Instant.ofEpochSecond(1_770_000_400L), Instant.ofEpochSecond(1_770_000_350L)));
                tx.insertRotationPolicy(new io.keyhold.server.store.RotationPolicy("metered", "even", null, null, null,
                        3_600L, 1_770_000_500L, 1_000L));
                tx.insertRotationPolicy(new io.keyhold.server.store.RotationPolicy("daily", "odd", null, null, 86_400,
                        null, 1_770_000_501L));
                tx.addObjectUses(Map.of("k1", 42L, "k2", 7L));
                for (RetiredCredential c : RETIRED) {
                    tx.insertRetiredCredential(c);
                }
                return null;
            });
            List<AuditEvent> events = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                events.add(new AuditEvent(Instant.ofEpochMilli(1_770_000_500_000L + i), "client" + i, "127.0.0.1:9",
                        "2.1", i % 4 == 0 ? null : "Get", List.of("k" + i, "k" + (i + 1)), 2, "Success", null, null));
            }
            store.appendAudit(events, true);
        }
        // the object with the highest seq removed: a copy must not hand its seq out again
        exec(database, "DELETE FROM attribute_value WHERE seq = (SELECT seq FROM managed_object WHERE uid = 'gone')",
                "DELETE FROM managed_object WHERE uid = 'gone'");
    }

    /** Retired credentials: with replacements (one of awkward text), and without any. */
    private static final List<RetiredCredential> RETIRED = List.of(
            new RetiredCredential("a".repeat(64), "client1", Instant.ofEpochSecond(1_770_000_600L),
                    Instant.ofEpochSecond(1_770_086_400L), List.of("k3", "k4, with comma and space", "k5")),
            new RetiredCredential("b".repeat(64), "client2", Instant.ofEpochSecond(1_770_000_600L),
                    Instant.ofEpochSecond(1_770_000_600L), List.of()),
            new RetiredCredential("0".repeat(64), "client3", Instant.ofEpochSecond(1_770_000_700L),
                    Instant.ofEpochSecond(1_770_001_000L), List.of("k6")));

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static Connection connect(Database database) throws SQLException {
        return database instanceof Database.Sqlite s ? SqliteConnections.connect(s.file(), 5000, false)
                : PostgresConnections.connect((Database.Postgres) database);
    }

    private static void exec(Database database, String... statements) throws SQLException {
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private static List<List<Object>> rows(Database database, String sql) throws SQLException {
        List<List<Object>> out = new ArrayList<>();
        try (Connection c = connect(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    row.add(v instanceof Number n ? (Object) n.longValue() : v instanceof byte[] b ? Arrays.toString(b) : v);
                }
                out.add(row);
            }
        }
        return out;
    }

    private Contents contents(Database database) throws Exception {
        List<AuditRecord> audit = new ArrayList<>();
        AuditVerifier verifier = new AuditVerifier();
        AuditVerifier.Result verified;
        try (SqlAuditLog log = SqlAuditLog.open(database)) {
            verified = verifier.finish(log.scan(r -> {
                audit.add(r);
                return verifier.accept(r);
            }));
        }
        assertThat(verified.problem()).as("audit chain of %s", database).isEmpty();
        try (SqlObjectStore store = open(database)) {
            return store.read(tx -> {
                List<String> uids = tx.locate(ALL);
                Map<String, StoredObject> objects = new LinkedHashMap<>();
                for (String uid : uids) {
                    objects.put(uid, tx.get(uid).orElseThrow());
                }
                Map<String, Optional<String>> users = new LinkedHashMap<>();
                for (String u : tx.usernames()) {
                    users.put(u, tx.passwordHash(u));
                }
                List<String> tokens = tx.apiTokens().stream().map(t -> t + " " + Arrays.toString(t.secretHash())).toList();
                try {
                    return new Contents(uids, objects, tx.grants(), users, tokens,
                            rows(database, "SELECT * FROM master_key_state"),
                            rows(database, "SELECT seq, uid FROM managed_object ORDER BY seq"), audit, verified.head(),
                            tx.rotationPolicies(), Map.of("k1", tx.objectUses("k1"), "k2", tx.objectUses("k2"),
                                    "k3", tx.objectUses("k3")), tx.retiredCredentialsSince(Instant.EPOCH));
                } catch (SQLException e) {
                    throw new AssertionError(e);
                }
            });
        }
    }

    private long seqOf(Database database, String uid) throws SQLException {
        return (Long) rows(database, "SELECT seq FROM managed_object WHERE uid = '" + uid + "'").get(0).get(0);
    }

    private void insertNew(Database database, String uid) throws KmipException {
        try (SqlObjectStore store = open(database)) {
            store.write(tx -> {
                tx.insert(key(uid, "carol", State.ACTIVE));
                return null;
            });
        }
    }

    // ---- tests ----------------------------------------------------------------------------------

    @Test
    void sqliteToPostgresToSqlite_keepsEveryObjectGrantUserTokenAndTheAuditChain() throws Exception {
        Database.Sqlite first = sqlite("first.db");
        fill(first);
        Contents original = contents(first);
        assertThat(original.objects()).hasSize(OBJECTS);
        assertThat(original.audit()).hasSize(OBJECTS + 25);
        assertThat(original.uses()).containsEntry("k1", 42L).containsEntry("k3", 0L);
        assertThat(original.rotationPolicies()).hasSize(2);
        assertThat(original.retiredCredentials()).containsExactly(RETIRED.get(0), RETIRED.get(1), RETIRED.get(2));
        long goneSeq = OBJECTS + 1;

        try (TestPostgres pg = TestPostgres.create()) {
            Map<String, List<long[]>> seen = new LinkedHashMap<>();
            DatabaseCopy.Result toPostgres = DatabaseCopy.of(first, pg.database()).batchRows(7)
                    .progress((table, done, total) -> seen.computeIfAbsent(table, t -> new ArrayList<>())
                            .add(new long[] {done, total}))
                    .run();
            assertThat(toPostgres.rows()).containsEntry("managed_object", (long) OBJECTS)
                    .containsEntry("audit_record", (long) OBJECTS + 25).containsEntry("api_tokens", 2L)
                    .containsEntry("rotation_policy", 2L).containsEntry("object_usage", 2L)
                    .containsEntry("retired_credentials", 3L).containsEntry("retired_credential_replacements", 4L);
            assertThat(seen.keySet()).containsExactlyElementsOf(DatabaseCopy.tableNames());
            assertThat(seen.get("managed_object")).extracting(p -> p[0])
                    .containsExactly(0L, 7L, 14L, 21L, 28L, 35L, 40L);
            seen.values().forEach(calls -> assertThat(calls.get(calls.size() - 1)[0])
                    .isEqualTo(calls.get(calls.size() - 1)[1]));

            Contents inPostgres = contents(pg.database());
            assertThat(inPostgres).isEqualTo(original);

            Database.Sqlite back = sqlite("back.db");
            DatabaseCopy.of(pg.database(), back).batchRows(5).run();
            assertThat(contents(back)).isEqualTo(original);

            // new objects continue after every seq the source handed out, also the removed object's
            insertNew(pg.database(), "new-in-postgres");
            insertNew(back, "new-in-sqlite");
            assertThat(seqOf(pg.database(), "new-in-postgres")).isGreaterThan(goneSeq);
            assertThat(seqOf(back, "new-in-sqlite")).isGreaterThan(goneSeq);
            try (SqlObjectStore store = open(pg.database())) {
                assertThat(store.read(tx -> tx.get("k1")).orElseThrow().object())
                        .isEqualTo(original.objects().get("k1").object());
                boolean again = store.write(tx -> tx.insertRetiredCredential(RETIRED.get(0)));
                assertThat(again).as("the copied fingerprint is recorded").isFalse();
            }
        }
    }

    @Test
    void sqliteSourceWrittenDuringTheCopy_isCopiedAsOneSnapshot() throws Exception {
        Database.Sqlite source = sqlite("source.db");
        fill(source);
        copyWhileWriting(source, sqlite("target.db"));
    }

    @Test
    void postgresSourceWrittenDuringTheCopy_isCopiedAsOneSnapshot() throws Exception {
        try (TestPostgres pg = TestPostgres.create()) {
            fill(pg.database());
            copyWhileWriting(pg.database(), sqlite("target.db"));
        }
    }

    /** After every batch, the source's store commits a new object with its audit record: none is in the copy. */
    private void copyWhileWriting(Database source, Database target) throws Exception {
        Contents before = contents(source);
        AtomicLong written = new AtomicLong();
        try (SqlObjectStore running = open(source)) {
            DatabaseCopy.of(source, target).batchRows(4).progress((table, done, total) -> {
                String uid = "during-" + written.incrementAndGet();
                try {
                    running.write(tx -> {
                        tx.insert(key(uid, "dave", State.ACTIVE));
                        tx.appendAudit(AuditEvent.change(Instant.ofEpochMilli(1_780_000_000_000L), "operator test",
                                "local", "Register", List.of(uid), "registered during the copy"));
                        return null;
                    });
                } catch (KmipException e) {
                    throw new AssertionError(e);
                }
            }).run();
        }
        assertThat(written.get()).isGreaterThan(20);
        assertThat(contents(target)).isEqualTo(before);
        assertThat(contents(source).objects()).hasSize(OBJECTS + (int) written.get());
    }

    @Test
    void nonEmptyTarget_isRefused_andLeftUnchanged() throws Exception {
        Database.Sqlite source = sqlite("source.db");
        fill(source);
        Database.Sqlite target = sqlite("target.db");
        insertNew(target, "already-here");
        Contents before = contents(target);

        assertThatThrownBy(() -> DatabaseCopy.of(source, target).run())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("is not empty")
                .hasMessageContaining("managed_object: 1 rows")
                .hasMessageContaining("resume");
        assertThat(contents(target)).isEqualTo(before);
    }

    @Test
    void nonEmptyPostgresTarget_isRefused_andLeftUnchanged() throws Exception {
        Database.Sqlite source = sqlite("source.db");
        fill(source);
        try (TestPostgres pg = TestPostgres.create()) {
            insertNew(pg.database(), "already-here");
            Contents before = contents(pg.database());
            assertThatThrownBy(() -> DatabaseCopy.of(source, pg.database()).run())
                    .isInstanceOf(StoreException.class).hasMessageContaining("is not empty");
            assertThat(contents(pg.database())).isEqualTo(before);
        }
    }

    @Test
    void interruptedCopyIntoPostgres_resumes_toTheSameResult() throws Exception {
        Database.Sqlite source = sqlite("source.db");
        fill(source);
        Contents original = contents(source);
        try (TestPostgres pg = TestPostgres.create()) {
            interruptAndResume(source, pg.database());
            assertThat(contents(pg.database())).isEqualTo(original);
            insertNew(pg.database(), "after");
            assertThat(seqOf(pg.database(), "after")).isGreaterThan(OBJECTS + 1);
        }
    }

    @Test
    void interruptedCopyIntoSqlite_resumes_toTheSameResult() throws Exception {
        Database.Sqlite source = sqlite("source.db");
        fill(source);
        Contents original = contents(source);
        Database.Sqlite target = sqlite("target.db");
        interruptAndResume(source, target);
        assertThat(contents(target)).isEqualTo(original);
    }

    /** Stops the copy after 3 batches, then (resumed) in the middle of the audit records, then resumes to the end. */
    private void interruptAndResume(Database source, Database target) throws Exception {
        AtomicLong batches = new AtomicLong();
        DatabaseCopy.Progress stopAfterThree = (table, done, total) -> {
            if (done > 0 && batches.incrementAndGet() == 3) {
                throw new IllegalStateException("interrupted");
            }
        };
        assertThatThrownBy(() -> DatabaseCopy.of(source, target).batchRows(6).progress(stopAfterThree).run())
                .hasMessage("interrupted");
        assertThat(rows(target, "SELECT COUNT(*) FROM managed_object")).containsExactly(List.of(18L));

        assertThatThrownBy(() -> DatabaseCopy.of(source, target).run())
                .isInstanceOf(StoreException.class).hasMessageContaining("is not empty");

        Map<String, Long> startedAt = new LinkedHashMap<>();
        DatabaseCopy.Progress stopInAudit = (table, done, total) -> {
            startedAt.putIfAbsent(table, done);
            if (table.equals("audit_record") && done >= 30) {
                throw new IllegalStateException("interrupted again");
            }
        };
        assertThatThrownBy(() -> DatabaseCopy.of(source, target).batchRows(6).resume(true).progress(stopInAudit).run())
                .hasMessage("interrupted again");
        assertThat(startedAt).containsEntry("managed_object", 18L);

        Map<String, Long> resumedAt = new LinkedHashMap<>();
        DatabaseCopy.Result result = DatabaseCopy.of(source, target).batchRows(6).resume(true)
                .progress((table, done, total) -> resumedAt.putIfAbsent(table, done)).run();
        assertThat(resumedAt).containsEntry("managed_object", (long) OBJECTS).containsEntry("audit_record", 30L);
        assertThat(result.rows()).containsEntry("managed_object", (long) OBJECTS);
    }

    @Test
    void sourceWithATableThisCodeDoesNotCopy_isRefused() throws Exception {
        Database.Sqlite source = sqlite("source.db");
        fill(source);
        exec(source, "CREATE TABLE key_escrow (id INTEGER PRIMARY KEY)");
        Database.Sqlite target = sqlite("target.db");
        assertThatThrownBy(() -> DatabaseCopy.of(source, target).run())
                .isInstanceOf(StoreException.class).hasMessageContaining("key_escrow");
    }

    @Test
    void sourceOfAnOlderSchema_isRefused_withWhatToDo() throws Exception {
        Database.Sqlite source = sqlite("source.db");
        fill(source);
        exec(source, "DELETE FROM schema_version WHERE version = " + SchemaMigrator.latestVersion());
        assertThatThrownBy(() -> DatabaseCopy.of(source, sqlite("target.db")).run())
                .isInstanceOf(StoreException.class).hasMessageContaining("older than this Keyhold's")
                .hasMessageContaining("starting this Keyhold version's server on it");
    }

    @Test
    void sourceOfANewerSchema_isRefused() throws Exception {
        Database.Sqlite source = sqlite("source.db");
        fill(source);
        exec(source, "INSERT INTO schema_version VALUES (" + (SchemaMigrator.latestVersion() + 1)
                + ", 'future', '2030-01-01T00:00:00Z', 'x')");
        assertThatThrownBy(() -> DatabaseCopy.of(source, sqlite("target.db")).run())
                .isInstanceOf(StoreException.class).hasMessageContaining("newer than this Keyhold knows");
    }

    @Test
    void missingSource_andSameDatabase_areRefused() {
        assertThatThrownBy(() -> DatabaseCopy.of(sqlite("none.db"), sqlite("target.db")).run())
                .isInstanceOf(StoreException.class).hasMessageContaining("no database at");
        assertThat(dir.resolve("target.db")).doesNotExist();
        assertThatThrownBy(() -> DatabaseCopy.of(sqlite("a.db"), sqlite("a.db")).run())
                .isInstanceOf(StoreException.class).hasMessageContaining("same database");
    }

    /** The copied table list is the schema's: a table a migration adds must be added to DatabaseCopy.TABLES. */
    @Test
    void everyTableOfTheSchema_isCopied() throws Exception {
        Set<String> expected = new TreeSet<>(DatabaseCopy.tableNames());
        expected.add(DatabaseCopy.SCHEMA_VERSION_TABLE);
        Database.Sqlite s = sqlite("schema.db");
        try (Connection c = connect(s)) {
            SchemaMigrator.migrate(c, s);
        }
        assertThat(tableNames(s, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
                .isEqualTo(expected);
        try (TestPostgres pg = TestPostgres.create()) {
            try (Connection c = connect(pg.database())) {
                SchemaMigrator.migrate(c, pg.database());
            }
            assertThat(tableNames(pg.database(), "SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")).isEqualTo(expected);
        }
    }

    private static Set<String> tableNames(Database database, String sql) throws SQLException {
        Set<String> names = new TreeSet<>();
        rows(database, sql).forEach(r -> names.add((String) r.get(0)));
        return names;
    }
}
