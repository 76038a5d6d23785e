package io.keyhold.server.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.KmipException;
import io.keyhold.server.audit.AuditChain;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.audit.AuditRecord;
import io.keyhold.server.audit.AuditVerifier;
import io.keyhold.server.security.MasterKeyRing;
import io.keyhold.server.testing.TestMasterKeys;
import io.keyhold.server.testing.TestPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
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

    private static AuditEvent event(String operation, String uid) {
        return new AuditEvent(Instant.parse("2026-02-01T00:00:00.001Z"), "client1", "127.0.0.1:9", "2.1", operation,
                List.of(uid), 1, "Success", null, null);
    }

    @Test
    void deferredRecords_oneFailingHalfway_theOthersCommitInTheSameGroup_noHalfRecordStays() throws Exception {
        postgres = TestPostgres.create();
        CountDownLatch heard = new CountDownLatch(3);
        List<AuditRecord> committed = Collections.synchronizedList(new ArrayList<>());
        try (SqlObjectStore store = SqlObjectStore.open(postgres.database(), MasterKeyRing.of(TestMasterKeys.ephemeral()),
                SqlObjectStore.Options.DEFAULTS)) {
            // the record's own row goes in first; its object list then fails, halfway through the record
            try (Connection c = postgres.connect(); Statement st = c.createStatement()) {
                st.execute("CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS"
                        + " $$ BEGIN RAISE EXCEPTION 'poisoned record'; END $$");
                st.execute("CREATE TRIGGER poison BEFORE INSERT ON audit_object FOR EACH ROW"
                        + " WHEN (NEW.uid = 'poison') EXECUTE FUNCTION poison()");
            }
            store.auditListener(records -> {
                committed.addAll(records);
                records.forEach(r -> heard.countDown());
            });
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread blocker = new Thread(() -> {
                try {
                    store.write(tx -> {
                        held.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return null;
                    });
                } catch (KmipException e) {
                    throw new IllegalStateException(e);
                }
            });
            blocker.start();
            held.await();
            long commitsBefore = store.stats().commits();
            for (String uid : List.of("1", "2", "poison", "3")) {
                store.appendAudit(List.of(event("Get", uid)), false);
            }
            release.countDown();
            blocker.join();
            assertThat(heard.await(30, TimeUnit.SECONDS)).isTrue();
            // the blocker's group, then one group of the four deferred records
            assertThat(store.stats().commits()).isEqualTo(commitsBefore + 2);
            assertThat(committed).extracting(r -> r.event().uniqueIdentifiers().get(0)).containsExactly("1", "2", "3");
        }
        try (SqlAuditLog log = SqlAuditLog.open(postgres.database())) {
            List<AuditRecord> records = new ArrayList<>();
            AuditVerifier verifier = new AuditVerifier();
            Optional<AuditChain.Head> head = log.scan(r -> {
                records.add(r);
                return verifier.accept(r);
            });
            assertThat(records).extracting(AuditRecord::sequence).containsExactly(1L, 2L, 3L);
            assertThat(records).extracting(r -> r.event().uniqueIdentifiers().get(0)).containsExactly("1", "2", "3");
            AuditVerifier.Result result = verifier.finish(head);
            assertThat(result.problem()).isEmpty();
            assertThat(result.verified()).isEqualTo(3);
        }
    }
}
