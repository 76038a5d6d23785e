package io.keyhold.server.cluster;

import io.keyhold.server.security.MasterKeyRing;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.sql.SqlObjectStore;
import io.keyhold.server.testing.TestMasterKeys;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/** {@link SharedServerStateContract} with two stores on one SQLite file. */
class SqliteSharedServerStateTest extends SharedServerStateContract {
    @TempDir
    Path dir;

    @Override
    protected List<ObjectStore> openTwoStores() {
        MasterKeyRing key = MasterKeyRing.of(TestMasterKeys.ephemeral());
        Path file = dir.resolve("keyhold.db");
        ObjectStore first = SqlObjectStore.open(file, key);
        return List.of(first, SqlObjectStore.open(file, key));
    }
}
