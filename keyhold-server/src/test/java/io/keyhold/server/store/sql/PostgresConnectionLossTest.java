package io.keyhold.server.store.sql;

import static io.keyhold.server.store.ObjectStoreContract.key;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.spec.State;
import io.keyhold.server.store.StoredObject;
import java.util.Optional;
import io.keyhold.server.security.MasterKeyRing;
import io.keyhold.server.testing.TestMasterKeys;
import io.keyhold.server.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL store whose connections the database ends (as a restart or a failover does) reconnects
 * by itself: the next write and read succeed without reopening the store, and nothing is written twice.
 */
class PostgresConnectionLossTest {
    private TestPostgres postgres;
    private SqlObjectStore store;

    @BeforeEach
    void open() {
        postgres = TestPostgres.create();
        store = SqlObjectStore.open(postgres.database(), MasterKeyRing.of(TestMasterKeys.ephemeral()),
                SqlObjectStore.Options.DEFAULTS.withReaderPoolSize(2));
    }

    @AfterEach
    void close() {
        store.close();
        postgres.close();
    }

    @Test
    void everyConnectionTerminated_nextWriteAndReadSucceed_andNothingIsDuplicated() throws Exception {
        store.write(tx -> {
            tx.insert(key("before", "alice", State.ACTIVE));
            return null;
        });
        assertThat(terminateStoreConnections()).isGreaterThanOrEqualTo(1);

        store.write(tx -> {
            tx.insert(key("after", "alice", State.ACTIVE));
            return null;
        });
        Optional<StoredObject> after = store.read(tx -> tx.get("after"));
        Optional<StoredObject> before = store.read(tx -> tx.get("before"));
        assertThat(after).isPresent();
        assertThat(before).isPresent();
        try (Connection c = postgres.connect(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT count(*) FROM managed_object")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(2);
        }
        assertThat(store.failedCommits()).isZero();
    }

    @Test
    void retryable_isAConnectionOrSerializationFailure_notAConstraintViolation() {
        assertThat(GroupWriter.retryable(new SQLException("gone", "08006"))).isTrue();
        assertThat(GroupWriter.retryable(new SQLException("serialization", "40001"))).isTrue();
        assertThat(GroupWriter.retryable(new SQLException("deadlock", "40P01"))).isTrue();
        assertThat(GroupWriter.retryable(new SQLException("shutdown", "57P01"))).isTrue();
        assertThat(GroupWriter.retryable(new SQLTransientConnectionException("pool timeout"))).isTrue();
        assertThat(GroupWriter.retryable(new RuntimeException("wrapped", new SQLException("gone", "08003")))).isTrue();
        assertThat(GroupWriter.retryable(new SQLException("duplicate key", "23505"))).isFalse();
        assertThat(GroupWriter.retryable(new SQLException("no state"))).isFalse();
        assertThat(GroupWriter.retryable(new IllegalStateException("bug"))).isFalse();
    }

    /** Ends every backend of this test's schema's store (application name keyhold), as a database restart does. */
    private int terminateStoreConnections() throws SQLException {
        try (Connection c = postgres.connect(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                     + " WHERE application_name = 'keyhold' AND pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
