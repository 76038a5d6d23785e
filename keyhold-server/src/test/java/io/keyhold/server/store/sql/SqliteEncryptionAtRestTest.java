package io.keyhold.server.store.sql;

import static io.keyhold.server.store.ObjectStoreContract.attr;
import static io.keyhold.server.store.ObjectStoreContract.key;
import static io.keyhold.server.store.ObjectStoreContract.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.security.MasterKey;
import io.keyhold.server.store.LocateQuery;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoreException;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.testing.RawBytes;
import io.keyhold.server.testing.TestMasterKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteEncryptionAtRestTest {
    @TempDir
    Path dir;

    private final MasterKey masterKey = TestMasterKeys.ephemeral();

    private Path db() {
        return dir.resolve("keyhold.db");
    }

    private static TtlvItem symmetric(byte[] material) {
        return TtlvItem.structure(Tag.SYMMETRIC_KEY, TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, 1),
                TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, material)),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, 3),
                TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, material.length * 8)));
    }

    private static TtlvItem secretData(byte[] material) {
        return TtlvItem.structure(Tag.SECRET_DATA, TtlvItem.enumeration(Tag.SECRET_DATA_TYPE, 1),
                TtlvItem.structure(Tag.KEY_BLOCK, TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, 2),
                        TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, material))));
    }

    private static StoredObject keyWith(String uid, TtlvItem object) {
        return key(uid, "alice", State.ACTIVE, attr("Name", name("name-of-" + uid))).withObject(object);
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    private static StoredObject get(SqlObjectStore store, String uid) throws Exception {
        return store.read(tx -> tx.get(uid)).orElseThrow();
    }

    private byte[] rawObject(String uid) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db());
                PreparedStatement p = c.prepareStatement("SELECT object FROM managed_object WHERE uid = ?")) {
            p.setString(1, uid);
            try (ResultSet rs = p.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getBytes(1);
            }
        }
    }

    private void setRawObject(String uid, byte[] blob) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db());
                PreparedStatement p = c.prepareStatement("UPDATE managed_object SET object = ? WHERE uid = ?")) {
            p.setBytes(1, blob);
            p.setString(2, uid);
            assertThat(p.executeUpdate()).isEqualTo(1);
        }
    }

    @Test
    void roundTrip_storesAnEnvelope_notTheTtlv() throws Exception {
        byte[] material = random(32);
        TtlvItem object = symmetric(material);
        try (SqlObjectStore store = SqlObjectStore.open(db(), masterKey)) {
            store.write(tx -> {
                tx.insert(keyWith("k1", object));
                return null;
            });
            assertThat(get(store, "k1").object()).isEqualTo(object);
        }
        byte[] blob = rawObject("k1");

        assertThat(blob[0]).isEqualTo(ObjectEnvelope.FORMAT_V1);
        assertThat(RawBytes.contains(blob, material)).isFalse();
        assertThat(RawBytes.contains(blob, masterKey.id().getBytes(StandardCharsets.UTF_8))).isTrue();
        try (SqlObjectStore store = SqlObjectStore.open(db(), masterKey)) {
            assertThat(get(store, "k1").object()).isEqualTo(object);
        }
    }

    @Test
    void aBlobMovedToAnotherRow_doesNotDecrypt() throws Exception {
        byte[] m1 = random(32);
        byte[] m2 = random(32);
        try (SqlObjectStore store = SqlObjectStore.open(db(), masterKey)) {
            store.write(tx -> {
                tx.insert(keyWith("k1", symmetric(m1)));
                tx.insert(keyWith("k2", symmetric(m2)));
                return null;
            });
        }
        byte[] b1 = rawObject("k1");
        byte[] b2 = rawObject("k2");
        setRawObject("k1", b2);
        setRawObject("k2", b1);

        try (SqlObjectStore store = SqlObjectStore.open(db(), masterKey)) {
            for (String uid : List.of("k1", "k2")) {
                Throwable t = catchThrowable(() -> get(store, uid));
                assertThat(t).isInstanceOf(StoreException.class)
                        .hasMessage("object " + uid + ": master key " + masterKey.id()
                                + " cannot unwrap the data key: authentication failed (wrong key or the blob belongs elsewhere)");
                for (byte[] form : RawBytes.forms(m1)) {
                    assertThat(t.getMessage()).doesNotContain(new String(form, StandardCharsets.ISO_8859_1));
                }
            }
            // attributes are not encrypted: Locate still finds both
            LocateQuery all = new LocateQuery(null, List.of(), EnumSet.allOf(StorageStatus.class), 0, -1);
            List<String> found = store.read(tx -> tx.locate(all));
            assertThat(found).containsExactlyInAnyOrder("k1", "k2");
        }
    }

    @Test
    void aTamperedCiphertext_doesNotDecrypt() throws Exception {
        try (SqlObjectStore store = SqlObjectStore.open(db(), masterKey)) {
            store.write(tx -> {
                tx.insert(keyWith("k1", symmetric(random(32))));
                return null;
            });
        }
        byte[] blob = rawObject("k1");
        blob[blob.length - 1] ^= 1;
        setRawObject("k1", blob);

        try (SqlObjectStore store = SqlObjectStore.open(db(), masterKey)) {
            assertThatThrownBy(() -> get(store, "k1")).isInstanceOf(StoreException.class)
                    .hasMessage("object k1: stored object does not decrypt (authentication failed)");
        }
        setRawObject("k1", new byte[] {ObjectEnvelope.FORMAT_V1, 0, 0});
        try (SqlObjectStore store = SqlObjectStore.open(db(), masterKey)) {
            assertThatThrownBy(() -> get(store, "k1")).isInstanceOf(StoreException.class)
                    .hasMessage("object k1: stored object column is not a valid envelope");
        }
        setRawObject("k1", new byte[] {0x07, 1, 2});
        try (SqlObjectStore store = SqlObjectStore.open(db(), masterKey)) {
            assertThatThrownBy(() -> get(store, "k1")).isInstanceOf(StoreException.class)
                    .hasMessage("object k1: stored object column has unknown format 0x07");
        }
    }

    @Test
    void anotherMasterKey_isAClearErrorNamingBothIds() throws Exception {
        try (SqlObjectStore store = SqlObjectStore.open(db(), masterKey)) {
            store.write(tx -> {
                tx.insert(keyWith("k1", symmetric(random(32))));
                return null;
            });
        }
        MasterKey other = TestMasterKeys.ephemeral();

        assertThatThrownBy(() -> SqlObjectStore.open(db(), other)).isInstanceOf(StoreException.class)
                .hasMessage("database keyhold.db: its current master key " + masterKey.id()
                        + " is not in the configured master key (known: " + other.id() + ")");

        // a blob under a key the ring does not hold, in a database whose current key it does hold
        Path second = dir.resolve("second.db");
        try (SqlObjectStore store = SqlObjectStore.open(second, other)) {
            store.write(tx -> {
                tx.insert(keyWith("k1", symmetric(random(32))));
                return null;
            });
        }
        byte[] foreign = rawObject("k1");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + second);
             PreparedStatement p = c.prepareStatement("UPDATE managed_object SET object = ? WHERE uid = 'k1'")) {
            p.setBytes(1, foreign);
            assertThat(p.executeUpdate()).isEqualTo(1);
        }
        try (SqlObjectStore store = SqlObjectStore.open(second, other)) {
            assertThatThrownBy(() -> store.read(tx -> tx.get("k1"))).isInstanceOf(StoreException.class)
                    .hasMessage("object k1: master key " + masterKey.id() + " is not in the configured master key"
                            + " (known: " + other.id() + ")");
        }
    }

    @Test
    void aLegacyClearBlob_isRead_andEncryptedOnItsNextUpdate() throws Exception {
        byte[] material = random(32);
        TtlvItem object = symmetric(material);
        try (SqlObjectStore store = SqlObjectStore.open(db(), masterKey)) {
            store.write(tx -> {
                tx.insert(keyWith("k1", object));
                return null;
            });
        }
        setRawObject("k1", new TtlvEncoder().encode(object));
        assertThat(rawObject("k1")[0]).isEqualTo((byte) 0x42);

        try (SqlObjectStore store = SqlObjectStore.open(db(), masterKey)) {
            StoredObject read = get(store, "k1");
            assertThat(read.object()).isEqualTo(object);
            store.write(tx -> {
                tx.update(read.withStorageStatus(StorageStatus.ONLINE));
                return null;
            });
        }
        byte[] blob = rawObject("k1");
        assertThat(blob[0]).isEqualTo(ObjectEnvelope.FORMAT_V1);
        assertThat(RawBytes.contains(blob, material)).isFalse();
        try (SqlObjectStore store = SqlObjectStore.open(db(), masterKey)) {
            assertThat(get(store, "k1").object()).isEqualTo(object);
        }
    }

    @Test
    void theRawDatabaseFiles_holdNoKeyMaterial() throws Exception {
        List<byte[]> secrets = new ArrayList<>();
        try (SqlObjectStore store = SqlObjectStore.open(db(), masterKey)) {
            for (int i = 0; i < 6; i++) {
                byte[] material = random(i % 2 == 0 ? 32 : 16);
                secrets.add(material);
                String uid = "key-" + i;
                TtlvItem object = i == 5 ? secretData(material) : symmetric(material);
                store.write(tx -> {
                    tx.insert(keyWith(uid, object));
                    return null;
                });
            }
            // an update writes the object again, under a fresh data key
            StoredObject k0 = get(store, "key-0");
            store.write(tx -> {
                tx.update(k0.withAttributes(List.of(k0.attributes().get(0), k0.attributes().get(1),
                        attr("State", TtlvItem.enumeration(Tag.STATE, State.DEACTIVATED.value())))));
                return null;
            });
            assertThat(get(store, "key-5").object().tag()).isEqualTo(Tag.SECRET_DATA);
        }
        byte[] raw = RawBytes.databaseFiles(db());

        // the search works: attributes are stored in the clear, and they are found
        assertThat(RawBytes.contains(raw, "name-of-key-3".getBytes(StandardCharsets.UTF_8))).isTrue();
        for (byte[] secret : secrets) {
            for (byte[] form : RawBytes.forms(secret)) {
                assertThat(RawBytes.contains(raw, form)).as(HexFormat.of().formatHex(form)).isFalse();
            }
        }
    }
}
