package io.keyhold.server.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestHeader;
import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.server.ServerAssembly;
import io.keyhold.server.audit.AuditChain;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.audit.AuditRecord;
import io.keyhold.server.audit.AuditVerifier;
import io.keyhold.server.auth.Identity;
import io.keyhold.server.dispatch.ConnectionSession;
import io.keyhold.server.dispatch.DispatcherFixture;
import io.keyhold.server.dispatch.RequestContext;
import io.keyhold.server.testing.HeldWriter;
import io.keyhold.server.testing.Payloads;
import io.keyhold.server.testing.TestMasterKeys;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite store's audit chain: records commit with their transaction, the head follows rollbacks. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SqliteAuditTest {
    @TempDir
    Path dir;

    private Path db() {
        return dir.resolve("audit.db");
    }

    private static AuditEvent event(String operation, String... uids) {
        // nanoseconds on purpose: the record keeps milliseconds, as stored, so the chain verifies when read back
        return new AuditEvent(Instant.parse("2026-02-01T00:00:00.001999999Z"), "client1", "127.0.0.1:9", "2.1", operation,
                List.of(uids), uids.length, "Success", null, null);
    }

    private List<AuditRecord> stored() {
        try (SqlAuditLog log = SqlAuditLog.open(db())) {
            List<AuditRecord> out = new ArrayList<>();
            log.scan(out::add);
            return out;
        }
    }

    private AuditVerifier.Result verify() {
        try (SqlAuditLog log = SqlAuditLog.open(db())) {
            AuditVerifier v = new AuditVerifier();
            Optional<AuditChain.Head> head = log.scan(v::accept);
            return v.finish(head);
        }
    }

    @Test
    void appendAudit_rolledBackWork_leavesNeitherChangeNorRecordNorHeadMove() throws Exception {
        try (SqlObjectStore store = SqlObjectStore.open(db(), TestMasterKeys.ephemeral())) {
            assertThatThrownBy(() -> store.write(tx -> {
                tx.insert(DispatcherFixture.key("k-1", "client1"));
                tx.appendAudit(event("Create", "k-1"));
                throw new KmipException(ResultReason.GENERAL_FAILURE, "no");
            })).isInstanceOf(KmipException.class);
            AuditRecord r = store.write(tx -> {
                tx.insert(DispatcherFixture.key("k-2", "client1"));
                return tx.appendAudit(event("Create", "k-2"));
            });
            assertThat(r.sequence()).isEqualTo(1);
            assertThat(r.previousHash()).isEqualTo(AuditChain.GENESIS_BYTES);
            boolean present = store.read(tx -> tx.get("k-1").isPresent());
            assertThat(present).isFalse();
        }
        assertThat(stored()).extracting(a -> a.event().uniqueIdentifiers()).containsExactly(List.of("k-2"));
        assertThat(verify().problem()).isEmpty();
    }

    @Test
    void groupWithFailingWorks_committedRecordsStayContiguousAndTheChainVerifies() throws Exception {
        try (SqlObjectStore store = SqlObjectStore.open(db(), TestMasterKeys.ephemeral())) {
            CountDownLatch release = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                Thread blocker = HeldWriter.hold(store, release);
                List<Future<?>> works = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    int n = i;
                    works.add(pool.submit(() -> store.write(tx -> {
                        tx.appendAudit(event("Create", "w-" + n));
                        if (n % 2 == 1) {
                            throw new KmipException(ResultReason.GENERAL_FAILURE, "odd works fail");
                        }
                        return null;
                    })));
                }
                while (store.queuedWrites() < 8) {
                    Thread.onSpinWait(); // the eight works wait for the writer, to run as one group
                }
                release.countDown();
                blocker.join();
                int failed = 0;
                for (Future<?> f : works) {
                    try {
                        f.get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        failed++;
                    }
                }
                assertThat(failed).isEqualTo(4);
            } finally {
                release.countDown();
                pool.shutdownNow();
            }
        }
        List<AuditRecord> records = stored();
        assertThat(records).extracting(AuditRecord::sequence).containsExactly(1L, 2L, 3L, 4L);
        assertThat(records).extracting(r -> r.event().uniqueIdentifiers().get(0))
                .allSatisfy(uid -> assertThat(Integer.parseInt(uid.substring(2)) % 2).isZero());
        AuditVerifier.Result result = verify();
        assertThat(result.problem()).isEmpty();
        assertThat(result.verified()).isEqualTo(4);
    }

    @Test
    void chain_continuesAcrossReopen_andTheHeadRowFollowsIt() throws Exception {
        var masterKey = TestMasterKeys.ephemeral();
        try (SqlObjectStore store = SqlObjectStore.open(db(), masterKey)) {
            store.appendAudit(List.of(event("Get", "a"), event("Get", "b")), true);
        }
        try (SqlObjectStore store = SqlObjectStore.open(db(), masterKey)) {
            store.appendAudit(List.of(event("Locate")), false); // queued; close commits what is queued
        }
        List<AuditRecord> records = stored();
        assertThat(records).extracting(AuditRecord::sequence).containsExactly(1L, 2L, 3L);
        assertThat(records.get(2).previousHash()).isEqualTo(records.get(1).hash());
        AuditVerifier.Result result = verify();
        assertThat(result.problem()).isEmpty();
        assertThat(result.head()).isEqualTo(AuditChain.Head.of(records.get(2)));
    }

    @Test
    void twoStoresOnOneDatabase_eachContinuesTheOthersRecords_theChainVerifies() throws Exception {
        var masterKey = TestMasterKeys.ephemeral();
        try (SqlObjectStore server = SqlObjectStore.open(db(), masterKey)) {
            server.appendAudit(List.of(event("Get", "a")), true);
            // a second process on the same file, as keyhold grant while the server runs
            try (SqlObjectStore cli = SqlObjectStore.open(db(), masterKey)) {
                cli.write(tx -> tx.appendAudit(AuditEvent.change(Instant.EPOCH, "operator ops", "local", "Grant",
                        List.of("a"), "granted Get on object a to identity client2")));
            }
            server.appendAudit(List.of(event("Get", "b")), true);
            AuditRecord last = server.write(tx -> tx.appendAudit(event("Create", "c")));
            assertThat(last.sequence()).isEqualTo(4);
        }
        assertThat(stored()).extracting(r -> r.event().operation()).containsExactly("Get", "Grant", "Get", "Create");
        AuditVerifier.Result result = verify();
        assertThat(result.problem()).isEmpty();
        assertThat(result.verified()).isEqualTo(4);
    }

    @Test
    void detail_storedAndReadBackAsWritten_absentStaysAbsent_andTheChainVerifies() throws Exception {
        AuditEvent denied = new AuditEvent(Instant.parse("2026-02-01T00:00:01Z"), "client2", "127.0.0.1:9", "2.1", "Get",
                List.of("k-1"), 1, "Operation Failed", "Item Not Found", AuditEvent.ACCESS_DENIED);
        AuditEvent empty = new AuditEvent(Instant.parse("2026-02-01T00:00:02Z"), "client2", "127.0.0.1:9", "2.1", "Get",
                List.of(), 0, "Success", null, "");
        try (SqlObjectStore store = SqlObjectStore.open(db(), TestMasterKeys.ephemeral())) {
            store.appendAudit(List.of(denied, event("Get", "k-2"), empty), true);
        }
        assertThat(stored()).extracting(r -> r.event().detail()).containsExactly("access denied", null, "");
        assertThat(stored().get(0).event()).isEqualTo(denied);
        assertThat(verify().problem()).isEmpty();
        assertThat(verify().verified()).isEqualTo(3);
    }

    /** Starts a write that keeps the writer busy until {@code release}; returns once it is running. */
    @Test
    void queuedRecords_fullQueueMakesTheCallerWait_noRecordDropped() throws Exception {
        SqlObjectStore.Options options = SqlObjectStore.Options.DEFAULTS.withMaxQueuedAuditRecords(2);
        try (SqlObjectStore store = SqlObjectStore.open(db(), TestMasterKeys.ephemeral(), options)) {
            CountDownLatch release = new CountDownLatch(1);
            Thread blocker = HeldWriter.hold(store, release);
            store.appendAudit(List.of(event("Get", "1")), false);
            store.appendAudit(List.of(event("Get", "2")), false);
            AtomicBoolean thirdReturned = new AtomicBoolean();
            Thread third = new Thread(() -> {
                try {
                    store.appendAudit(List.of(event("Get", "3")), false);
                    thirdReturned.set(true);
                } catch (KmipException e) {
                    throw new IllegalStateException(e);
                }
            });
            third.start();
            while (third.getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
            }
            assertThat(thirdReturned).isFalse();
            assertThat(store.queuedAuditRecords()).isEqualTo(2);
            release.countDown();
            third.join();
            blocker.join();
            assertThat(thirdReturned).isTrue();
        }
        assertThat(stored()).extracting(r -> r.event().uniqueIdentifiers().get(0)).containsExactly("1", "2", "3");
    }

    @Test
    void deferredRecord_alone_isCommittedWithoutAnyOtherWrite() throws Exception {
        CountDownLatch heard = new CountDownLatch(1);
        try (SqlObjectStore store = SqlObjectStore.open(db(), TestMasterKeys.ephemeral())) {
            store.auditListener(records -> records.forEach(r -> heard.countDown()));
            store.appendAudit(List.of(event("Get", "alone")), false);
            assertThat(heard.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(store.queuedAuditRecords()).isZero();
            assertThat(stored()).extracting(r -> r.event().uniqueIdentifiers().get(0)).containsExactly("alone");
        }
    }

    @Test
    void deferredRecords_commitWithTheNextWorkACallerWaitsFor_inOneGroup() throws Exception {
        try (SqlObjectStore store = SqlObjectStore.open(db(), TestMasterKeys.ephemeral())) {
            CountDownLatch release = new CountDownLatch(1);
            Thread blocker = HeldWriter.hold(store, release);
            long commitsBefore = store.stats().commits();
            store.appendAudit(List.of(event("Get", "1")), false);
            store.appendAudit(List.of(event("Get", "2"), event("Get", "3")), false);
            Thread waiting = new Thread(() -> {
                try {
                    store.write(tx -> tx.appendAudit(event("Create", "4")));
                } catch (KmipException e) {
                    throw new IllegalStateException(e);
                }
            });
            waiting.start();
            while (store.queuedAuditRecords() != 3 || waiting.getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
            }
            release.countDown();
            blocker.join();
            waiting.join();
            // the blocker's group, then one group of the waited-for work and the three deferred records
            assertThat(store.stats().commits()).isEqualTo(commitsBefore + 2);
            assertThat(store.queuedAuditRecords()).isZero();
        }
        assertThat(stored()).extracting(r -> r.event().uniqueIdentifiers().get(0)).containsExactly("1", "2", "3", "4");
        assertThat(verify().problem()).isEmpty();
    }

    @Test
    void deferredRecords_oneFailingHalfway_theOthersCommitInTheSameGroup_noHalfRecordStays() throws Exception {
        try (SqlObjectStore store = SqlObjectStore.open(db(), TestMasterKeys.ephemeral())) {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db());
                    Statement st = c.createStatement()) {
                st.execute("CREATE TRIGGER poison BEFORE INSERT ON audit_object WHEN NEW.uid = 'poison'"
                        + " BEGIN SELECT RAISE(ABORT, 'poisoned record'); END");
            }
            ReadRecordGroups.readsWithOnePoisoned(store);
        }
        try (SqlAuditLog log = SqlAuditLog.open(db())) {
            ReadRecordGroups.assertThreeReadsChained(log);
        }
    }

    @Test
    void listener_hearsOfCommittedRecordsOnly() throws Exception {
        List<AuditRecord> heard = Collections.synchronizedList(new ArrayList<>());
        try (SqlObjectStore store = SqlObjectStore.open(db(), TestMasterKeys.ephemeral())) {
            store.auditListener(heard::addAll);
            store.write(tx -> tx.appendAudit(event("Create", "x")));
            assertThatThrownBy(() -> store.write(tx -> {
                tx.appendAudit(event("Create", "y"));
                throw new KmipException(ResultReason.GENERAL_FAILURE, "rolled back");
            })).isInstanceOf(KmipException.class);
            store.appendAudit(List.of(event("Get", "x")), true);
        }
        assertThat(heard).extracting(r -> r.event().operation() + r.event().uniqueIdentifiers())
                .containsExactly("Create[x]", "Get[x]");
        assertThat(heard).isEqualTo(stored());
    }

    @Test
    void concurrentRequests_everyItemRecordedAndTheChainVerifies() throws Exception {
        int threads = 6;
        int rounds = 15;
        try (SqlObjectStore store = SqlObjectStore.open(db(), TestMasterKeys.ephemeral());
             ServerAssembly.Assembly a = ServerAssembly.open(store, Clock.systemUTC())) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    RequestContext who = new RequestContext(new Identity("client" + t), "127.0.0.1:" + (1000 + t),
                            new ConnectionSession());
                    results.add(pool.submit(() -> {
                        int items = 0;
                        for (int i = 0; i < rounds; i++) {
                            ResponseMessage created = call(a, who, Operation.CREATE, Payloads.createAes(KmipVersion.V1_4, 128));
                            String uid = created.batchItems().get(0).payload().child(Tag.UNIQUE_IDENTIFIER).orElseThrow()
                                    .textValue();
                            call(a, who, Operation.GET, Payloads.withUid(uid));
                            call(a, who, Operation.GET, Payloads.withUid("missing-" + i));
                            items += 3;
                        }
                        return items;
                    }));
                }
                int total = 0;
                for (Future<Integer> f : results) {
                    total += f.get();
                }
                assertThat(total).isEqualTo(threads * rounds * 3);
            } finally {
                pool.shutdownNow();
            }
        }
        AuditVerifier.Result result = verify();
        assertThat(result.problem()).isEmpty();
        assertThat(result.verified()).isEqualTo(threads * rounds * 3);
        assertThat(stored()).filteredOn(r -> r.event().identity().equals("client3")).hasSize(rounds * 3);
    }

    private static ResponseMessage call(ServerAssembly.Assembly a, RequestContext who, Operation op,
                                        io.keyhold.protocol.ttlv.TtlvItem payload) throws Exception {
        byte[] request = new TtlvEncoder().encode(new RequestMessage(RequestHeader.of(KmipVersion.V1_4, 1),
                List.of(RequestBatchItem.of(op, payload))).toTtlv());
        ResponseMessage r = ResponseMessage.from(new TtlvDecoder().decode(a.processor().process(request, who)));
        if (op == Operation.CREATE) {
            assertThat(r.batchItems().get(0).resultStatus()).isEqualTo(ResultStatus.SUCCESS.value());
        }
        return r;
    }
}
