package io.keyhold.server.store.sql;

import io.keyhold.server.security.MasterKey;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.ObjectStoreContract;
import io.keyhold.server.testing.TestMasterKeys;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteObjectStoreContractTest extends ObjectStoreContract {
    @TempDir
    Path dir;

    private final MasterKey masterKey = TestMasterKeys.ephemeral();

    @Override
    protected ObjectStore newStore() {
        return SqlObjectStore.open(dir.resolve("db").resolve("keyhold.db"), masterKey);
    }
}
