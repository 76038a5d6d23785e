package io.keyhold.server.store.sql;

import io.keyhold.server.security.MasterKeyRing;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.ServerStateStoreContract;
import io.keyhold.server.testing.TestMasterKeys;
import io.keyhold.server.testing.TestPostgres;
import org.junit.jupiter.api.AfterEach;

/** {@link ServerStateStoreContract} on PostgreSQL: each test in a schema of its own. */
class PostgresServerStateStoreTest extends ServerStateStoreContract {
    private TestPostgres postgres;

    @Override
    protected ObjectStore newStore() {
        postgres = TestPostgres.create();
        return SqlObjectStore.open(postgres.database(), MasterKeyRing.of(TestMasterKeys.ephemeral()),
                SqlObjectStore.Options.DEFAULTS);
    }

    @AfterEach
    void dropSchema() {
        if (postgres != null) {
            postgres.close();
        }
    }
}
