package io.keyhold.server.testing;

import static org.junit.jupiter.api.Assertions.fail;

import io.keyhold.server.store.sql.Database;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway schema in the PostgreSQL server the tests use: {@code KEYHOLD_TEST_POSTGRES} (a JDBC URL of a
 * database, default {@code jdbc:postgresql://127.0.0.1:5432/test}) as {@code KEYHOLD_TEST_POSTGRES_USER}
 * (default {@code postgres}). Each {@link #create()} makes a new schema and a {@link Database} whose
 * connections use it; {@link #close()} drops it. Where no server answers, tests are skipped, except with
 * KEYHOLD_REQUIRE_POSTGRES=1 (as in CI), where they fail.
 */
public final class TestPostgres implements AutoCloseable {
    private static final String URL = env("KEYHOLD_TEST_POSTGRES", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String USER = env("KEYHOLD_TEST_POSTGRES_USER", "postgres");

    private final String schema;
    private final Database.Postgres database;

    private TestPostgres(String schema) {
        this.schema = schema;
        String separator = URL.contains("?") ? "&" : "?";
        this.database = new Database.Postgres(URL + separator + "currentSchema=" + schema, USER, null);
    }

    /** A new empty schema; skips (or fails under KEYHOLD_REQUIRE_POSTGRES=1) when PostgreSQL is not there. */
    public static TestPostgres create() {
        String schema = "kh_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            unavailable("PostgreSQL at " + URL + " cannot be used: " + e.getMessage());
        }
        return new TestPostgres(schema);
    }

    /** The database whose connections use this schema. */
    public Database.Postgres database() {
        return database;
    }

    /** A configuration's storage.database for this schema (with storage.database_user). */
    public String url() {
        return database.url();
    }

    public String user() {
        return USER;
    }

    /** A connection to this schema (auto-commit), for checks that read the tables directly. */
    public Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", USER);
        return DriverManager.getConnection(database.url(), p);
    }

    @Override
    public void close() {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            // left for the next run's database; it holds only test data
        }
    }

    private static Connection admin() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(URL, p);
    }

    private static void unavailable(String reason) {
        if ("1".equals(System.getenv("KEYHOLD_REQUIRE_POSTGRES"))) {
            fail(reason + ", and KEYHOLD_REQUIRE_POSTGRES=1");
        }
        Assumptions.abort(reason);
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
