package io.keyhold.server.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.server.store.Grant;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.testing.TestMasterKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes the SQLite fixture of {@link SchemaFixture} once; not a test of its own (it runs only when asked):
 * <pre>
 * ./mvnw -o -pl keyhold-server -am test -Dtest=SchemaFixtureGenerator -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dkeyhold.schemaFixture.out=$PWD/keyhold-server/src/test/resources/io/keyhold/server/store/sql/upgrade/keyhold-v4.db
 * </pre>
 * The schema comes only from the scripts V1..V{@value SchemaFixture#VERSION}, applied and recorded in
 * {@code schema_version} exactly as {@link SchemaMigrator} does (same statements, same checksums). The rows
 * are written by the store itself (objects sealed under {@code TestMasterKeys.fixed()}, grants, the audit
 * chain) into a scratch database, then copied column by column into the tables of the older schema.
 */
@EnabledIfSystemProperty(named = "keyhold.schemaFixture.out", matches = ".+")
class SchemaFixtureGenerator {
    @TempDir
    Path dir;

    @Test
    void generate() throws Exception {
        Path out = Path.of(System.getProperty("keyhold.schemaFixture.out"));
        Files.deleteIfExists(out);
        Files.createDirectories(out.getParent());

        Path scratch = dir.resolve("scratch.db");
        try (SqlObjectStore store = SqlObjectStore.open(scratch, TestMasterKeys.fixed())) {
            store.write(tx -> {
                for (int i = 0; i < SchemaFixture.objects().size(); i++) {
                    StoredObject o = SchemaFixture.objects().get(i);
                    tx.insert(o);
                    tx.appendAudit(SchemaFixture.auditEvents().get(i));
                }
                for (Grant g : SchemaFixture.grants()) {
                    tx.insertGrant(g, SchemaFixture.GRANTED_AT);
                }
                return null;
            });
        }

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + out)) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                        + "description TEXT NOT NULL, applied_at TEXT NOT NULL, checksum TEXT NOT NULL)");
            }
            for (SchemaMigrator.Migration m : SchemaMigrator.MIGRATIONS) {
                if (m.version() > SchemaFixture.VERSION) {
                    break;
                }
                String script = SchemaMigrator.load(Dialect.SQLITE, m);
                try (Statement s = c.createStatement()) {
                    for (String statement : SchemaMigrator.statements(script)) {
                        s.execute(statement);
                    }
                }
                try (PreparedStatement p = c.prepareStatement("INSERT INTO schema_version (version, description,"
                        + " applied_at, checksum) VALUES (?, ?, ?, ?)")) {
                    p.setInt(1, m.version());
                    p.setString(2, m.description());
                    p.setString(3, "2026-01-05T08:00:00Z");
                    p.setString(4, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(script.getBytes(StandardCharsets.UTF_8))));
                    p.executeUpdate();
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("ATTACH DATABASE '" + scratch.toString().replace("'", "''") + "' AS scratch");
                for (String table : tables(c)) {
                    String columns = String.join(", ", columns(c, table));
                    s.execute("INSERT INTO main." + table + " (" + columns + ") SELECT " + columns + " FROM scratch."
                            + table);
                }
                s.execute("DETACH DATABASE scratch");
                s.execute("VACUUM");
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT max(version) FROM schema_version")) {
                assertThat(rs.getInt(1)).isEqualTo(SchemaFixture.VERSION);
            }
        }
    }

    /** The tables of the older schema, except schema_version (its rows are the older ones). */
    private static List<String> tables(Connection c) throws Exception {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM main.sqlite_master WHERE type = 'table'"
                     + " AND name NOT LIKE 'sqlite_%' AND name <> 'schema_version' ORDER BY name")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static List<String> columns(Connection c, String table) throws Exception {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA main.table_info(" + table + ")")) {
            while (rs.next()) {
                out.add(rs.getString("name"));
            }
        }
        return out;
    }
}
