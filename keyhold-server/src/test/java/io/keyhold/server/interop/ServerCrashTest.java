package io.keyhold.server.interop;

import static io.keyhold.server.testing.Payloads.createAes;
import static io.keyhold.server.testing.Payloads.payload;
import static io.keyhold.server.testing.Payloads.withUid;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.audit.AuditChain;
import io.keyhold.server.audit.AuditVerifier;
import io.keyhold.server.store.sql.SqlAuditLog;
import io.keyhold.server.testing.KmipTestClient;
import io.keyhold.server.testing.LiveServer;
import io.keyhold.server.testing.ServerMain;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Kills the server with SIGKILL in the middle of a Create load over TLS, restarts it on the same data
 * directory and checks that every acknowledged object is there, whole, and that nothing half-written is:
 * every stored object has exactly one audit record of its Create, and the audit chain verifies.
 */
class ServerCrashTest {
    private static final KmipVersion V = KmipVersion.V1_2;

    private static Process startChild(Path dir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ServerMain.class.getName(), dir.toString());
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        return pb.start();
    }

    private static int awaitPort(Process p) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null) {
            if (line.startsWith("PORT ")) {
                return Integer.parseInt(line.substring(5).trim());
            }
        }
        throw new AssertionError("the server process ended before it was ready");
    }

    @Test
    void everyAcknowledgedCreateSurvivesSigkill() throws Exception {
        Path dir = Files.createTempDirectory("keyhold-crash");
        Process child = startChild(dir);
        int port = awaitPort(child);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            Thread w = new Thread(() -> {
                try (KmipTestClient c = KmipTestClient.connect(port, dir.resolve("client.p12"), dir.resolve("ca.pem"))) {
                    while (true) {
                        TtlvItem p = c.ok(V, Operation.CREATE, createAes(V, 256));
                        acknowledged.add(p.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue());
                    }
                } catch (Exception | AssertionError connectionKilled) {
                    // the server was killed under this writer
                }
            });
            w.start();
            writers.add(w);
        }
        long deadline = System.currentTimeMillis() + 60_000;
        while (acknowledged.size() < 300 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        child.destroyForcibly(); // SIGKILL
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        for (Thread w : writers) {
            w.join(30_000);
        }
        Set<String> acked = new HashSet<>(acknowledged);
        assertThat(acked).hasSizeGreaterThanOrEqualTo(300);

        List<String> stored;
        try (LiveServer restarted = LiveServer.start(dir); KmipTestClient c = restarted.client("client1")) {
            for (String uid : acked) {
                TtlvItem got = c.ok(V, Operation.GET, withUid(uid));
                assertThat(got.child(Tag.SYMMETRIC_KEY).orElseThrow().child(Tag.KEY_BLOCK).orElseThrow()
                        .child(Tag.KEY_VALUE).orElseThrow().child(Tag.KEY_MATERIAL).orElseThrow().bytesValue()).hasSize(32);
            }
            TtlvItem all = c.ok(V, Operation.LOCATE, payload(AttributeMapping.toAttribute(KmipAttribute.of(
                    TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value())))));
            stored = all.childrenWith(Tag.UNIQUE_IDENTIFIER).stream().map(TtlvItem::textValue).toList();
            assertThat(stored).containsAll(acked);
            // at most the requests in flight at the kill (one per writer) committed without their acknowledgement
            assertThat(stored.size() - acked.size()).isBetween(0, writers.size());
            for (String uid : stored) {
                TtlvItem attrs = c.ok(V, Operation.GET_ATTRIBUTES, io.keyhold.server.testing.Payloads.getAttributes(V, uid));
                assertThat(attrs.childrenWith(Tag.ATTRIBUTE)).hasSizeGreaterThanOrEqualTo(8);
                c.ok(V, Operation.GET, withUid(uid));
            }
        }
        // every stored object has the record of its Create, committed with it; the chain survived the kill
        Map<String, Integer> created = new HashMap<>();
        AuditVerifier verifier = new AuditVerifier();
        try (SqlAuditLog log = SqlAuditLog.open(dir.resolve("keyhold.db"))) {
            Optional<AuditChain.Head> head = log.scan(r -> {
                if ("Create".equals(r.event().operation()) && "Success".equals(r.event().resultStatus())) {
                    r.event().uniqueIdentifiers().forEach(uid -> created.merge(uid, 1, Integer::sum));
                }
                return verifier.accept(r);
            });
            assertThat(verifier.finish(head).problem()).isEmpty();
        }
        assertThat(created.keySet()).containsExactlyInAnyOrderElementsOf(stored);
        assertThat(created.values()).allMatch(n -> n == 1);
    }
}
