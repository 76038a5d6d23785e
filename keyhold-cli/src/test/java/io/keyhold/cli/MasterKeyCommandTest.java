package io.keyhold.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ServerAssembly;
import io.keyhold.server.config.ConfigLoader;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.pki.DevPki;
import io.keyhold.server.security.MasterKeyRing;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.store.sql.MasterKeyRotation;
import io.keyhold.server.store.sql.SqlObjectStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MasterKeyCommandTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    static Path pkiDir;

    @TempDir
    Path dir;

    @BeforeAll
    static void pki() throws Exception {
        DevPki.ensure(pkiDir);
    }

    private Path config() throws Exception {
        Files.writeString(dir.resolve("master.pass"), "a passphrase for the test\n");
        return Files.writeString(dir.resolve("keyhold.yaml"), """
                tls:
                  certificate: %s
                  private_key: %s
                  trusted_cas: [%s]
                storage:
                  data_dir: data
                master_key:
                  keystore: keys/master.p12
                  passphrase_file: master.pass
                """.formatted(pkiDir.resolve("server.pem"), pkiDir.resolve("server.key"), pkiDir.resolve("ca.pem")));
    }

    private static CliRun run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cl = KeyholdCommand.commandLine(new ByteArrayInputStream(new byte[0]), out, err);
        ((MasterKeyCommand) cl.getSubcommands().get("master-key").getCommand()).environment = Map.of();
        int exit = cl.execute(args);
        return new CliRun(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    private static TtlvItem aesKey() {
        byte[] material = new byte[32];
        RANDOM.nextBytes(material);
        return TtlvItem.structure(Tag.SYMMETRIC_KEY, TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, 1),
                TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, material)),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, 3),
                TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 256)));
    }

    private static ServerConfig load(Path config) throws Exception {
        return ConfigLoader.load(config, Map.of());
    }

    private static MasterKeyRing ring(ServerConfig c) {
        return ServerAssembly.openMasterKey(c.masterKey(), Map.of());
    }

    /** Stores {@code n} keys as the server would, returning them by uid. */
    private static Map<String, TtlvItem> fill(ServerConfig c, int n) throws Exception {
        Map<String, TtlvItem> objects = new LinkedHashMap<>();
        try (SqlObjectStore store = SqlObjectStore.open(c.storage().database(), ring(c),
                SqlObjectStore.Options.DEFAULTS)) {
            for (int start = 0; start < n; start += 500) {
                int from = start;
                store.write(tx -> {
                    for (int i = from; i < Math.min(n, from + 500); i++) {
                        String uid = "key-" + i;
                        TtlvItem object = aesKey();
                        tx.insert(new StoredObject(uid, "client1", StorageStatus.ONLINE, List.of(
                                new KmipAttribute("Unique Identifier", 0, TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uid)),
                                new KmipAttribute("Object Type", 0,
                                        TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value())),
                                new KmipAttribute("State", 0, TtlvItem.enumeration(Tag.STATE, State.ACTIVE.value()))),
                                object));
                        objects.put(uid, object);
                    }
                    return null;
                });
            }
        }
        return objects;
    }

    private static void assertAllReadable(ServerConfig c, Map<String, TtlvItem> objects) throws Exception {
        try (SqlObjectStore store = SqlObjectStore.open(c.storage().database(), ring(c),
                SqlObjectStore.Options.DEFAULTS)) {
            for (Map.Entry<String, TtlvItem> e : objects.entrySet()) {
                assertThat(store.read(tx -> tx.get(e.getKey())).orElseThrow().object()).as(e.getKey())
                        .isEqualTo(e.getValue());
            }
        }
    }

    private static MasterKeyRotation.Status status(ServerConfig c) {
        try (MasterKeyRotation r = MasterKeyRotation.open(c.storage().database(), ring(c), 10_000)) {
            return r.status();
        }
    }

    @Test
    void init_createsTheKeyStoreWithTheFirstKey_thenDoesNothing() throws Exception {
        Path config = config();
        Path keystore = dir.resolve("keys/master.p12");
        CliRun first = run("master-key", "init", "--config", config.toString());
        assertThat(first.exitCode()).as(first.stderr()).isZero();
        assertThat(first.stdout()).matches("created master key keyhold-master:[0-9a-f]{8} in key store "
                + java.util.regex.Pattern.quote(keystore.toString()) + "\\R");
        assertThat(Files.exists(keystore)).isTrue();
        byte[] store = Files.readAllBytes(keystore);

        CliRun again = run("master-key", "init", "--config", config.toString());
        assertThat(again.exitCode()).isZero();
        assertThat(again.stdout()).contains("already exists", "nothing done");
        assertThat(Files.readAllBytes(keystore)).isEqualTo(store);
    }

    @Test
    void rotate_rewrapsEveryObject_showsProgress_andStatusCountsPerKey() throws Exception {
        Path config = config();
        assertThat(run("master-key", "init", "--config", config.toString()).exitCode()).isZero();
        ServerConfig c = load(config);
        Map<String, TtlvItem> objects = fill(c, 30);
        String first = status(c).currentKeyId();

        CliRun before = run("master-key", "status", "--config", config.toString());
        assertThat(before.exitCode()).isZero();
        assertThat(before.stdout().lines()).containsExactly("current master key: " + first,
                "rotation: none unfinished", "objects by master key:", "  " + first + "  30  (current)");

        CliRun rotate = run("master-key", "rotate", "--config", config.toString(), "--batch-size", "7");
        assertThat(rotate.exitCode()).as(rotate.stderr()).isZero();
        String second = status(c).currentKeyId();
        assertThat(second).startsWith("keyhold-master-2:");
        List<String> err = rotate.stderr().lines().toList();
        assertThat(err.get(0)).isEqualTo("master key " + second + " created in key store "
                + dir.resolve("keys/master.p12") + " and recorded as current; re-wrapping data keys under older keys");
        assertThat(err.get(err.size() - 1)).matches("re-wrapped 30 of 30 data keys \\(100%\\), \\d+/s, done");
        assertThat(rotate.stdout()).isEqualTo("master key " + second + " is current; 30 data key(s) re-wrapped;"
                + " every object is under it" + System.lineSeparator());

        CliRun after = run("master-key", "status", "--config", config.toString());
        assertThat(after.stdout().lines()).containsExactly("current master key: " + second,
                "rotation: none unfinished", "objects by master key:",
                "  " + second + "  30  (current)", "  " + first + "    0");
        assertAllReadable(c, objects);
    }

    @Test
    void add_makesAKeyThatIsNotCurrent_thenRotateToMakesItCurrent() throws Exception {
        Path config = config();
        assertThat(run("master-key", "init", "--config", config.toString()).exitCode()).isZero();
        ServerConfig c = load(config);
        Map<String, TtlvItem> objects = fill(c, 12);
        String first = status(c).currentKeyId();

        CliRun add = run("master-key", "add", "--config", config.toString());
        assertThat(add.exitCode()).as(add.stderr()).isZero();
        String added = add.stdout().replaceAll("(?s)^created master key (\\S+) in .*$", "$1");
        assertThat(added).startsWith("keyhold-master-2:");
        assertThat(add.stdout()).contains("not current yet", "keyhold master-key rotate --to " + added);
        assertThat(status(c).currentKeyId()).isEqualTo(first);
        assertThat(status(c).rotating()).isFalse();

        CliRun unknown = run("master-key", "rotate", "--to", "keyhold-master-9:00000000", "--config", config.toString());
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.stderr()).contains("keyhold-master-9:00000000");
        assertThat(status(c).currentKeyId()).isEqualTo(first);

        CliRun both = run("master-key", "rotate", "--to", added, "--resume", "--config", config.toString());
        assertThat(both.exitCode()).isEqualTo(2);

        CliRun rotate = run("master-key", "rotate", "--to", added, "--config", config.toString());
        assertThat(rotate.exitCode()).as(rotate.stderr()).isZero();
        assertThat(rotate.stderr()).startsWith("master key " + added + " recorded as current");
        assertThat(status(c).currentKeyId()).isEqualTo(added);
        assertThat(status(c).objectsByKeyId().get(added)).isEqualTo(12);
        assertThat(status(c).rotating()).isFalse();
        assertAllReadable(c, objects);
    }

    @Test
    void rotate_resume_continuesAnInterruptedRotation() throws Exception {
        Path config = config();
        assertThat(run("master-key", "init", "--config", config.toString()).exitCode()).isZero();
        ServerConfig c = load(config);
        Map<String, TtlvItem> objects = fill(c, 25);
        String second;
        try (MasterKeyRotation r = MasterKeyRotation.open(c.storage().database(), ring(c), 10_000)) {
            second = r.begin();
            AtomicInteger batches = new AtomicInteger();
            assertThatThrownBy(() -> r.rewrap(5, (done, total) -> {
                if (batches.incrementAndGet() == 2) {
                    throw new IllegalStateException("stopped part way");
                }
            })).hasMessage("stopped part way");
        }
        CliRun half = run("master-key", "status", "--config", config.toString());
        assertThat(half.stdout()).contains("rotation: unfinished (continue it with keyhold master-key rotate --resume)",
                "  " + second + "  10  (current)");

        CliRun resumed = run("master-key", "rotate", "--resume", "--config", config.toString());
        assertThat(resumed.exitCode()).as(resumed.stderr()).isZero();
        assertThat(resumed.stderr()).startsWith("resuming the unfinished rotation to master key " + second);
        assertThat(resumed.stderr().lines().reduce((a, b) -> b).orElseThrow()).startsWith("re-wrapped 15 of 15 data keys");
        assertThat(status(c).rotating()).isFalse();
        assertThat(status(c).objectsByKeyId().get(second)).isEqualTo(25);
        assertAllReadable(c, objects);

        CliRun nothing = run("master-key", "rotate", "--resume", "--config", config.toString());
        assertThat(nothing.exitCode()).isZero();
        assertThat(nothing.stdout()).isEqualTo("no unfinished rotation: every object is under master key " + second
                + System.lineSeparator());
        assertThat(status(c).currentKeyId()).as("--resume never generates a key").isEqualTo(second);
    }

    @Test
    void rotate_killedPartWay_thenRunAgain_finishesWithEveryObjectIntact() throws Exception {
        Path config = config();
        assertThat(run("master-key", "init", "--config", config.toString()).exitCode()).isZero();
        ServerConfig c = load(config);
        Map<String, TtlvItem> objects = fill(c, 2000);
        String first = status(c).currentKeyId();

        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), KeyholdCommand.class.getName(),
                "master-key", "rotate", "--config", config.toString(), "--batch-size", "1")
                .redirectErrorStream(true).redirectOutput(dir.resolve("rotate.out").toFile()).start();
        try {
            // wait until the rotation has re-wrapped something, then kill it without warning
            while (true) {
                MasterKeyRotation.Status s = status(c);
                if (!s.currentKeyId().equals(first) && s.objectsByKeyId().getOrDefault(s.currentKeyId(), 0L) > 0) {
                    break;
                }
                assertThat(p.isAlive()).as(Files.readString(dir.resolve("rotate.out"))).isTrue();
                Thread.sleep(5);
            }
        } finally {
            p.destroyForcibly(); // SIGKILL
            p.waitFor();
        }
        MasterKeyRotation.Status killed = status(c);
        assertThat(killed.rotating()).as("killed before it finished").isTrue();
        assertThat(killed.objectsByKeyId().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(2000);
        assertAllReadable(c, objects);

        CliRun again = run("master-key", "rotate", "--config", config.toString());
        assertThat(again.exitCode()).as(again.stderr()).isZero();
        assertThat(again.stderr()).startsWith("resuming the unfinished rotation to master key " + killed.currentKeyId());
        MasterKeyRotation.Status done = status(c);
        assertThat(done.rotating()).isFalse();
        assertThat(done.objectsByKeyId()).containsExactly(Map.entry(killed.currentKeyId(), 2000L));
        assertAllReadable(c, objects);
    }

    @Test
    void aWrongPassphrase_isOneLine_exit1() throws Exception {
        Path config = config();
        assertThat(run("master-key", "init", "--config", config.toString()).exitCode()).isZero();
        Files.writeString(dir.resolve("master.pass"), "not it\n");
        CliRun r = run("master-key", "status", "--config", config.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).isEqualTo("keyhold master-key status: master key store " + dir.resolve("keys/master.p12")
                + " cannot be opened: wrong passphrase or not a PKCS#12 file" + System.lineSeparator());
    }

    @Test
    void aBadConfiguration_exits2() throws Exception {
        Path config = Files.writeString(dir.resolve("bad.yaml"), "master_key:\n  provider: vault\n");
        CliRun r = run("master-key", "rotate", "--config", config.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr().lines()).hasSize(1);
        assertThat(r.stderr()).startsWith("keyhold master-key rotate: ");
    }
}
