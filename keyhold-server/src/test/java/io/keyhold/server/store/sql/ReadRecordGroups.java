package io.keyhold.server.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.server.audit.AuditChain;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.audit.AuditRecord;
import io.keyhold.server.audit.AuditVerifier;
import io.keyhold.server.testing.HeldWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A step the audit tests of both databases share: a group of read records with one that fails. */
final class ReadRecordGroups {
    private ReadRecordGroups() {
    }

    /**
     * Queues the records of four Gets, of the objects "1", "2", "poison" and "3", while the writer is held,
     * then lets it go, and checks that they ran as one group and that the three others committed, in order.
     * The database must refuse the record of "poison" (a trigger on its object list, so that the record
     * fails halfway through its rows).
     */
    static void readsWithOnePoisoned(SqlObjectStore store) throws Exception {
        CountDownLatch heard = new CountDownLatch(3);
        List<AuditRecord> committed = Collections.synchronizedList(new ArrayList<>());
        store.auditListener(records -> {
            committed.addAll(records);
            records.forEach(r -> heard.countDown());
        });
        CountDownLatch release = new CountDownLatch(1);
        Thread blocker = HeldWriter.hold(store, release);
        long commitsBefore = store.stats().commits();
        for (String uid : List.of("1", "2", "poison", "3")) {
            store.appendAudit(List.of(new AuditEvent(Instant.parse("2026-02-01T00:00:00.001Z"), "client1",
                    "127.0.0.1:9", "2.1", "Get", List.of(uid), 1, "Success", null, null)), false);
        }
        release.countDown();
        blocker.join();
        assertThat(heard.await(30, TimeUnit.SECONDS)).isTrue();
        // the blocker's group, then one group of the four records
        assertThat(store.stats().commits()).isEqualTo(commitsBefore + 2);
        assertThat(committed).extracting(r -> r.event().uniqueIdentifiers().get(0)).containsExactly("1", "2", "3");
    }

    /** Checks that the log holds the records of "1", "2" and "3" as records 1 to 3, and that its chain verifies. */
    static void assertThreeReadsChained(SqlAuditLog log) {
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
