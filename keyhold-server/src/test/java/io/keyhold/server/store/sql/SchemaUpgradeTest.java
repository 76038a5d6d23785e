package io.keyhold.server.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.audit.AuditChain;
import io.keyhold.server.audit.AuditRecord;
import io.keyhold.server.audit.AuditVerifier;
import io.keyhold.server.store.ApiToken;
import io.keyhold.server.store.Grant;
import io.keyhold.server.store.ObjectStoreContract;
import io.keyhold.server.store.RetiredCredential;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.testing.TestMasterKeys;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upgrade path: a SQLite database written at an earlier schema version (the committed fixture of
 * {@link SchemaFixture}) opened by the current store is migrated forward to the latest version, whatever
 * that is, with its objects (still sealed under the same master key), grants and audit chain intact, and
 * takes new writes, including of what the later schema added.
 */
class SchemaUpgradeTest {
    @TempDir
    Path dir;

    private Path copyOfFixture() throws Exception {
        Path db = dir.resolve("keyhold.db");
        try (InputStream in = SchemaUpgradeTest.class.getResourceAsStream(SchemaFixture.RESOURCE)) {
            assertThat(in).as("fixture " + SchemaFixture.RESOURCE).isNotNull();
            Files.copy(in, db);
        }
        return db;
    }

    private static List<Integer> schemaVersions(Path db) throws Exception {
        List<Integer> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version FROM schema_version ORDER BY version")) {
            while (rs.next()) {
                out.add(rs.getInt(1));
            }
        }
        return out;
    }

    private static AuditVerifier.Result verifyAudit(Path db, List<AuditRecord> into) {
        try (SqlAuditLog log = SqlAuditLog.open(db)) {
            AuditVerifier v = new AuditVerifier();
            Optional<AuditChain.Head> head = log.scan(r -> {
                into.add(r);
                return v.accept(r);
            });
            return v.finish(head);
        }
    }

    @Test
    void earlierSchema_isMigratedForward_withObjectsGrantsAndAuditChainIntact() throws Exception {
        Path db = copyOfFixture();
        assertThat(schemaVersions(db)).as("the fixture is at the earlier schema")
                .containsExactly(1, 2, 3, 4).hasSize(SchemaFixture.VERSION);
        assertThat(SchemaMigrator.latestVersion()).isGreaterThan(SchemaFixture.VERSION);

        try (SqlObjectStore store = SqlObjectStore.open(db, TestMasterKeys.fixed())) {
            List<Integer> expected = new ArrayList<>();
            for (int v = 1; v <= SchemaMigrator.latestVersion(); v++) {
                expected.add(v);
            }
            assertThat(schemaVersions(db)).containsExactlyElementsOf(expected);

            for (StoredObject written : SchemaFixture.objects()) {
                StoredObject read = store.read(tx -> tx.get(written.uniqueIdentifier())).orElseThrow();
                assertThat(read.owner()).isEqualTo(written.owner());
                assertThat(read.object()).as("material of " + written.uniqueIdentifier()).isEqualTo(written.object());
                assertThat(read.attributes()).containsExactlyInAnyOrderElementsOf(written.attributes());
            }
            TtlvItem key = store.read(tx -> tx.get("fixture-key-1")).orElseThrow().object();
            assertThat(key).isEqualTo(SchemaFixture.symmetricKey());
            List<Grant> grants = store.read(tx -> tx.grants());
            assertThat(grants).containsExactlyInAnyOrderElementsOf(SchemaFixture.grants());

            List<AuditRecord> before = new ArrayList<>();
            AuditVerifier.Result chain = verifyAudit(db, before);
            assertThat(chain.intact()).as(String.valueOf(chain.problem())).isTrue();
            assertThat(before).extracting(AuditRecord::sequence).containsExactly(1L, 2L, 3L);
            assertThat(before).extracting(r -> r.event().operation()).containsExactly("Create", "Create", "Create");

            // new writes: an object, a grant, an audit record continuing the chain, an API token (V5) and a
            // retired credential (V9)
            StoredObject added = ObjectStoreContract.key("after-upgrade", "client1", State.ACTIVE);
            Instant now = Instant.parse("2026-03-01T12:00:00Z");
            RetiredCredential retired = new RetiredCredential("e".repeat(64), "client1", now, now.plusSeconds(3600),
                    List.of("after-upgrade"));
            store.write(tx -> {
                tx.insertRetiredCredential(retired);
                tx.insert(added);
                tx.insertGrant(new Grant(Grant.TargetKind.OBJECT, "after-upgrade", Grant.GranteeKind.IDENTITY,
                        "client2", "Get"), now.getEpochSecond());
                tx.insertApiToken(new ApiToken("0123456789abcdef", "client1", new byte[32], "{\"rights\":[]}",
                        "after upgrade", now, null, null, null));
                return tx.appendAudit(SchemaFixture.event("2026-03-01T12:00:00.004Z", "client1", "Create",
                        "after-upgrade"));
            });
            assertThat(store.read(tx -> tx.get("after-upgrade")).orElseThrow().object()).isEqualTo(added.object());
            List<Grant> grantsAfter = store.read(tx -> tx.grants());
            assertThat(grantsAfter).hasSize(SchemaFixture.grants().size() + 1);
            Optional<ApiToken> token = store.read(tx -> tx.apiToken("0123456789abcdef"));
            assertThat(token).isPresent();
            Optional<RetiredCredential> retiredRead = store.read(tx -> tx.retiredCredential("e".repeat(64)));
            assertThat(retiredRead).contains(retired);
            StoredObject grouped = store.read(tx -> tx.get("fixture-key-2")).orElseThrow();
            assertThat(grouped.attributes()).anyMatch(a -> a.value().tag() == Tag.OBJECT_GROUP);
        }

        List<AuditRecord> after = new ArrayList<>();
        AuditVerifier.Result chain = verifyAudit(db, after);
        assertThat(chain.intact()).as(String.valueOf(chain.problem())).isTrue();
        assertThat(after).extracting(AuditRecord::sequence).containsExactly(1L, 2L, 3L, 4L);

        // opened again: already current, nothing to migrate, the data still there
        try (SqlObjectStore store = SqlObjectStore.open(db, TestMasterKeys.fixed())) {
            Optional<StoredObject> again = store.read(tx -> tx.get("fixture-key-1"));
            assertThat(again).isPresent();
            List<RetiredCredential> retired = store.read(tx -> tx.retiredCredentialsSince(Instant.EPOCH));
            assertThat(retired).extracting(RetiredCredential::identity).containsExactly("client1");
        }
        assertThat(schemaVersions(db)).hasSize(SchemaMigrator.latestVersion());
        assertAuditTablesRebuilt(db);
    }

    /** V10 rebuilt the audit tables without UNIQUE (previous_hash): indexes, reference and key as before. */
    private static void assertAuditTablesRebuilt(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            List<String> indexes = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'index'"
                    + " AND tbl_name IN ('audit_record', 'audit_object') ORDER BY name")) {
                while (rs.next()) {
                    indexes.add(rs.getString(1));
                }
            }
            // no index on previous_hash; audit_object is clustered on its primary key (WITHOUT ROWID)
            assertThat(indexes).containsExactly("audit_object_uid", "audit_record_identity", "audit_record_time");
            try (ResultSet rs = s.executeQuery("SELECT sql FROM sqlite_master WHERE name = 'audit_object'")) {
                assertThat(rs.getString(1)).contains("WITHOUT ROWID").contains("REFERENCES \"audit_record\"");
            }
            try (ResultSet rs = s.executeQuery("PRAGMA foreign_key_list(audit_object)")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("table")).isEqualTo("audit_record");
                assertThat(rs.getString("from")).isEqualTo("sequence");
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_master WHERE name LIKE '%_v10'")) {
                assertThat(rs.getInt(1)).isZero();
            }
            s.execute("PRAGMA foreign_keys = ON");
            // a second record in a place already taken is refused by the primary key
            assertThatThrownBy(() -> s.execute("INSERT INTO audit_record (sequence, time_millis, identity,"
                    + " source_address, object_count, result_status, previous_hash, hash)"
                    + " SELECT sequence, time_millis, 'intruder', source_address, object_count, result_status,"
                    + " previous_hash, randomblob(32) FROM audit_record WHERE sequence = 2"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("UNIQUE constraint failed: audit_record.sequence");
            // and a listed object needs its record
            assertThatThrownBy(() -> s.execute("INSERT INTO audit_object (sequence, position, uid) VALUES (99, 0, 'x')"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("FOREIGN KEY");
        }
    }
}
