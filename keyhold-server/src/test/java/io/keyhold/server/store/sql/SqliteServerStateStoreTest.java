package io.keyhold.server.store.sql;

import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.ServerStateStoreContract;
import io.keyhold.server.testing.TestMasterKeys;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteServerStateStoreTest extends ServerStateStoreContract {
    @TempDir
    Path dir;

    @Override
    protected ObjectStore newStore() {
        return SqlObjectStore.open(dir.resolve("keyhold.db"), TestMasterKeys.ephemeral());
    }
}
