package io.keyhold.server.store.sql;

import io.keyhold.server.security.MasterKeyRing;
import io.keyhold.server.testing.TestMasterKeys;
import io.keyhold.server.testing.TestPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The PostgreSQL store's audit chain where PostgreSQL differs from SQLite: a failed statement leaves the
 * whole transaction refusing every other statement until it is rolled back to a savepoint.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PostgresAuditTest {
    private TestPostgres postgres;

    @AfterEach
    void dropSchema() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void deferredRecords_oneFailingHalfway_theOthersCommitInTheSameGroup_noHalfRecordStays() throws Exception {
        postgres = TestPostgres.create();
        try (SqlObjectStore store = SqlObjectStore.open(postgres.database(), MasterKeyRing.of(TestMasterKeys.ephemeral()),
                SqlObjectStore.Options.DEFAULTS)) {
            try (Connection c = postgres.connect(); Statement st = c.createStatement()) {
                st.execute("CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS"
                        + " $$ BEGIN RAISE EXCEPTION 'poisoned record'; END $$");
                st.execute("CREATE TRIGGER poison BEFORE INSERT ON audit_object FOR EACH ROW"
                        + " WHEN (NEW.uid = 'poison') EXECUTE FUNCTION poison()");
            }
            ReadRecordGroups.readsWithOnePoisoned(store);
        }
        try (SqlAuditLog log = SqlAuditLog.open(postgres.database())) {
            ReadRecordGroups.assertThreeReadsChained(log);
        }
    }
}
