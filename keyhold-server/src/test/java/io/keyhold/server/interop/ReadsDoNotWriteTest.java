package io.keyhold.server.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestHeader;
import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ServerAssembly;
import io.keyhold.server.auth.Identity;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.dispatch.ConnectionSession;
import io.keyhold.server.dispatch.RequestContext;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.store.sql.SqlAuditLog;
import io.keyhold.server.store.sql.SqlObjectStore;
import io.keyhold.server.testing.HeldWriter;
import io.keyhold.server.testing.Payloads;
import io.keyhold.server.testing.TestMasterKeys;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading operations do not write objects and do not wait for a disk sync: a Get, Get Attributes or
 * Locate changes no stored object unless it has something to change (the first Get clears Fresh; a due
 * lifecycle date is stored), and its audit record is queued to the writer, committed with a later
 * group, so the answer does not wait for the writer at all (unless audit.durable_reads is set).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReadsDoNotWriteTest {
    private static final KmipVersion V = KmipVersion.V1_2;

    private static TtlvItem call(ServerAssembly.Assembly a, Operation op, TtlvItem payload) throws Exception {
        byte[] request = new TtlvEncoder().encode(new RequestMessage(RequestHeader.of(V, 1),
                List.of(RequestBatchItem.of(op, payload))).toTtlv());
        ResponseMessage r = ResponseMessage.from(new TtlvDecoder().decode(a.processor().process(request,
                new RequestContext(new Identity("client1"), "127.0.0.1:1", new ConnectionSession()))));
        assertThat(r.batchItems().get(0).resultStatus()).as(r.batchItems().get(0).resultMessage())
                .isEqualTo(ResultStatus.SUCCESS.value());
        return r.batchItems().get(0).payload();
    }

    @Test
    void repeatedReads_changeNoObjectAndAnswerWhileTheWriterIsBusy(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("k.db");
        SqlObjectStore store = SqlObjectStore.open(db, TestMasterKeys.ephemeral());
        CountDownLatch release = new CountDownLatch(1);
        Thread blocker = null;
        try (ServerAssembly.Assembly a = ServerAssembly.open(store, Clock.systemUTC())) {
            String uid = call(a, Operation.CREATE, Payloads.createAes(V, 256)).child(Tag.UNIQUE_IDENTIFIER).orElseThrow()
                    .textValue();
            call(a, Operation.GET, Payloads.withUid(uid)); // clears Fresh: one write
            StoredObject before = store.read(tx -> tx.get(uid)).orElseThrow();

            // hold the only writer: anything that waited for a commit would now wait forever
            blocker = HeldWriter.hold(store, release);
            for (int i = 0; i < 20; i++) {
                call(a, Operation.GET, Payloads.withUid(uid));
                call(a, Operation.GET_ATTRIBUTES, Payloads.getAttributes(V, uid, "State"));
                call(a, Operation.LOCATE, Payloads.payload());
            }
            assertThat(store.queuedAuditRecords()).as("audit records of 60 reads waiting for the writer").isEqualTo(60);
            release.countDown();
            blocker.join();

            StoredObject after = store.read(tx -> tx.get(uid)).orElseThrow();
            assertThat(after.attributes()).as("attributes after 60 reads").isEqualTo(before.attributes());
        } finally {
            release.countDown();
        }
        try (SqlAuditLog log = SqlAuditLog.open(db)) {
            List<String> operations = new ArrayList<>();
            log.scan(r -> operations.add(r.event().operation()));
            assertThat(operations).hasSize(62);
            assertThat(operations.subList(2, 62)).containsOnly("Get", "Get Attributes", "Locate");
        }
    }

    @Test
    void durableReads_answerWaitsForTheRecordsCommit(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("k.db");
        SqlObjectStore store = SqlObjectStore.open(db, TestMasterKeys.ephemeral());
        CountDownLatch release = new CountDownLatch(1);
        try (ServerAssembly.Assembly a = ServerAssembly.open(store, Clock.systemUTC(),
                io.keyhold.server.crypto.CryptoPolicy.DEFAULT, 0, ServerConfig.Access.defaults(),
                new ServerConfig.Audit(true))) {
            String uid = call(a, Operation.CREATE, Payloads.createAes(V, 256)).child(Tag.UNIQUE_IDENTIFIER).orElseThrow()
                    .textValue();
            call(a, Operation.GET, Payloads.withUid(uid)); // clears Fresh
            Thread blocker = HeldWriter.hold(store, release);
            AtomicBoolean answered = new AtomicBoolean();
            Thread reader = new Thread(() -> {
                try {
                    call(a, Operation.GET, Payloads.withUid(uid));
                    answered.set(true);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            reader.start();
            while (reader.getState() != Thread.State.WAITING) {
                Thread.onSpinWait(); // the Get waits for the commit of its record
            }
            assertThat(answered).isFalse();
            release.countDown();
            reader.join();
            blocker.join();
            assertThat(answered).isTrue();
        } finally {
            release.countDown();
        }
        try (SqlAuditLog log = SqlAuditLog.open(db)) {
            List<String> operations = new ArrayList<>();
            log.scan(r -> operations.add(r.event().operation()));
            assertThat(operations).containsExactly("Create", "Get", "Get");
        }
    }
}
