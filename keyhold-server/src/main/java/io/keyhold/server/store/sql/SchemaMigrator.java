package io.keyhold.server.store.sql;

import io.keyhold.server.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Brings a database to the schema this code knows, forward only. The scripts are resources next to this
 * class ({@code V<n>__<description>.sql}); each applied one is recorded in {@code schema_version} with the
 * SHA-256 of its text. A database with a version this code does not know, or whose recorded checksum no
 * longer matches the script, is refused rather than guessed at.
 */
final class SchemaMigrator {

    /** A forward migration script. */
    record Migration(int version, String description) {
        String resource() {
            return "V" + version + "__" + description + ".sql";
        }
    }

    /** Every migration this code knows, oldest first. Add new ones at the end; never edit an applied one. */
    static final List<Migration> MIGRATIONS = List.of(new Migration(1, "objects"), new Migration(2, "master_key_state"),
            new Migration(3, "access"), new Migration(4, "audit"), new Migration(5, "api_tokens"),
            new Migration(6, "server_state"), new Migration(7, "rotation_policy"),
            new Migration(8, "object_usage"), new Migration(9, "retired_credentials"),
            new Migration(10, "audit_chain_by_sequence"));

    private SchemaMigrator() {}

    static int latestVersion() {
        return MIGRATIONS.get(MIGRATIONS.size() - 1).version();
    }

    /**
     * Applies the missing migrations. SQLite: the connection must be in auto-commit mode; each script runs
     * in its own immediate transaction. PostgreSQL: the connection must not be in auto-commit mode; the
     * whole migration is one transaction holding an advisory lock, so nodes starting together wait for
     * the first to finish and then find the schema current.
     */
    static void migrate(Connection c, Database database) throws SQLException {
        if (database.dialect() == Dialect.POSTGRESQL) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement p = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                    p.setLong(1, Dialect.MIGRATION_LOCK);
                    p.execute();
                }
                migrate(c, database, false);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
            return;
        }
        migrate(c, database, true);
    }

    private static void migrate(Connection c, Database database, boolean transactionPerScript) throws SQLException {
        String databaseName = database.name();
        if (!hasVersionTable(c, database.dialect())) {
            // created only when missing, so that a role without CREATE can run on a schema already current
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                        + "description TEXT NOT NULL, applied_at TEXT NOT NULL, checksum TEXT NOT NULL)");
            }
        }
        Map<Integer, String> applied = new TreeMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, checksum FROM schema_version ORDER BY version")) {
            while (rs.next()) {
                applied.put(rs.getInt(1), rs.getString(2));
            }
        }
        int latest = latestVersion();
        for (Map.Entry<Integer, String> e : applied.entrySet()) {
            if (e.getKey() > latest) {
                throw new StoreException("database " + databaseName + " has schema version " + e.getKey()
                        + ", newer than this Keyhold knows (latest: " + latest
                        + "); run the Keyhold version that wrote it or a newer one");
            }
        }
        for (Migration m : MIGRATIONS) {
            String script = load(database.dialect(), m);
            String checksum = sha256(script);
            String recorded = applied.get(m.version());
            if (recorded != null) {
                if (!recorded.equals(checksum)) {
                    throw new StoreException("database " + databaseName + ": migration " + m.resource()
                            + " was changed after it was applied (recorded checksum " + recorded
                            + ", script checksum " + checksum + ")");
                }
                continue;
            }
            if (transactionPerScript) {
                try (Statement s = c.createStatement()) {
                    s.execute("BEGIN IMMEDIATE");
                    try {
                        apply(c, m, script, checksum);
                        s.execute("COMMIT");
                    } catch (SQLException | RuntimeException e) {
                        s.execute("ROLLBACK");
                        throw e;
                    }
                }
            } else {
                apply(c, m, script, checksum);
            }
        }
    }

    private static boolean hasVersionTable(Connection c, Dialect dialect) throws SQLException {
        String sql = dialect == Dialect.SQLITE
                ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
                : "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
                        + " AND table_name = 'schema_version'";
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    private static void apply(Connection c, Migration m, String script, String checksum) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String statement : statements(script)) {
                s.execute(statement);
            }
        }
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO schema_version (version, description, applied_at, checksum) VALUES (?, ?, ?, ?)")) {
            p.setInt(1, m.version());
            p.setString(2, m.description());
            p.setString(3, Instant.now().toString());
            p.setString(4, checksum);
            p.executeUpdate();
        }
    }

    /** Splits a script into statements: comments removed, split at semicolons that end a line. */
    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n", -1)) {
            int comment = line.indexOf("--");
            String code = (comment >= 0 ? line.substring(0, comment) : line).strip();
            if (code.isEmpty()) {
                continue;
            }
            current.append(code).append('\n');
            if (code.endsWith(";")) {
                out.add(current.toString().strip());
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return out;
    }

    static String load(Dialect dialect, Migration m) {
        String resource = dialect.schemaDirectory() + "/" + m.resource();
        try (InputStream in = SchemaMigrator.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new StoreException("migration script " + m.resource() + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
        } catch (IOException e) {
            throw new StoreException("migration script " + m.resource() + " cannot be read", e);
        }
    }

    private static String sha256(String text) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(d.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
