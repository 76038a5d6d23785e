package io.keyhold.server.store.sql;

import io.keyhold.server.security.MasterKey;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.RotationPolicyStoreContract;
import io.keyhold.server.testing.TestMasterKeys;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteRotationPolicyStoreTest extends RotationPolicyStoreContract {
    @TempDir
    Path dir;
    private final MasterKey key = TestMasterKeys.fixed();

    @Override
    protected ObjectStore newStore() {
        return SqlObjectStore.open(dir.resolve("keyhold.db"), key);
    }

    @Override
    protected ObjectStore sameDatabase() {
        return SqlObjectStore.open(dir.resolve("keyhold.db"), key);
    }

    /** A database at schema V7 with a policy: V8 keeps the policy and allows uses-only policies and use counts. */
    @org.junit.jupiter.api.Test
    void migrationV8KeepsTheV7Policies() throws Exception {
        java.nio.file.Path file = dir.resolve("v7.db");
        SqlObjectStore.open(file, key).close();
        try (java.sql.Connection c = SqliteConnections.connect(file, 5000, false);
             java.sql.Statement s = c.createStatement()) {
            s.execute("DROP TABLE object_usage");
            s.execute("DROP TABLE rotation_policy");
            s.execute(v7Script("sqlite"));
            s.execute("INSERT INTO rotation_policy VALUES ('old', 'payments', NULL, 3, 86400, 600, 1700000000)");
            s.execute("DELETE FROM schema_version WHERE version = 8");
        }
        try (SqlObjectStore migrated = SqlObjectStore.open(file, key)) {
            assertV8(migrated);
        }
    }

    static String v7Script(String dialect) throws java.io.IOException {
        try (java.io.InputStream in = SqliteRotationPolicyStoreTest.class.getResourceAsStream(
                "/io/keyhold/server/store/sql/" + dialect + "/V7__rotation_policy.sql")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    static void assertV8(io.keyhold.server.store.ObjectStore migrated) throws Exception {
        io.keyhold.server.store.RotationPolicy old = new io.keyhold.server.store.RotationPolicy("old", "payments", null,
                3, 86_400L, 600L, 1_700_000_000L, null);
        java.util.List<io.keyhold.server.store.RotationPolicy> before = migrated.read(tx -> tx.rotationPolicies());
        org.assertj.core.api.Assertions.assertThat(before).containsExactly(old);
        io.keyhold.server.store.RotationPolicy uses = new io.keyhold.server.store.RotationPolicy("uses", "g", null,
                null, null, null, 1L, 10L);
        migrated.write(tx -> {
            tx.insertRotationPolicy(uses);
            tx.addObjectUses(java.util.Map.of("k", 4L));
            return null;
        });
        java.util.List<io.keyhold.server.store.RotationPolicy> after = migrated.read(tx -> tx.rotationPolicies());
        org.assertj.core.api.Assertions.assertThat(after).containsExactly(old, uses);
        org.assertj.core.api.Assertions.assertThat((long) migrated.read(tx -> tx.objectUses("k"))).isEqualTo(4);
    }
}
