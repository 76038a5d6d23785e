package io.keyhold.server.store.sql;

import io.keyhold.server.security.MasterKeyRing;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.RetiredCredentialStoreContract;
import io.keyhold.server.testing.TestMasterKeys;
import io.keyhold.server.testing.TestPostgres;
import org.junit.jupiter.api.AfterEach;

/** {@link RetiredCredentialStoreContract} on PostgreSQL: each test in a schema of its own. */
class PostgresRetiredCredentialStoreTest extends RetiredCredentialStoreContract {
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
}
