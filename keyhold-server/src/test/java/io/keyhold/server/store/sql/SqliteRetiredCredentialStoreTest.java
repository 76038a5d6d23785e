package io.keyhold.server.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.server.security.MasterKey;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.RetiredCredential;
import io.keyhold.server.store.RetiredCredentialStoreContract;
import io.keyhold.server.store.WriteTransaction;
import io.keyhold.server.testing.TestMasterKeys;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteRetiredCredentialStoreTest extends RetiredCredentialStoreContract {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path dir;
    private final MasterKey key = TestMasterKeys.fixed();

    private Path db() {
        return dir.resolve("keyhold.db");
    }

    @Override
    protected ObjectStore newStore() {
        return SqlObjectStore.open(db(), key);
    }

    @Override
    protected ObjectStore sameDatabase() {
        return SqlObjectStore.open(db(), key);
    }

    @Test
    void credentials_surviveReopeningTheStore() throws Exception {
        RetiredCredential withReplacements = credential('a', "alice", T0, "cert-1", "priv-1", "pub-1");
        RetiredCredential without = credential('b', "bob", T0.plusSeconds(1));
        insert(withReplacements);
        insert(without);
        store.close();

        store = newStore();
        assertThat(get(fingerprint('a'))).contains(withReplacements);
        assertThat(get(fingerprint('b'))).contains(without);
        assertThat(since(T0)).containsExactly(withReplacements, without);
        assertThat(insert(credential('a', "mallory", T0.plusSeconds(2)))).isFalse();
    }

    @Test
    void replacements_areRowsOfTheirOwn_inPositionOrder() throws Exception {
        insert(credential('c', "alice", T0, "cert, with comma", "priv key"));
        List<String> rows = new ArrayList<>();
        try (Connection c = SqliteConnections.connect(db(), 5000, true);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT fingerprint, position, unique_identifier"
                     + " FROM retired_credential_replacements ORDER BY fingerprint, position")) {
            while (rs.next()) {
                rows.add(rs.getString(1).substring(0, 4) + " " + rs.getInt(2) + " " + rs.getString(3));
            }
        }
        assertThat(rows).containsExactly("cccc 0 cert, with comma", "cccc 1 priv key");
    }

    @Test
    void aReadTransaction_cannotRecord() {
        assertThatThrownBy(() -> store.read(tx -> ((WriteTransaction) tx)
                .insertRetiredCredential(credential('d', "alice", T0))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("read transaction cannot write");
    }
}
