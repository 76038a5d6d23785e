package io.keyhold.server.store.sql;

import static io.keyhold.server.store.ObjectStoreContract.attr;
import static io.keyhold.server.store.ObjectStoreContract.key;
import static io.keyhold.server.store.ObjectStoreContract.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.security.MasterKeyRing;
import io.keyhold.server.security.Pkcs12MasterKeySource;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.testing.RawBytes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MasterKeyRotationTest {
    private static final char[] PASSPHRASE = "rotation-test-passphrase".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    private Path db() {
        return dir.resolve("keyhold.db");
    }

    /** A ring on the test key store, as a separate process would open it. */
    private MasterKeyRing ring() throws Exception {
        return MasterKeyRing.open(new Pkcs12MasterKeySource(dir.resolve("master.p12"), PASSPHRASE), "keyhold-master");
    }

    private MasterKeyRing initialisedRing() throws Exception {
        MasterKeyRing ring = ring();
        ring.createNext();
        return ring;
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static TtlvItem symmetric(byte[] material) {
        return TtlvItem.structure(Tag.SYMMETRIC_KEY, TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, 1),
                TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, material)),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, 3),
                TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, material.length * 8)));
    }

    private static void insert(SqlObjectStore store, String uid, TtlvItem object) throws Exception {
        StoredObject o = key(uid, "alice", State.ACTIVE, attr("Name", name("name-of-" + uid))).withObject(object);
        store.write(tx -> {
            tx.insert(o);
            return null;
        });
    }

    private Map<String, TtlvItem> fill(SqlObjectStore store, int n) throws Exception {
        Map<String, TtlvItem> objects = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            TtlvItem o = symmetric(random(32));
            insert(store, "k" + i, o);
            objects.put("k" + i, o);
        }
        return objects;
    }

    private static void assertAllReadable(SqlObjectStore store, Map<String, TtlvItem> objects) throws Exception {
        for (Map.Entry<String, TtlvItem> e : objects.entrySet()) {
            assertThat(store.read(tx -> tx.get(e.getKey())).orElseThrow().object()).as(e.getKey()).isEqualTo(e.getValue());
        }
    }

    private Map<String, byte[]> rawObjects() throws Exception {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db());
             PreparedStatement p = c.prepareStatement("SELECT uid, object FROM managed_object ORDER BY seq");
             ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getBytes(2));
            }
        }
        return out;
    }

    /** The IV and ciphertext fields of an envelope: everything after the wrapped data key. */
    private static byte[] ivAndCiphertext(byte[] blob) {
        ByteBuffer in = ByteBuffer.wrap(blob, 1, blob.length - 1);
        for (int field = 0; field < 2; field++) { // key id, wrapped data key
            int length = in.getInt();
            in.position(in.position() + length);
        }
        return Arrays.copyOfRange(blob, in.position(), blob.length);
    }

    @Test
    void rotate_rewrapsEveryDataKey_keepsTheCiphertext_andEveryObjectReadable() throws Exception {
        MasterKeyRing serverRing = initialisedRing();
        String first = serverRing.initial().id();
        Map<String, TtlvItem> objects;
        try (SqlObjectStore store = SqlObjectStore.open(db(), serverRing, SqlObjectStore.Options.DEFAULTS)) {
            objects = fill(store, 25);
        }
        Map<String, byte[]> before = rawObjects();

        List<long[]> progress = new ArrayList<>();
        String second;
        try (MasterKeyRotation rotation = MasterKeyRotation.open(db(), ring(), 5000)) {
            assertThat(rotation.status().objectsByKeyId()).containsExactly(Map.entry(first, 25L));
            second = rotation.begin();
            assertThat(rotation.remaining()).isEqualTo(25);
            assertThat(rotation.rewrap(10, (done, total) -> progress.add(new long[] {done, total}))).isEqualTo(25);
            MasterKeyRotation.Status status = rotation.status();
            assertThat(status.currentKeyId()).isEqualTo(second).isNotEqualTo(first);
            assertThat(status.rotating()).isFalse();
            assertThat(status.objectsByKeyId()).containsExactly(Map.entry(second, 25L));
        }
        assertThat(progress).extracting(p -> p[0]).containsExactly(10L, 20L, 25L);
        assertThat(progress).extracting(p -> p[1]).containsOnly(25L);
        Map<String, byte[]> after = rawObjects();
        for (String uid : objects.keySet()) {
            assertThat(after.get(uid)).isNotEqualTo(before.get(uid));
            assertThat(ivAndCiphertext(after.get(uid))).as("only the wrapped data key changes")
                    .isEqualTo(ivAndCiphertext(before.get(uid)));
            assertThat(RawBytes.contains(after.get(uid), second.getBytes(StandardCharsets.UTF_8))).isTrue();
        }
        // a server restarted on the same key store reads everything, and writes under the new key
        try (SqlObjectStore store = SqlObjectStore.open(db(), ring(), SqlObjectStore.Options.DEFAULTS)) {
            assertAllReadable(store, objects);
            insert(store, "later", symmetric(random(16)));
        }
        assertThat(MasterKeyRing.name(second)).isEqualTo("keyhold-master-2");
        assertThat(RawBytes.contains(rawObjects().get("later"), second.getBytes(StandardCharsets.UTF_8))).isTrue();
    }

    @Test
    void rotate_whileTheStoreIsWritten_newObjectsGoUnderTheNewKey_andNothingIsLost() throws Exception {
        MasterKeyRing serverRing = initialisedRing();
        String first = serverRing.initial().id();
        Map<String, TtlvItem> objects = new ConcurrentHashMap<>();
        try (SqlObjectStore store = SqlObjectStore.open(db(), serverRing, SqlObjectStore.Options.DEFAULTS)) {
            objects.putAll(fill(store, 60));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger created = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                int writer = w;
                Thread t = new Thread(() -> {
                    try {
                        for (int i = 0; !stop.get(); i++) {
                            TtlvItem o = symmetric(random(32));
                            String uid = "w" + writer + "-" + i;
                            insert(store, uid, o);
                            objects.put(uid, o);
                            created.incrementAndGet();
                            // updates rewrite existing objects under whatever key is current
                            String old = "k" + (i % 60);
                            StoredObject read = store.read(tx -> tx.get(old)).orElseThrow();
                            store.write(tx -> {
                                tx.update(read);
                                return null;
                            });
                        }
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                });
                t.start();
                writers.add(t);
            }
            String second;
            try (MasterKeyRotation rotation = MasterKeyRotation.open(db(), ring(), 5000)) {
                second = rotation.begin();
                int atBegin = created.get();
                rotation.rewrap(7, (done, total) -> {
                    // let the writers commit while the rotation is under way
                    int target = created.get() + 3;
                    while (created.get() < target && failure.get() == null) {
                        Thread.onSpinWait();
                    }
                });
                assertThat(created.get()).as("objects created during the rotation").isGreaterThan(atBegin);
            }
            stop.set(true);
            for (Thread t : writers) {
                t.join();
            }
            assertThat(failure.get()).isNull();
            try (MasterKeyRotation rotation = MasterKeyRotation.open(db(), ring(), 5000)) {
                MasterKeyRotation.Status status = rotation.status();
                assertThat(status.objectsByKeyId()).containsOnlyKeys(second);
                assertThat(status.objectsByKeyId().get(second)).isEqualTo(objects.size());
                assertThat(status.rotating()).isFalse();
            }
            assertThat(second).isNotEqualTo(first);
            assertAllReadable(store, objects);
        }
    }

    @Test
    void anInterruptedRotation_leavesEveryObjectReadable_andResumes() throws Exception {
        MasterKeyRing serverRing = initialisedRing();
        Map<String, TtlvItem> objects;
        try (SqlObjectStore store = SqlObjectStore.open(db(), serverRing, SqlObjectStore.Options.DEFAULTS)) {
            objects = fill(store, 30);
        }
        String second;
        try (MasterKeyRotation rotation = MasterKeyRotation.open(db(), ring(), 5000)) {
            second = rotation.begin();
            AtomicInteger batches = new AtomicInteger();
            assertThatThrownBy(() -> rotation.rewrap(8, (done, total) -> {
                if (batches.incrementAndGet() == 2) {
                    throw new IllegalStateException("interrupted");
                }
            })).hasMessage("interrupted");
            MasterKeyRotation.Status half = rotation.status();
            assertThat(half.rotating()).isTrue();
            assertThat(half.objectsByKeyId().get(second)).isEqualTo(16);
            assertThat(half.objectsByKeyId().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(30);
        }
        // the server keeps working on a half-rotated database
        try (SqlObjectStore store = SqlObjectStore.open(db(), ring(), SqlObjectStore.Options.DEFAULTS)) {
            assertAllReadable(store, objects);
        }
        try (MasterKeyRotation rotation = MasterKeyRotation.open(db(), ring(), 5000)) {
            assertThat(rotation.unfinished()).isTrue();
            assertThat(rotation.remaining()).isEqualTo(14);
            assertThat(rotation.rewrap(8, (done, total) -> { })).isEqualTo(14);
            assertThat(rotation.status().rotating()).isFalse();
            assertThat(rotation.status().objectsByKeyId()).containsExactly(Map.entry(second, 30L));
        }
        try (SqlObjectStore store = SqlObjectStore.open(db(), ring(), SqlObjectStore.Options.DEFAULTS)) {
            assertAllReadable(store, objects);
        }
    }

    @Test
    void aRunningStore_picksUpTheNewCurrentKey_withoutRestart() throws Exception {
        MasterKeyRing serverRing = initialisedRing();
        try (SqlObjectStore store = SqlObjectStore.open(db(), serverRing, SqlObjectStore.Options.DEFAULTS)) {
            insert(store, "before", symmetric(random(32)));
            String second;
            try (MasterKeyRotation rotation = MasterKeyRotation.open(db(), ring(), 5000)) {
                second = rotation.begin(); // a key the store's ring has never seen
            }
            assertThat(serverRing.ids()).doesNotContain(second);
            insert(store, "after", symmetric(random(32)));
            Map<String, byte[]> raw = rawObjects();
            assertThat(RawBytes.contains(raw.get("after"), second.getBytes(StandardCharsets.UTF_8))).isTrue();
            assertThat(RawBytes.contains(raw.get("before"), second.getBytes(StandardCharsets.UTF_8))).isFalse();
            assertThat(serverRing.ids()).contains(second);
            assertThat(store.read(tx -> tx.get("after")).isPresent()).isTrue();
        }
    }

    @Test
    void theRawDatabaseFiles_holdNoKeyMaterial_afterRotation() throws Exception {
        List<byte[]> secrets = new ArrayList<>();
        try (SqlObjectStore store = SqlObjectStore.open(db(), initialisedRing(), SqlObjectStore.Options.DEFAULTS)) {
            for (int i = 0; i < 8; i++) {
                byte[] material = random(32);
                secrets.add(material);
                insert(store, "s" + i, symmetric(material));
            }
        }
        try (MasterKeyRotation rotation = MasterKeyRotation.open(db(), ring(), 5000)) {
            rotation.begin();
            rotation.rewrap(3, (done, total) -> { });
        }
        byte[] raw = RawBytes.databaseFiles(db());
        for (byte[] secret : secrets) {
            for (byte[] form : RawBytes.forms(secret)) {
                assertThat(RawBytes.contains(raw, form)).as(HexFormat.of().formatHex(form)).isFalse();
            }
        }
    }

    @Test
    void aDatabaseWhoseCurrentKeyIsMissing_doesNotOpen() throws Exception {
        try (SqlObjectStore store = SqlObjectStore.open(db(), initialisedRing(), SqlObjectStore.Options.DEFAULTS)) {
            insert(store, "k", symmetric(random(32)));
        }
        Path otherStore = dir.resolve("other.p12");
        MasterKeyRing other = MasterKeyRing.open(new Pkcs12MasterKeySource(otherStore, PASSPHRASE), "keyhold-master");
        other.createNext();
        assertThatThrownBy(() -> SqlObjectStore.open(db(), other, SqlObjectStore.Options.DEFAULTS))
                .hasMessageStartingWith("database keyhold.db: its current master key keyhold-master:")
                .hasMessageContaining("is not in key store " + otherStore);
    }
}
