package io.keyhold.server.interop;

import static io.keyhold.server.testing.KmipAssertions.fails;
import static io.keyhold.server.testing.Payloads.createAes;
import static io.keyhold.server.testing.Payloads.name;
import static io.keyhold.server.testing.Payloads.payload;
import static io.keyhold.server.testing.Payloads.uid;
import static io.keyhold.server.testing.Payloads.withUid;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.audit.AuditChain;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.audit.AuditVerifier;
import io.keyhold.server.auth.AccessPolicy;
import io.keyhold.server.auth.Actor;
import io.keyhold.server.auth.Grants;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.store.Grant.GranteeKind;
import io.keyhold.server.store.Grant.TargetKind;
import io.keyhold.server.store.sql.SqlAuditLog;
import io.keyhold.server.store.sql.SqlObjectStore;
import io.keyhold.server.testing.KmipTestClient;
import io.keyhold.server.testing.LiveServer;
import io.keyhold.server.testing.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two servers on one PostgreSQL database act as one: they share certificates and master key store, and
 * whatever a client does through one node is seen through the other at once (objects, their state,
 * grants), concurrent writes through both get distinct identifiers, and both nodes append to one audit
 * chain that verifies.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterEndToEndTest {
    private static final KmipVersion V = KmipVersion.V1_4;
    private static final Actor OPERATOR = new Actor.Operator("test");

    @TempDir
    Path dir;

    private TestPostgres postgres;
    private LiveServer nodeA;
    private LiveServer nodeB;

    @BeforeEach
    void startTwoNodes() throws Exception {
        postgres = TestPostgres.create();
        ServerConfig.Postgres database = new ServerConfig.Postgres(postgres.url(), postgres.user(), null, 4);
        nodeA = LiveServer.start(dir, database);
        nodeB = LiveServer.start(dir, database);
    }

    @AfterEach
    void stop() {
        if (nodeB != null) {
            nodeB.close();
        }
        if (nodeA != null) {
            nodeA.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private static String create(KmipTestClient c, KmipAttribute... more) throws Exception {
        return c.ok(V, Operation.CREATE, createAes(V, 256, more)).child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
    }

    private static List<String> locateByName(KmipTestClient c, String name) throws Exception {
        return c.ok(V, Operation.LOCATE, payload(AttributeMapping.toAttribute(name(name))))
                .childrenWith(Tag.UNIQUE_IDENTIFIER).stream().map(TtlvItem::textValue).toList();
    }

    private static TtlvItem encrypt(String uid) {
        return payload(uid(uid), TtlvItem.bytes(Tag.DATA, new byte[16]));
    }

    @Test
    void whatOneNodeDoes_theOtherSeesAtOnce() throws Exception {
        try (KmipTestClient a = nodeA.client("client1"); KmipTestClient b = nodeB.client("client1")) {
            String name = "cluster-" + UUID.randomUUID();
            String key = create(a, name(name));

            assertThat(locateByName(b, name)).containsExactly(key);
            byte[] material = b.ok(V, Operation.GET, withUid(key)).child(Tag.SYMMETRIC_KEY).orElseThrow()
                    .child(Tag.KEY_BLOCK).orElseThrow().child(Tag.KEY_VALUE).orElseThrow()
                    .child(Tag.KEY_MATERIAL).orElseThrow().bytesValue();
            assertThat(material).hasSize(32);
            fails(b.call(V, Operation.ENCRYPT, encrypt(key)), ResultReason.PERMISSION_DENIED); // Pre-Active

            a.ok(V, Operation.ACTIVATE, withUid(key));
            assertThat(b.ok(V, Operation.ENCRYPT, encrypt(key)).child(Tag.DATA).orElseThrow().bytesValue()).isNotEmpty();

            a.ok(V, Operation.REVOKE, io.keyhold.server.testing.Payloads.revoke(key, 6)); // Cessation of Operation
            ResponseBatchItem refused = b.call(V, Operation.ENCRYPT, encrypt(key));
            fails(refused, ResultReason.PERMISSION_DENIED);
            assertThat(refused.resultMessage()).contains("Deactivated");

            b.ok(V, Operation.DESTROY, withUid(key));
            ResponseBatchItem gone = a.call(V, Operation.GET, withUid(key));
            assertThat(gone.resultStatus()).isEqualTo(ResultStatus.OPERATION_FAILED.value());
            assertThat(locateByName(a, name)).isEmpty();
        }
    }

    @Test
    void aGrantMadeOnOneNode_appliesOnTheOther() throws Exception {
        Grants.Grantee client2 = new Grants.Grantee(GranteeKind.IDENTITY, "client2");
        try (KmipTestClient ownerOnA = nodeA.client("client1"); KmipTestClient otherOnB = nodeB.client("client2");
             KmipTestClient otherOnA = nodeA.client("client2")) {
            String key = create(ownerOnA);
            fails(otherOnB.call(V, Operation.GET, withUid(key)), ResultReason.ITEM_NOT_FOUND);

            Grants.Target object = new Grants.Target(TargetKind.OBJECT, key);
            new Grants(nodeA.assembly().store(), AccessPolicy.DEFAULT, Clock.systemUTC())
                    .grant(OPERATOR, object, client2, Set.of("get"));
            assertThat(otherOnB.ok(V, Operation.GET, withUid(key)).child(Tag.SYMMETRIC_KEY)).isPresent();

            new Grants(nodeB.assembly().store(), AccessPolicy.DEFAULT, Clock.systemUTC())
                    .revoke(OPERATOR, object, client2, Set.of());
            fails(otherOnA.call(V, Operation.GET, withUid(key)), ResultReason.ITEM_NOT_FOUND);
            fails(otherOnB.call(V, Operation.GET, withUid(key)), ResultReason.ITEM_NOT_FOUND);
        }
    }

    @Test
    void concurrentCreatesThroughBothNodes_getDistinctIdentifiers_andOneAuditChain() throws Exception {
        int threadsPerNode = 8;
        int createsPerThread = 25;
        long before = auditRecords(); // empty queues: every record so far is stored
        Set<String> created = ConcurrentHashMap.newKeySet();
        List<String> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(2 * threadsPerNode);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (LiveServer node : List.of(nodeA, nodeB)) {
                for (int t = 0; t < threadsPerNode; t++) {
                    writers.add(pool.submit(() -> {
                        try (KmipTestClient c = node.client("client1")) {
                            for (int i = 0; i < createsPerThread; i++) {
                                String uid = create(c);
                                acknowledged.add(uid);
                                created.add(uid);
                            }
                        }
                        return null;
                    }));
                }
            }
            for (Future<?> w : writers) {
                w.get(90, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        int expected = 2 * threadsPerNode * createsPerThread;
        assertThat(acknowledged).hasSize(expected);
        assertThat(created).as("distinct identifiers").hasSize(expected);

        // every record of the creates is in the one chain, and nothing else was written meanwhile
        Map<String, Integer> createRecords = new HashMap<>();
        List<AuditEvent> after = new ArrayList<>();
        long total = scanAudit(before, after);
        assertThat(total - before).isEqualTo(expected);
        for (AuditEvent e : after) {
            assertThat(e.operation() + "/" + e.resultStatus()).isEqualTo("Create/Success");
            e.uniqueIdentifiers().forEach(uid -> createRecords.merge(uid, 1, Integer::sum));
        }
        assertThat(createRecords.keySet()).containsExactlyInAnyOrderElementsOf(created);
        assertThat(createRecords.values()).allMatch(n -> n == 1);

        try (KmipTestClient a = nodeA.client("client1"); KmipTestClient b = nodeB.client("client1")) {
            for (KmipTestClient c : List.of(a, b)) {
                List<String> found = c.ok(V, Operation.LOCATE, payload(TtlvItem.integer(Tag.MAXIMUM_ITEMS, 10_000)))
                        .childrenWith(Tag.UNIQUE_IDENTIFIER).stream().map(TtlvItem::textValue).toList();
                assertThat(found).containsAll(created);
            }
            int i = 0;
            for (String uid : created) {
                (i++ % 2 == 0 ? a : b).ok(V, Operation.GET, withUid(uid));
            }
        }
        nodeA.close();
        nodeB.close();
        nodeA = null;
        nodeB = null;
        // the reads' records, queued by each node, are stored at its close, in the same chain
        assertThat(scanAudit(0, new ArrayList<>())).isEqualTo(before + expected + 2 + expected);
    }

    @Test
    void nodesReconnect_whenTheDatabaseEndsTheirConnections() throws Exception {
        // a role of this test alone, so that ending its sessions touches no other user of the database
        String role = "kh_node_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = postgres.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + role + " LOGIN SUPERUSER");
        }
        try {
            nodeB.close();
            nodeA.close();
            ServerConfig.Postgres asRole = new ServerConfig.Postgres(postgres.url(), role, null, 2);
            nodeA = LiveServer.start(dir, asRole);
            nodeB = LiveServer.start(dir, asRole);
            try (KmipTestClient a = nodeA.client("client1"); KmipTestClient b = nodeB.client("client1")) {
                String before = create(a);
                int ended;
                try (Connection c = postgres.connect(); Statement s = c.createStatement();
                     ResultSet r = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                             + " WHERE usename = '" + role + "'")) {
                    r.next();
                    ended = r.getInt(1);
                }
                assertThat(ended).as("sessions of both nodes' pools").isGreaterThanOrEqualTo(2);

                // a request may meet a connection the database ended; the pool replaces it
                for (KmipTestClient c : List.of(a, b)) {
                    for (int attempt = 0; attempt < 8; attempt++) {
                        c.call(V, Operation.GET, withUid(before));
                        c.call(V, Operation.CREATE, createAes(V, 128));
                    }
                }
                for (int i = 0; i < 10; i++) {
                    String onA = create(a);
                    String onB = create(b);
                    b.ok(V, Operation.GET, withUid(onA));
                    a.ok(V, Operation.GET, withUid(onB));
                    a.ok(V, Operation.GET, withUid(before));
                }
            }
            nodeA.close();
            nodeB.close();
            nodeA = null;
            nodeB = null;
            scanAudit(Long.MAX_VALUE, new ArrayList<>());
        } finally {
            try (Connection c = postgres.connect(); Statement s = c.createStatement()) {
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role + "'");
                s.execute("DROP ROLE IF EXISTS " + role);
            }
        }
    }

    /** Waits until neither node has audit records queued, then verifies the chain and counts its records. */
    private long auditRecords() throws Exception {
        for (LiveServer node : List.of(nodeA, nodeB)) {
            SqlObjectStore store = (SqlObjectStore) node.assembly().store();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (store.queuedAuditRecords() > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(store.queuedAuditRecords()).isZero();
        }
        return scanAudit(Long.MAX_VALUE, new ArrayList<>());
    }

    /**
     * Verifies the whole chain (hashes, sequence without gaps, the stored head) and returns its number of
     * records; collects the events of the records after the first {@code skip}.
     */
    private long scanAudit(long skip, List<AuditEvent> events) {
        AuditVerifier verifier = new AuditVerifier();
        long[] count = {0};
        try (SqlAuditLog log = SqlAuditLog.open(postgres.database())) {
            Optional<AuditChain.Head> head = log.scan(r -> {
                if (count[0]++ >= skip) {
                    events.add(r.event());
                }
                return verifier.accept(r);
            });
            AuditVerifier.Result result = verifier.finish(head);
            assertThat(result.problem()).isEmpty();
            assertThat(result.verified()).isEqualTo(count[0]);
        }
        return count[0];
    }
}
