package io.keyhold.server.rotation;

import static io.keyhold.server.testing.Payloads.createAes;
import static io.keyhold.server.testing.Payloads.name;
import static io.keyhold.server.testing.Payloads.objectGroup;
import static io.keyhold.server.testing.Payloads.payload;
import static io.keyhold.server.testing.Payloads.uid;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.message.MessageEncoder;
import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestHeader;
import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.LinkType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.RevocationReasonCode;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ServerAssembly;
import io.keyhold.server.audit.AuditChain;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.audit.AuditVerifier;
import io.keyhold.server.auth.Identity;
import io.keyhold.server.dispatch.ConnectionSession;
import io.keyhold.server.dispatch.RequestContext;
import io.keyhold.server.security.MasterKey;
import io.keyhold.server.security.MasterKeyRing;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.RotationPolicy;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.store.sql.Database;
import io.keyhold.server.store.sql.SqlAuditLog;
import io.keyhold.server.store.sql.SqlObjectStore;
import io.keyhold.server.testing.TestMasterKeys;
import io.keyhold.server.testing.TestPostgres;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scheduled rotation on a real assembly, the clock under the test's control. */
class RotationSchedulerTest {
    private static final long DAY = 86_400;
    private static final long T0 = Instant.parse("2026-03-01T00:00:00Z").getEpochSecond();
    private static final String OWNER = "alice";

    @TempDir
    Path dir;
    private final MasterKey key = TestMasterKeys.fixed();
    private final MutableClock clock = new MutableClock(T0);

    /** One node: its store, its processor and its scheduler, all on the test's clock. */
    private final class Node implements AutoCloseable {
        final ObjectStore store;
        final ServerAssembly.Assembly assembly;
        final RotationScheduler scheduler;

        Node(ObjectStore store) {
            this.store = store;
            this.assembly = ServerAssembly.open(store, clock);
            this.scheduler = new RotationScheduler(store, assembly.processor(), clock);
        }

        ResponseBatchItem call(Operation operation, TtlvItem requestPayload) throws Exception {
            RequestMessage request = new RequestMessage(RequestHeader.of(KmipVersion.V2_1, 1),
                    List.of(RequestBatchItem.of(operation, requestPayload)));
            try (ConnectionSession session = new ConnectionSession()) {
                byte[] answer = assembly.processor().process(new MessageEncoder().encode(request),
                        new RequestContext(new Identity(OWNER), "127.0.0.1:1", session));
                return ResponseMessage.from(new TtlvDecoder().decode(answer)).batchItems().get(0);
            }
        }

        TtlvItem ok(Operation operation, TtlvItem requestPayload) throws Exception {
            ResponseBatchItem item = call(operation, requestPayload);
            assertThat(item.resultStatus()).as(operation.specName() + ": " + item.resultMessage())
                    .isEqualTo(ResultStatus.SUCCESS.value());
            return item.payload();
        }

        String activeAes(KmipAttribute... attributes) throws Exception {
            String id = ok(Operation.CREATE, createAes(KmipVersion.V2_1, 256, attributes))
                    .child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
            ok(Operation.ACTIVATE, payload(uid(id)));
            return id;
        }

        StoredObject object(String id) throws Exception {
            return store.read(tx -> tx.get(id)).orElseThrow();
        }

        @Override
        public void close() {
            assembly.close();
        }
    }

    private ObjectStore sqlite() {
        return SqlObjectStore.open(dir.resolve("keyhold.db"), key);
    }

    private static KmipAttribute automatic(long intervalSeconds) {
        return KmipAttribute.of(TtlvItem.bool(Tag.ROTATE_AUTOMATIC, true));
    }

    private static KmipAttribute interval(long seconds) {
        return KmipAttribute.of(TtlvItem.interval(Tag.ROTATE_INTERVAL, seconds));
    }

    @Test
    void keysRotateOnTimeOnceAndTheReplacedKeyIsRevokedAfterTheGrace() throws Exception {
        try (Node node = new Node(sqlite())) {
            node.store.write(tx -> tx.insertRotationPolicy(
                    new RotationPolicy("payments", "payments", null, null, 10 * DAY, 2 * DAY, T0)));
            String daily = node.activeAes(name("daily"), automatic(DAY), interval(DAY));
            String grouped = node.activeAes(name("grouped"), objectGroup("payments"));
            String manual = node.activeAes(name("manual"), automatic(3 * DAY), interval(3 * DAY));
            String never = node.activeAes(name("never"));
            String optedOut = node.activeAes(name("opted-out"), objectGroup("payments"),
                    KmipAttribute.of(TtlvItem.bool(Tag.ROTATE_AUTOMATIC, false)));

            clock.set(T0 + DAY - 1);
            assertThat(node.scheduler.runOnce().rotated()).as("one second early").isEmpty();

            clock.set(T0 + DAY);
            RotationScheduler.Round first = node.scheduler.runOnce();
            assertThat(first.failures()).isEmpty();
            assertThat(first.rotated()).extracting(RotationScheduler.Rotation::replaced).containsExactly(daily);
            String daily2 = first.rotated().get(0).replacement();
            assertThat(node.scheduler.runOnce().rotated()).as("the same round again").isEmpty();

            StoredObject old = node.object(daily);
            StoredObject fresh = node.object(daily2);
            assertThat(RotationSchedule.link(old, LinkType.REPLACEMENT_OBJECT_LINK)).contains(daily2);
            assertThat(RotationSchedule.link(fresh, LinkType.REPLACED_OBJECT_LINK)).contains(daily);
            assertThat(value(fresh, "Rotate Generation").intValue()).isEqualTo(1);
            assertThat(value(old, "Rotate Generation").intValue()).isZero();
            assertThat(value(fresh, "Rotate Latest").booleanValue()).isTrue();
            assertThat(value(old, "Rotate Latest").booleanValue()).isFalse();
            assertThat(value(fresh, "Rotate Date").dateTimeValue()).isEqualTo(T0 + DAY);
            assertThat(value(fresh, "Name").child(Tag.NAME_VALUE).orElseThrow().textValue()).isEqualTo("daily");
            assertThat(value(fresh, "Rotate Interval").intervalValue()).isEqualTo(DAY);
            assertThat(fresh.state()).isEqualTo(State.ACTIVE.value());
            assertThat(old.state()).as("no grace without a policy").isEqualTo(State.ACTIVE.value());

            clock.set(T0 + 2 * DAY);
            String manual2 = node.ok(Operation.RE_KEY, payload(uid(manual))).child(Tag.UNIQUE_IDENTIFIER)
                    .orElseThrow().textValue();
            RotationScheduler.Round second = node.scheduler.runOnce();
            assertThat(second.rotated()).extracting(RotationScheduler.Rotation::replaced).containsExactly(daily2);
            String daily3 = second.rotated().get(0).replacement();
            assertThat(value(node.object(daily3), "Rotate Generation").intValue()).isEqualTo(2);

            clock.set(T0 + 10 * DAY);
            RotationScheduler.Round third = node.scheduler.runOnce();
            assertThat(third.failures()).isEmpty();
            assertThat(third.rotated()).extracting(RotationScheduler.Rotation::replaced)
                    .containsExactlyInAnyOrder(daily3, grouped, manual2);
            assertThat(third.rotated()).filteredOn(r -> r.replaced().equals(grouped))
                    .extracting(RotationScheduler.Rotation::source).containsExactly("policy payments");
            String grouped2 = third.rotated().stream().filter(r -> r.replaced().equals(grouped)).findFirst()
                    .orElseThrow().replacement();
            assertThat(node.object(grouped2).attributes("Object Group")).extracting(a -> a.value().textValue())
                    .containsExactly("payments");
            assertThat(node.scheduler.runOnce().rotated()).isEmpty();
            String daily4 = third.rotated().stream().filter(r -> r.replaced().equals(daily3)).findFirst()
                    .orElseThrow().replacement();

            clock.set(T0 + 12 * DAY - 1);
            RotationScheduler.Round early = node.scheduler.runOnce();
            assertThat(early.rotated()).as("the daily chain, due at T0 + 11 days")
                    .extracting(RotationScheduler.Rotation::replaced).containsExactly(daily4);
            assertThat(early.revoked()).isEmpty();
            assertThat(node.object(grouped).state()).isEqualTo(State.ACTIVE.value());

            clock.set(T0 + 12 * DAY);
            RotationScheduler.Round graceOver = node.scheduler.runOnce();
            assertThat(graceOver.revoked()).containsExactly(grouped);
            assertThat(node.object(grouped).state()).isEqualTo(State.DEACTIVATED.value());
            assertThat(node.ok(Operation.GET, payload(uid(grouped))).child(Tag.UNIQUE_IDENTIFIER).orElseThrow()
                    .textValue()).as("Get on the Deactivated key").isEqualTo(grouped);
            assertThat(node.scheduler.runOnce().revoked()).isEmpty();

            for (String id : List.of(never, optedOut, manual)) {
                assertThat(node.object(id).attribute("Rotate Generation")).as(id).isEmpty();
            }
            assertThat(node.object(optedOut).attribute("Link")).isEmpty();
            assertThat(node.object(never).attribute("Link")).isEmpty();

            List<AuditEvent> events = verifiedAudit(Database.sqlite(dir.resolve("keyhold.db")));
            List<String> scheduled = events.stream().filter(e -> e.sourceAddress().equals(RotationScheduler.SOURCE))
                    .map(e -> e.operation() + " " + e.uniqueIdentifiers().get(0)).toList();
            assertThat(scheduled).contains("Re-key " + daily, RotationScheduler.AUDIT_OPERATION + " " + daily,
                    "Re-key " + grouped, RotationScheduler.AUDIT_OPERATION + " " + grouped, "Revoke " + grouped);
            assertThat(scheduled).filteredOn(s -> s.startsWith("Re-key ")).hasSize(6);
            assertThat(events).filteredOn(e -> e.sourceAddress().equals(RotationScheduler.SOURCE))
                    .allSatisfy(e -> {
                        assertThat(e.identity()).isEqualTo(OWNER);
                        assertThat(e.resultStatus()).isEqualTo("Success");
                    });
        }
    }

    @Test
    void aPrivateKeyRotatesByReKeyKeyPair() throws Exception {
        try (Node node = new Node(sqlite())) {
            TtlvItem created = node.ok(Operation.CREATE_KEY_PAIR, payload(
                    io.keyhold.protocol.message.AttributeMapping.toAttributes(Tag.COMMON_ATTRIBUTES, List.of(
                            KmipAttribute.of(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM,
                                    io.keyhold.protocol.spec.CryptographicAlgorithm.EC.value())),
                            io.keyhold.server.testing.Payloads.length(256))),
                    io.keyhold.protocol.message.AttributeMapping.toAttributes(Tag.PRIVATE_KEY_ATTRIBUTES, List.of(
                            io.keyhold.server.testing.Payloads.usageMask(1), automatic(DAY), interval(DAY))),
                    io.keyhold.protocol.message.AttributeMapping.toAttributes(Tag.PUBLIC_KEY_ATTRIBUTES, List.of(
                            io.keyhold.server.testing.Payloads.usageMask(2)))));
            String priv = created.child(Tag.PRIVATE_KEY_UNIQUE_IDENTIFIER).orElseThrow().textValue();
            node.ok(Operation.ACTIVATE, payload(uid(priv)));
            clock.set(T0 + DAY);
            RotationScheduler.Round round = node.scheduler.runOnce();
            assertThat(round.failures()).isEmpty();
            assertThat(round.rotated()).extracting(RotationScheduler.Rotation::replaced).containsExactly(priv);
            StoredObject fresh = node.object(round.rotated().get(0).replacement());
            assertThat(fresh.objectType()).isEqualTo(io.keyhold.protocol.spec.ObjectType.PRIVATE_KEY.value());
            assertThat(value(fresh, "Rotate Generation").intValue()).isEqualTo(1);
            assertThat(RotationSchedule.link(fresh, LinkType.REPLACED_OBJECT_LINK)).contains(priv);
        }
    }

    @Test
    void twoNodesOnOneSqliteFileNeverRotateAKeyTwice() throws Exception {
        twoNodes(this::sqlite);
    }

    @Test
    void twoNodesOnOnePostgresSchemaNeverRotateAKeyTwice() throws Exception {
        try (TestPostgres postgres = TestPostgres.create()) {
            MasterKeyRing ring = MasterKeyRing.of(key);
            twoNodes(() -> SqlObjectStore.open(postgres.database(), ring, SqlObjectStore.Options.DEFAULTS));
        }
    }

    private void twoNodes(Supplier<ObjectStore> stores) throws Exception {
        try (Node a = new Node(stores.get()); Node b = new Node(stores.get())) {
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                keys.add(a.activeAes(name("k" + i), automatic(DAY), interval(DAY)));
            }
            List<RotationScheduler.Rotation> all = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                for (int round = 1; round <= 3; round++) {
                    clock.set(T0 + round * DAY);
                    List<Callable<RotationScheduler.Round>> work = List.of(a.scheduler::runOnce, b.scheduler::runOnce,
                            a.scheduler::runOnce, b.scheduler::runOnce);
                    List<RotationScheduler.Rotation> thisRound = new ArrayList<>();
                    for (Future<RotationScheduler.Round> f : pool.invokeAll(work)) {
                        assertThat(f.get().failures()).isEmpty();
                        thisRound.addAll(f.get().rotated());
                    }
                    assertThat(thisRound).as("round " + round).hasSize(keys.size());
                    all.addAll(thisRound);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(all).extracting(RotationScheduler.Rotation::replaced).doesNotHaveDuplicates();
            for (RotationScheduler.Rotation r : all) {
                assertThat(RotationSchedule.link(a.object(r.replaced()), LinkType.REPLACEMENT_OBJECT_LINK))
                        .contains(r.replacement());
            }
        }
    }

    private static TtlvItem value(StoredObject o, String attribute) {
        return o.attribute(attribute).orElseThrow(() -> new AssertionError(o.uniqueIdentifier() + " has no " + attribute))
                .value();
    }

    private static List<AuditEvent> verifiedAudit(Database database) {
        AuditVerifier verifier = new AuditVerifier();
        List<AuditEvent> events = new ArrayList<>();
        try (SqlAuditLog log = SqlAuditLog.open(database)) {
            Optional<AuditChain.Head> head = log.scan(r -> {
                events.add(r.event());
                return verifier.accept(r);
            });
            AuditVerifier.Result result = verifier.finish(head);
            assertThat(result.problem()).isEmpty();
            assertThat(result.verified()).isEqualTo(events.size());
        }
        return events;
    }

    /** A clock the test sets. */
    static final class MutableClock extends Clock {
        private volatile long seconds;

        MutableClock(long seconds) {
            this.seconds = seconds;
        }

        void set(long epochSeconds) {
            seconds = epochSeconds;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochSecond(seconds);
        }
    }
}
