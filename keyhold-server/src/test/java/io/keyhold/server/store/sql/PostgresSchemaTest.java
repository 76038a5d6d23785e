package io.keyhold.server.store.sql;

import static io.keyhold.server.store.ObjectStoreContract.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.spec.State;
import io.keyhold.server.security.MasterKey;
import io.keyhold.server.security.MasterKeyRing;
import io.keyhold.server.store.StoreException;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.testing.TestMasterKeys;
import io.keyhold.server.testing.TestPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The PostgreSQL schema's life: created once by whoever starts first, used by roles that cannot create. */
class PostgresSchemaTest {
    private final MasterKey masterKey = TestMasterKeys.ephemeral();
    private TestPostgres postgres;

    @BeforeEach
    void schema() {
        postgres = TestPostgres.create();
    }

    @AfterEach
    void drop() {
        postgres.close();
    }

    @Test
    void nodesStartingTogether_migrateOnce_andAllOpen() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<SqlObjectStore>> opening = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Callable<SqlObjectStore> open = () -> SqlObjectStore.open(postgres.database(),
                        MasterKeyRing.of(masterKey), SqlObjectStore.Options.DEFAULTS.withReaderPoolSize(1));
                opening.add(pool.submit(open));
            }
            List<SqlObjectStore> stores = new ArrayList<>();
            for (Future<SqlObjectStore> f : opening) {
                stores.add(f.get());
            }
            stores.get(0).write(tx -> {
                tx.insert(key("k1", "alice", State.ACTIVE));
                return null;
            });
            Optional<StoredObject> seen = stores.get(3).read(tx -> tx.get("k1"));
            assertThat(seen).isPresent();
            stores.forEach(SqlObjectStore::close);
        } finally {
            pool.shutdownNow();
        }
        try (Connection c = postgres.connect(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT count(*), count(DISTINCT version) FROM schema_version")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(SchemaMigrator.latestVersion());
            assertThat(rs.getInt(2)).isEqualTo(SchemaMigrator.latestVersion());
        }
        try (Connection c = postgres.connect(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT conname FROM pg_constraint WHERE conrelid = 'audit_record'::regclass"
                     + " ORDER BY conname")) {
            List<String> constraints = new ArrayList<>();
            while (rs.next()) {
                constraints.add(rs.getString(1));
            }
            // V10: the chain is kept whole by the primary key on sequence; no index on previous_hash
            assertThat(constraints).containsExactly("audit_record_pkey");
        }
    }

    @Test
    void roleWithoutCreate_opensACurrentSchema_butCannotMigrateANewOne() throws Exception {
        SqlObjectStore.open(postgres.database(), MasterKeyRing.of(masterKey), SqlObjectStore.Options.DEFAULTS).close();
        String role = "kh_app_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String schema = postgres.url().substring(postgres.url().indexOf("currentSchema=") + "currentSchema=".length());
        try (Connection c = postgres.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + role + " LOGIN");
            s.execute("GRANT USAGE ON SCHEMA " + schema + " TO " + role);
            s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA " + schema + " TO " + role);
            s.execute("GRANT USAGE ON ALL SEQUENCES IN SCHEMA " + schema + " TO " + role);
        }
        try {
            Database.Postgres asApp = new Database.Postgres(postgres.database().url(), role, null);
            try (SqlObjectStore store = SqlObjectStore.open(asApp, MasterKeyRing.of(masterKey),
                    SqlObjectStore.Options.DEFAULTS.withReaderPoolSize(1))) {
                store.write(tx -> {
                    tx.insert(key("k2", "alice", State.ACTIVE));
                    return null;
                });
                Optional<StoredObject> k2 = store.read(tx -> tx.get("k2"));
                assertThat(k2).isPresent();
            }
            // an empty schema needs CREATE: refused with the database's reason, nothing half made
            try (TestPostgres empty = TestPostgres.create()) {
                String emptySchema = empty.url().substring(empty.url().indexOf("currentSchema=") + 14);
                try (Connection c = postgres.connect(); Statement s = c.createStatement()) {
                    s.execute("GRANT USAGE ON SCHEMA " + emptySchema + " TO " + role);
                }
                Database.Postgres emptyAsApp = new Database.Postgres(empty.database().url(), role, null);
                assertThatThrownBy(() -> SqlObjectStore.open(emptyAsApp, MasterKeyRing.of(masterKey),
                        SqlObjectStore.Options.DEFAULTS)).isInstanceOf(StoreException.class)
                        .hasMessageContaining("permission denied");
                try (Connection c = empty.connect(); Statement s = c.createStatement();
                     var rs = s.executeQuery("SELECT count(*) FROM information_schema.tables"
                             + " WHERE table_schema = '" + emptySchema + "'")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isZero();
                }
                try (Connection c = postgres.connect(); Statement s = c.createStatement()) {
                    s.execute("REVOKE ALL ON SCHEMA " + emptySchema + " FROM " + role);
                }
            }
        } finally {
            try (Connection c = postgres.connect(); Statement s = c.createStatement()) {
                s.execute("DROP OWNED BY " + role);
                s.execute("DROP ROLE " + role);
            }
        }
    }
}
