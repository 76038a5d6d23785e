package io.keyhold.benchmarks.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.NameType;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.pki.DevPki;
import io.keyhold.server.security.Pkcs12MasterKey;
import io.keyhold.server.store.LocateQuery;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.store.sql.SqlObjectStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreloadTest {
    @TempDir
    Path dir;

    @BeforeEach
    void devDirectory() throws Exception {
        DevPki.ensure(dir);
        ServerConfig.MasterKeyStore mk = ServerConfig.MasterKeyStore.development(dir);
        Pkcs12MasterKey.createForDevelopment(mk.keystore(), mk.passphraseFile());
    }

    private Preload.Result preload(long objects, int batch) throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Preload.Result r = Preload.run(new Preload.Options(dir, objects, batch, KmipVersion.V1_2,
                Preload.DEFAULT_NAME_PREFIX, null), new PrintStream(progress, true, StandardCharsets.UTF_8));
        assertThat(progress.toString(StandardCharsets.UTF_8)).contains("owned by client1");
        return r;
    }

    private SqlObjectStore open() {
        ServerConfig.MasterKeyStore mk = ServerConfig.MasterKeyStore.development(dir);
        return SqlObjectStore.open(ServerConfig.Storage.in(dir).database(),
                io.keyhold.server.ServerAssembly.openMasterKey(mk, System.getenv()));
    }

    private static TtlvItem name(String value) {
        return TtlvItem.structure(Tag.NAME, TtlvItem.text(Tag.NAME_VALUE, value),
                TtlvItem.enumeration(Tag.NAME_TYPE, NameType.UNINTERPRETED_TEXT_STRING.value()));
    }

    @Test
    void commonName_ofTheDevClientCertificate_isItsIdentity() throws Exception {
        assertThat(Preload.commonName(dir.resolve("client.pem"))).isEqualTo("client1");
        assertThat(Preload.commonName(dir.resolve("client2.pem"))).isEqualTo("client2");
    }

    @Test
    void run_fillsTheStoreWithNamedAes256KeysOfTheDevClient() throws Exception {
        Preload.Result r = preload(25, 10);

        assertThat(r.added()).isEqualTo(25);
        assertThat(r.total()).isEqualTo(25);
        assertThat(r.databaseBytes()).isEqualTo(Files.size(dir.resolve("keyhold.db")));
        try (SqlObjectStore store = open()) {
            LocateQuery byName = new LocateQuery(null, new LocateQuery.VisibleTo("client1", java.util.Set.of(), false),
                    List.of(new LocateQuery.Equals("Name", name("keyhold-scale-17"))), EnumSet.of(StorageStatus.ONLINE), 0, -1);
            List<String> found = store.read(tx -> tx.locate(byName));
            assertThat(found).hasSize(1);
            StoredObject key = store.read(tx -> tx.get(found.get(0))).orElseThrow();
            assertThat(key.owner()).isEqualTo("client1");
            assertThat(key.state()).isEqualTo(State.PRE_ACTIVE.value());
            assertThat(key.attribute("Cryptographic Length").orElseThrow().value().intValue()).isEqualTo(256);
            assertThat(key.attribute("Cryptographic Usage Mask").orElseThrow().value().intValue()).isEqualTo(12);
            assertThat(key.attributes()).extracting(KmipAttribute::name)
                    .contains("Unique Identifier", "Object Type", "Cryptographic Algorithm", "Initial Date", "Digest",
                            "Last Change Date", "Lease Time");
            TtlvItem material = key.object().child(Tag.KEY_BLOCK).orElseThrow().child(Tag.KEY_VALUE).orElseThrow()
                    .child(Tag.KEY_MATERIAL).orElseThrow();
            assertThat(material.bytesValue()).hasSize(32);
        }
    }

    @Test
    void run_again_addsOnlyUpToTheTotalWithNewNames() throws Exception {
        preload(12, 5);

        Preload.Result again = preload(15, 5);

        assertThat(again.added()).isEqualTo(3);
        assertThat(again.total()).isEqualTo(15);
        assertThat(preload(10, 5).added()).isZero();
        try (SqlObjectStore store = open()) {
            for (String n : List.of("keyhold-scale-0", "keyhold-scale-11", "keyhold-scale-12", "keyhold-scale-14")) {
                LocateQuery q = new LocateQuery("client1", List.of(new LocateQuery.Equals("Name", name(n))),
                        EnumSet.of(StorageStatus.ONLINE), 0, -1);
                List<String> found = store.read(tx -> tx.locate(q));
                assertThat(found).as(n).hasSize(1);
            }
        }
    }

    @Test
    void run_storesTheMaterialEncrypted() throws Exception {
        preload(3, 10);
        byte[] material;
        try (SqlObjectStore store = open()) {
            LocateQuery q = new LocateQuery("client1", List.of(new LocateQuery.Equals("Name", name("keyhold-scale-1"))),
                    EnumSet.of(StorageStatus.ONLINE), 0, -1);
            String uid = store.read(tx -> tx.locate(q)).get(0);
            material = store.read(tx -> tx.get(uid)).orElseThrow().object().child(Tag.KEY_BLOCK).orElseThrow()
                    .child(Tag.KEY_VALUE).orElseThrow().child(Tag.KEY_MATERIAL).orElseThrow().bytesValue();
        }
        byte[] file = Files.readAllBytes(dir.resolve("keyhold.db"));
        assertThat(indexOf(file, material)).isEqualTo(-1);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("keyhold.db"));
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM managed_object")) {
            assertThat(rs.getLong(1)).isEqualTo(3);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void parse_requiresDirAndObjects_andRefusesUnknownOptions() {
        Preload.Options o = Preload.parse(new String[] {"--dir", "d", "--objects", "1_000_000", "--batch", "5000",
                "--kmip-version", "2.1", "--owner", "x"});
        assertThat(o.objects()).isEqualTo(1_000_000);
        assertThat(o.batch()).isEqualTo(5000);
        assertThat(o.version()).isEqualTo(KmipVersion.V2_1);
        assertThat(o.owner()).isEqualTo("x");
        assertThat(o.namePrefix()).isEqualTo("keyhold-scale-");
        assertThatThrownBy(() -> Preload.parse(new String[] {"--dir", "d"})).hasMessageContaining("--objects");
        assertThatThrownBy(() -> Preload.parse(new String[] {"--dir", "d", "--objects", "0"}))
                .hasMessage("--objects 0 (expected: 1 or more)");
        assertThatThrownBy(() -> Preload.parse(new String[] {"--dir", "d", "--objects", "1", "--size", "2"}))
                .hasMessage("unknown option --size");
    }
}
