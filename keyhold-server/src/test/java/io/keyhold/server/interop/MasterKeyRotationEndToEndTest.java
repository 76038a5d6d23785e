package io.keyhold.server.interop;

import static io.keyhold.server.testing.Payloads.createAes;
import static io.keyhold.server.testing.Payloads.withUid;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ServerAssembly;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.security.MasterKeyRing;
import io.keyhold.server.store.sql.MasterKeyRotation;
import io.keyhold.server.testing.KmipTestClient;
import io.keyhold.server.testing.LiveServer;
import io.keyhold.server.testing.SoftHsm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * keyhold master-key rotate's work against a running server: clients keep creating keys over mutual TLS
 * while a second ring on the same key source (as the rotate command opens it) rotates the database.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MasterKeyRotationEndToEndTest {
    private static final KmipVersion V = KmipVersion.V2_1;

    @TempDir
    Path dir;

    private static String create(KmipTestClient c) throws Exception {
        return c.ok(V, Operation.CREATE, createAes(V, 256)).child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
    }

    private static byte[] material(KmipTestClient c, String uid) throws Exception {
        TtlvItem p = c.ok(V, Operation.GET, withUid(uid));
        return p.child(Tag.SYMMETRIC_KEY).orElseThrow().child(Tag.KEY_BLOCK).orElseThrow().child(Tag.KEY_VALUE)
                .orElseThrow().child(Tag.KEY_MATERIAL).orElseThrow().bytesValue();
    }

    @Test
    void rotate_whileClientsCreateKeys_everyKeyReadable_newOnesUnderTheNewKey() throws Exception {
        try (LiveServer server = LiveServer.start(dir)) {
            Map<String, byte[]> keys = new ConcurrentHashMap<>();
            try (KmipTestClient c = server.client("client1")) {
                for (int i = 0; i < 40; i++) {
                    String uid = create(c);
                    keys.put(uid, material(c, uid));
                }
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger created = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> clients = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                Thread thread = new Thread(() -> {
                    try (KmipTestClient c = server.client("client1")) {
                        while (!stop.get()) {
                            String uid = create(c);
                            keys.put(uid, material(c, uid));
                            created.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                });
                thread.start();
                clients.add(thread);
            }
            String newKey;
            ServerConfig.MasterKeyStore settings = ServerConfig.MasterKeyStore.development(dir);
            MasterKeyRing ring = ServerAssembly.openMasterKey(settings, Map.of());
            try (MasterKeyRotation rotation = MasterKeyRotation.open(dir.resolve("keyhold.db"), ring, 10_000)) {
                newKey = rotation.begin();
                int atBegin = created.get();
                rotation.rewrap(5, (done, total) -> {
                    int target = created.get() + 2;
                    while (created.get() < target && failure.get() == null) {
                        Thread.onSpinWait();
                    }
                });
                assertThat(created.get()).as("keys created while the rotation ran").isGreaterThan(atBegin);
            }
            stop.set(true);
            for (Thread thread : clients) {
                thread.join();
            }
            assertThat(failure.get()).isNull();
            try (MasterKeyRotation rotation = MasterKeyRotation.open(dir.resolve("keyhold.db"), ring, 10_000)) {
                MasterKeyRotation.Status status = rotation.status();
                assertThat(status.currentKeyId()).isEqualTo(newKey);
                assertThat(status.rotating()).isFalse();
                assertThat(status.objectsByKeyId()).containsOnlyKeys(newKey);
                assertThat(status.objectsByKeyId().get(newKey)).isEqualTo(keys.size());
            }
            try (KmipTestClient c = server.client("client1")) {
                for (Map.Entry<String, byte[]> e : keys.entrySet()) {
                    assertThat(material(c, e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
                }
            }
        }
    }

    @Test
    void aServerOnAPkcs11MasterKey_servesKeys_andRotatesInTheToken() throws Exception {
        SoftHsm.Token token = SoftHsm.main();
        String label = "server-" + System.nanoTime();
        ServerConfig.MasterKeyStore settings = token.settings(label);
        MasterKeyRing ring = ServerAssembly.openMasterKey(settings, SoftHsm.environment());
        String first = ring.createNext().id(); // keyhold master-key init
        try (LiveServer server = LiveServer.start(dir, false, settings, SoftHsm.environment())) {
            Map<String, byte[]> keys = new ConcurrentHashMap<>();
            try (KmipTestClient c = server.client("client1")) {
                for (int i = 0; i < 12; i++) {
                    String uid = create(c);
                    keys.put(uid, material(c, uid));
                }
                String newKey;
                try (MasterKeyRotation rotation = MasterKeyRotation.open(dir.resolve("keyhold.db"), ring, 10_000)) {
                    assertThat(rotation.status().objectsByKeyId()).containsExactly(Map.entry(first, 12L));
                    newKey = rotation.begin();
                    assertThat(rotation.rewrap(5, (done, total) -> { })).isEqualTo(12);
                    assertThat(rotation.status().objectsByKeyId()).containsExactly(Map.entry(newKey, 12L));
                }
                assertThat(MasterKeyRing.name(newKey)).isEqualTo(label + "-2");
                String later = create(c);
                keys.put(later, material(c, later));
                for (Map.Entry<String, byte[]> e : keys.entrySet()) {
                    assertThat(material(c, e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
                }
                try (MasterKeyRotation rotation = MasterKeyRotation.open(dir.resolve("keyhold.db"), ring, 10_000)) {
                    assertThat(rotation.status().objectsByKeyId()).containsExactly(Map.entry(newKey, 13L));
                }
            }
        }
        assertThat(Files.exists(dir.resolve("master-key.p12"))).as("no key store file is involved").isFalse();
    }
}
