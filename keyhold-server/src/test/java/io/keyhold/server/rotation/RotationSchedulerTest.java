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

    /** One AES-CBC Encrypt with the key, then the Decrypt of its answer: two uses. */
    private static void encryptAndDecrypt(Node node, String key) throws Exception {
        TtlvItem enc = node.ok(Operation.ENCRYPT, payload(uid(key), TtlvItem.bytes(Tag.DATA, new byte[] {1, 2, 3})));
        node.ok(Operation.DECRYPT, payload(uid(key), enc.child(Tag.DATA).orElseThrow(),
                enc.child(Tag.IV_COUNTER_NONCE).orElseThrow()));
    }

    private static void encrypt(Node node, String key, int times) throws Exception {
        for (int i = 0; i < times; i++) {
            node.ok(Operation.ENCRYPT, payload(uid(key), TtlvItem.bytes(Tag.DATA, new byte[] {4, 5, 6})));
        }
    }

    private static long storedUses(Node node, String key) throws Exception {
        return node.store.read(tx -> tx.objectUses(key));
    }

    @Test
    void aPolicyWithMaxUsesRotatesAKeyAfterExactlyThatManyUsesCountedAcrossFlushes() throws Exception {
        try (Node node = new Node(sqlite())) {
            node.store.write(tx -> tx.insertRotationPolicy(
                    new RotationPolicy("metered", "metered", null, null, null, null, T0, 5L)));
            String key = node.activeAes(name("metered"), objectGroup("metered"));
            String other = node.activeAes(name("other"));

            encryptAndDecrypt(node, key);
            node.ok(Operation.GET, payload(uid(key)));
            node.ok(Operation.GET_ATTRIBUTES, payload(uid(key)));
            assertThat(node.call(Operation.ENCRYPT, payload(uid(other + "-missing"), TtlvItem.bytes(Tag.DATA,
                    new byte[] {1}))).resultStatus()).isEqualTo(ResultStatus.OPERATION_FAILED.value());
            encrypt(node, other, 3);
            assertThat(node.assembly.processor().objectUses().pending()).containsEntry(key, 2L).containsEntry(other, 3L);
            assertThat(storedUses(node, key)).as("not written by the requests themselves").isZero();
            RotationScheduler.Round r1 = node.scheduler.runOnce();
            assertThat(r1.rotated()).isEmpty();
            assertThat(storedUses(node, key)).as("Get and Get Attributes are not uses").isEqualTo(2);
            assertThat(node.assembly.processor().objectUses().pending()).isEmpty();

            encryptAndDecrypt(node, key);
            assertThat(node.scheduler.runOnce().rotated()).as("4 of 5 uses").isEmpty();
            encrypt(node, key, 1);
            RotationScheduler.Round r3 = node.scheduler.runOnce();
            assertThat(r3.failures()).isEmpty();
            assertThat(r3.rotated()).extracting(RotationScheduler.Rotation::replaced).containsExactly(key);
            assertThat(r3.rotated().get(0).uses()).isEqualTo(5);
            assertThat(r3.rotated().get(0).due()).isNull();
            assertThat(r3.rotated().get(0).source()).isEqualTo("policy metered");
            String key2 = r3.rotated().get(0).replacement();
            assertThat(storedUses(node, key2)).as("the replacement starts at 0").isZero();
            assertThat(value(node.object(key2), "Name").child(Tag.NAME_VALUE).orElseThrow().textValue())
                    .isEqualTo("metered");

            encrypt(node, key, 7); // the replaced key is still Active (no grace) and used: not rotated again
            encrypt(node, key2, 4);
            RotationScheduler.Round r4 = node.scheduler.runOnce();
            assertThat(r4.rotated()).isEmpty();
            assertThat(storedUses(node, key)).isEqualTo(12);
            assertThat(storedUses(node, key2)).isEqualTo(4);
            encrypt(node, key2, 1);
            RotationScheduler.Round r5 = node.scheduler.runOnce();
            assertThat(r5.rotated()).extracting(RotationScheduler.Rotation::replaced).containsExactly(key2);
            assertThat(value(node.object(r5.rotated().get(0).replacement()), "Rotate Generation").intValue())
                    .isEqualTo(2);
            assertThat(node.object(other).attribute("Rotate Generation")).as("no policy: never rotated").isEmpty();

            List<AuditEvent> events = verifiedAudit(Database.sqlite(dir.resolve("keyhold.db")));
            assertThat(events).filteredOn(e -> e.operation().equals(RotationScheduler.AUDIT_OPERATION))
                    .extracting(AuditEvent::detail).first().asString().contains("5 of 5 uses");
            assertThat(events).filteredOn(e -> e.sourceAddress().equals(RotationScheduler.SOURCE)
                    && e.operation().equals("Re-key")).hasSize(2);
        }
    }

    @Test
    void usesOfTwoNodesOnOneSqliteFileAddUp() throws Exception {
        usesOfTwoNodesAddUp(this::sqlite);
    }

    @Test
    void usesOfTwoNodesOnOnePostgresSchemaAddUp() throws Exception {
        try (TestPostgres postgres = TestPostgres.create()) {
            MasterKeyRing ring = MasterKeyRing.of(key);
            usesOfTwoNodesAddUp(() -> SqlObjectStore.open(postgres.database(), ring, SqlObjectStore.Options.DEFAULTS));
        }
    }

    private void usesOfTwoNodesAddUp(Supplier<ObjectStore> stores) throws Exception {
        try (Node a = new Node(stores.get()); Node b = new Node(stores.get())) {
            a.store.write(tx -> tx.insertRotationPolicy(
                    new RotationPolicy("metered", null, null, 3, null, null, T0, 6L)));
            String key = a.activeAes(name("shared"));
            encrypt(a, key, 3);
            encrypt(b, key, 2);
            assertThat(a.scheduler.runOnce().rotated()).isEmpty();
            assertThat(b.scheduler.runOnce().rotated()).isEmpty();
            assertThat(storedUses(a, key)).isEqualTo(5);
            encrypt(b, key, 1);
            assertThat(a.scheduler.runOnce().rotated()).as("b has not added its sixth use yet").isEmpty();
            RotationScheduler.Round round = b.scheduler.runOnce();
            assertThat(round.failures()).isEmpty();
            assertThat(round.rotated()).extracting(RotationScheduler.Rotation::replaced).containsExactly(key);
            assertThat(round.rotated().get(0).uses()).isEqualTo(6);
            String replacement = round.rotated().get(0).replacement();
            encrypt(a, key, 2);
            encrypt(b, key, 2);
            assertThat(a.scheduler.runOnce().rotated()).isEmpty();
            assertThat(b.scheduler.runOnce().rotated()).isEmpty();
            assertThat(storedUses(a, key)).isEqualTo(10);
            assertThat(RotationSchedule.link(a.object(key), LinkType.REPLACEMENT_OBJECT_LINK)).contains(replacement);
            assertThat(RotationSchedule.link(a.object(replacement), LinkType.REPLACEMENT_OBJECT_LINK)).isEmpty();
            encrypt(a, replacement, 1);
        }
        try (ObjectStore reopened = stores.get()) {
            List<RotationPolicy> policies = reopened.read(tx -> tx.rotationPolicies());
            assertThat(policies).hasSize(1);
            String latest = reopened.read(tx -> RotationSchedule.upcoming(tx, 100)).get(0).object().uniqueIdentifier();
            assertThat((long) reopened.read(tx -> tx.objectUses(latest))).as("flushed when node a closed").isEqualTo(1);
        }
    }

    @Test
    void aNodeWithRotationOffStillAddsItsUses() throws Exception {
        try (Node node = new Node(sqlite());
             RotationScheduler countingOnly = RotationScheduler.startCountingOnly(node.store, node.assembly.processor(),
                     java.time.Duration.ofMillis(50))) {
            node.store.write(tx -> tx.insertRotationPolicy(
                    new RotationPolicy("metered", null, null, 3, null, null, T0, 2L)));
            String key = node.activeAes(name("counted"));
            encrypt(node, key, 3);
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (storedUses(node, key) < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(storedUses(node, key)).isEqualTo(3);
            Thread.sleep(200);
            assertThat(RotationSchedule.link(node.object(key), LinkType.REPLACEMENT_OBJECT_LINK))
                    .as("it runs no rounds").isEmpty();
        }
    }

    @Test
    void anIntervalAndMaxUsesRotateAtWhicheverComesFirst() throws Exception {
        try (Node node = new Node(sqlite())) {
            node.store.write(tx -> tx.insertRotationPolicy(
                    new RotationPolicy("both", "both", null, null, 10 * DAY, null, T0, 3L)));
            String busy = node.activeAes(name("busy"), objectGroup("both"));
            String idle = node.activeAes(name("idle"), objectGroup("both"));

            clock.set(T0 + DAY);
            encrypt(node, busy, 3);
            RotationScheduler.Round byUses = node.scheduler.runOnce();
            assertThat(byUses.rotated()).extracting(RotationScheduler.Rotation::replaced).containsExactly(busy);
            assertThat(byUses.rotated().get(0).due()).isEqualTo(Instant.ofEpochSecond(T0 + 10 * DAY));
            String busy2 = byUses.rotated().get(0).replacement();

            clock.set(T0 + 10 * DAY - 1);
            assertThat(node.scheduler.runOnce().rotated()).isEmpty();
            clock.set(T0 + 10 * DAY);
            RotationScheduler.Round byTime = node.scheduler.runOnce();
            assertThat(byTime.rotated()).as("busy2 is due at T0 + 11 days").extracting(RotationScheduler.Rotation::replaced)
                    .containsExactly(idle);
            assertThat(byTime.rotated().get(0).uses()).isZero();
            encrypt(node, busy2, 2);
            clock.set(T0 + 11 * DAY - 1);
            assertThat(node.scheduler.runOnce().rotated()).isEmpty();
            clock.set(T0 + 11 * DAY);
            assertThat(node.scheduler.runOnce().rotated()).extracting(RotationScheduler.Rotation::replaced)
                    .containsExactly(busy2);
        }
    }

    private static TtlvItem secretData(int secretDataType, byte[] material) {
        return TtlvItem.structure(Tag.SECRET_DATA, TtlvItem.enumeration(Tag.SECRET_DATA_TYPE, secretDataType),
                TtlvItem.structure(Tag.KEY_BLOCK, TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE,
                                io.keyhold.protocol.spec.KeyFormatType.OPAQUE.value()),
                        TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, material))));
    }

    private static String registerSecret(Node node, TtlvItem secret, KmipAttribute... attributes) throws Exception {
        String id = node.ok(Operation.REGISTER, payload(
                TtlvItem.enumeration(Tag.OBJECT_TYPE, io.keyhold.protocol.spec.ObjectType.SECRET_DATA.value()),
                io.keyhold.server.testing.Payloads.attributes(KmipVersion.V2_1, List.of(attributes)), secret))
                .child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
        node.ok(Operation.ACTIVATE, payload(uid(id)));
        return id;
    }

    @Test
    void secretDataRotatesOnScheduleWithFreshMaterialAndItsNamesAndIsRevokedAfterTheGrace() throws Exception {
        try (Node node = new Node(sqlite())) {
            node.store.write(tx -> {
                tx.insertRotationPolicy(new RotationPolicy("secrets", "vault",
                        io.keyhold.protocol.spec.ObjectType.SECRET_DATA.value(), null, DAY, 2 * DAY, T0));
                return tx.insertRotationPolicy(new RotationPolicy("payments", "payments", null, null, DAY, null, T0));
            });
            byte[] seedBytes = new byte[48];
            java.util.Arrays.fill(seedBytes, (byte) 7);
            String seed = registerSecret(node, secretData(io.keyhold.protocol.spec.SecretDataType.SEED.value(),
                    seedBytes), name("db-seed"), objectGroup("vault"));
            byte[] passwordBytes = "correct horse battery staple!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            String password = registerSecret(node, secretData(io.keyhold.protocol.spec.SecretDataType.PASSWORD.value(),
                    passwordBytes), name("db-password"), automatic(DAY), interval(DAY));
            String grouped = registerSecret(node, secretData(io.keyhold.protocol.spec.SecretDataType.SEED.value(),
                    new byte[16]), name("grouped-secret"), objectGroup("payments"));
            String groupedKey = node.activeAes(name("grouped-key"), objectGroup("payments"));

            clock.set(T0 + DAY);
            RotationScheduler.Round round = node.scheduler.runOnce();
            assertThat(round.failures()).isEmpty();
            assertThat(round.rotated()).extracting(RotationScheduler.Rotation::replaced)
                    .as("a policy without Object Type rotates keys only")
                    .containsExactlyInAnyOrder(seed, password, groupedKey);
            assertThat(node.scheduler.runOnce().rotated()).as("not twice").isEmpty();
            String seed2 = round.rotated().stream().filter(r -> r.replaced().equals(seed)).findFirst().orElseThrow()
                    .replacement();
            String password2 = round.rotated().stream().filter(r -> r.replaced().equals(password)).findFirst()
                    .orElseThrow().replacement();
            assertThat(round.rotated()).filteredOn(r -> r.replaced().equals(password))
                    .extracting(RotationScheduler.Rotation::source).containsExactly("Rotate Interval");

            StoredObject oldSeed = node.object(seed);
            StoredObject newSeed = node.object(seed2);
            assertThat(newSeed.objectType()).isEqualTo(io.keyhold.protocol.spec.ObjectType.SECRET_DATA.value());
            assertThat(newSeed.object().child(Tag.SECRET_DATA_TYPE).orElseThrow().enumValue())
                    .isEqualTo(io.keyhold.protocol.spec.SecretDataType.SEED.value());
            byte[] fresh = io.keyhold.server.crypto.KeyMaterial.secretBytes(newSeed);
            assertThat(fresh).hasSize(48).isNotEqualTo(seedBytes);
            assertThat(io.keyhold.server.crypto.KeyMaterial.secretBytes(oldSeed)).isEqualTo(seedBytes);
            assertThat(newSeed.state()).isEqualTo(State.ACTIVE.value());
            assertThat(newSeed.owner()).isEqualTo(OWNER);
            assertThat(value(newSeed, "Name").child(Tag.NAME_VALUE).orElseThrow().textValue()).isEqualTo("db-seed");
            assertThat(oldSeed.attribute("Name")).isEmpty();
            assertThat(RotationSchedule.link(oldSeed, LinkType.REPLACEMENT_OBJECT_LINK)).contains(seed2);
            assertThat(RotationSchedule.link(newSeed, LinkType.REPLACED_OBJECT_LINK)).contains(seed);
            assertThat(value(newSeed, "Rotate Generation").intValue()).isEqualTo(1);
            assertThat(value(newSeed, "Rotate Latest").booleanValue()).isTrue();
            assertThat(value(oldSeed, "Rotate Latest").booleanValue()).isFalse();
            assertThat(value(newSeed, "Rotate Date").dateTimeValue()).isEqualTo(T0 + DAY);
            TtlvItem got = node.ok(Operation.GET, payload(uid(seed2)));
            assertThat(got.child(Tag.SECRET_DATA).orElseThrow().child(Tag.KEY_BLOCK).orElseThrow()
                    .child(Tag.KEY_VALUE).orElseThrow().child(Tag.KEY_MATERIAL).orElseThrow().bytesValue())
                    .isEqualTo(fresh);

            StoredObject newPassword = node.object(password2);
            assertThat(newPassword.object().child(Tag.SECRET_DATA_TYPE).orElseThrow().enumValue())
                    .isEqualTo(io.keyhold.protocol.spec.SecretDataType.PASSWORD.value());
            String text = new String(io.keyhold.server.crypto.KeyMaterial.secretBytes(newPassword),
                    java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(text).hasSize(passwordBytes.length).matches("[A-Za-z0-9]+")
                    .isNotEqualTo(new String(passwordBytes, java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(value(newPassword, "Rotate Interval").intervalValue()).isEqualTo(DAY);
            assertThat(node.object(grouped).attribute("Link")).isEmpty();

            clock.set(T0 + 3 * DAY - 1);
            RotationScheduler.Round second = node.scheduler.runOnce();
            assertThat(second.failures()).isEmpty();
            assertThat(second.revoked()).doesNotContain(seed);
            assertThat(second.rotated()).as("the replacements are due at T0 + 2 days")
                    .extracting(RotationScheduler.Rotation::replaced).contains(seed2, password2);
            assertThat(node.object(seed).state()).isEqualTo(State.ACTIVE.value());
            clock.set(T0 + 3 * DAY);
            RotationScheduler.Round later = node.scheduler.runOnce();
            assertThat(later.failures()).isEmpty();
            assertThat(later.revoked()).contains(seed).doesNotContain(password);
            assertThat(node.object(password).state()).as("no policy, no grace").isEqualTo(State.ACTIVE.value());
            assertThat(node.object(seed).state()).isEqualTo(State.DEACTIVATED.value());

            List<AuditEvent> events = verifiedAudit(Database.sqlite(dir.resolve("keyhold.db")));
            List<String> scheduled = events.stream().filter(e -> e.sourceAddress().equals(RotationScheduler.SOURCE))
                    .map(e -> e.operation() + " " + String.join(" ", e.uniqueIdentifiers())).toList();
            assertThat(scheduled).contains(RotationScheduler.AUDIT_SECRET_DATA + " " + seed + " " + seed2,
                    RotationScheduler.AUDIT_SECRET_DATA + " " + password + " " + password2, "Revoke " + seed);
            assertThat(events).filteredOn(e -> e.operation().equals(RotationScheduler.AUDIT_SECRET_DATA))
                    .allSatisfy(e -> {
                        assertThat(e.identity()).isEqualTo(OWNER);
                        assertThat(e.detail()).doesNotContain(java.util.HexFormat.of().formatHex(fresh));
                    });
        }
    }

    @Test
    void aClientsReKeyStillRefusesSecretData() throws Exception {
        try (Node node = new Node(sqlite())) {
            String secret = registerSecret(node, secretData(io.keyhold.protocol.spec.SecretDataType.SEED.value(),
                    new byte[16]), name("s"));
            ResponseBatchItem refused = node.call(Operation.RE_KEY, payload(uid(secret)));
            assertThat(refused.resultStatus()).isEqualTo(ResultStatus.OPERATION_FAILED.value());
            assertThat(refused.resultReason()).isEqualTo(io.keyhold.protocol.spec.ResultReason.INVALID_OBJECT_TYPE.value());
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
