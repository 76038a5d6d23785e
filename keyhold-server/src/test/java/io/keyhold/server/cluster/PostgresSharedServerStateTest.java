package io.keyhold.server.cluster;

import io.keyhold.server.security.MasterKeyRing;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.sql.SqlObjectStore;
import io.keyhold.server.testing.TestMasterKeys;
import io.keyhold.server.testing.TestPostgres;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** {@link SharedServerStateContract} with two stores on one PostgreSQL schema. */
class PostgresSharedServerStateTest extends SharedServerStateContract {
    private TestPostgres postgres;

    @Override
    protected List<ObjectStore> openTwoStores() {
        postgres = TestPostgres.create();
        MasterKeyRing key = MasterKeyRing.of(TestMasterKeys.ephemeral());
        ObjectStore first = SqlObjectStore.open(postgres.database(), key, SqlObjectStore.Options.DEFAULTS);
        return List.of(first, SqlObjectStore.open(postgres.database(), key, SqlObjectStore.Options.DEFAULTS));
    }

    @AfterEach
    void dropSchema() {
        if (postgres != null) {
            postgres.close();
        }
    }
}
