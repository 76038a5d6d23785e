package io.keyhold.server.store.sql;

import io.keyhold.server.security.MasterKeyRing;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.RotationPolicyStoreContract;
import io.keyhold.server.testing.TestMasterKeys;
import io.keyhold.server.testing.TestPostgres;
import org.junit.jupiter.api.AfterEach;

/** {@link RotationPolicyStoreContract} on PostgreSQL: each test in a schema of its own. */
class PostgresRotationPolicyStoreTest extends RotationPolicyStoreContract {
    private TestPostgres postgres;
    private MasterKeyRing ring;

    @Override
    protected ObjectStore newStore() {
        postgres = TestPostgres.create();
        ring = MasterKeyRing.of(TestMasterKeys.fixed());
        return SqlObjectStore.open(postgres.database(), ring, SqlObjectStore.Options.DEFAULTS);
    }

    @Override
    protected ObjectStore sameDatabase() {
        return SqlObjectStore.open(postgres.database(), ring, SqlObjectStore.Options.DEFAULTS);
    }

    @AfterEach
    void dropSchema() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @org.junit.jupiter.api.Test
    void migrationV8KeepsTheV7Policies() throws Exception {
        try (java.sql.Connection c = postgres.connect(); java.sql.Statement s = c.createStatement()) {
            s.execute("DROP TABLE object_usage");
            s.execute("DROP TABLE rotation_policy");
            s.execute(SqliteRotationPolicyStoreTest.v7Script("postgresql"));
            s.execute("INSERT INTO rotation_policy VALUES ('old', 'payments', NULL, 3, 86400, 600, 1700000000)");
            s.execute("DELETE FROM schema_version WHERE version = 8");
        }
        try (ObjectStore migrated = sameDatabase()) {
            SqliteRotationPolicyStoreTest.assertV8(migrated);
        }
    }
}
