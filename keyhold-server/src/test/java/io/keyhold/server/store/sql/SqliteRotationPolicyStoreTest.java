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
}
