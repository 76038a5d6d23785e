package io.keyhold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ServerAssembly;
import io.keyhold.server.audit.AuditChain;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.audit.AuditVerifier;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.store.Grant;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.store.sql.DatabaseCopy;
import io.keyhold.server.store.sql.SqlAuditLog;
import io.keyhold.server.store.sql.SqlObjectStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code keyhold migrate}, {@code backup} and {@code restore} between SQLite files. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MigrateCommandTest {
    private static final String PASSWORD = "pw-never-shown-4711";

    @TempDir
    static Path pkiDir;

    @TempDir
    Path dir;

    private Path config;

    @BeforeAll
    static void pki() throws Exception {
        DevConfigFiles.ensurePkiAndMasterKey(pkiDir);
    }

    @BeforeEach
    void serverDatabase() throws Exception {
        config = DevConfigFiles.write(dir, pkiDir);
        try (SqlObjectStore store = SqlObjectStore.open(serverDb(),
                ServerAssembly.openMasterKey(ServerConfig.MasterKeyStore.development(pkiDir), Map.of()))) {
            for (int i = 0; i < 30; i++) {
                String uid = "key-" + i;
                store.write(tx -> {
                    tx.insert(new StoredObject(uid, "client1", StorageStatus.ONLINE, List.of(
                            KmipAttribute.of(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uid)),
                            KmipAttribute.of(TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SECRET_DATA.value()))),
                            null));
                    tx.insertGrant(new Grant(Grant.TargetKind.OBJECT, uid, Grant.GranteeKind.IDENTITY, "client2", "Get"),
                            1_770_000_000L);
                    tx.appendAudit(AuditEvent.change(Instant.ofEpochSecond(1_770_000_000L), "operator test", "local",
                            "Register", List.of(uid), "registered " + uid));
                    return null;
                });
            }
            store.write(tx -> tx.putUser("alice", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", 1_770_000_000L));
        }
    }

    private Path serverDb() {
        return dir.resolve("data").resolve("keyhold.db");
    }

    /** Every row of every copied table as text, sorted (the tables' column counts differ). */
    private static Map<String, List<String>> tables(Path db) throws Exception {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            for (String table : DatabaseCopy.tableNames()) {
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
                    ResultSetMetaData meta = rs.getMetaData();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            Object v = rs.getObject(i);
                            row.append(v instanceof byte[] b ? Arrays.toString(b) : String.valueOf(v)).append('|');
                        }
                        rows.add(row.toString());
                    }
                }
                rows.sort(null);
                out.put(table, rows);
            }
        }
        return out;
    }

    private static AuditVerifier.Result verifyAudit(Path db) {
        try (SqlAuditLog log = SqlAuditLog.open(db)) {
            AuditVerifier v = new AuditVerifier();
            Optional<AuditChain.Head> head = log.scan(v::accept);
            return v.finish(head);
        }
    }

    /** Runs a command with this environment (for the password variables). */
    private static CliRun run(Map<String, String> env, String... args) {
        return run(env, new byte[0], args);
    }

    private static CliRun run(Map<String, String> env, byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cl = KeyholdCommand.commandLine(new java.io.ByteArrayInputStream(stdin), out, err);
        Object command = cl.getSubcommands().get(args[0]).getCommand();
        if (command instanceof MigrateCommand m) {
            m.environment = env;
        } else if (command instanceof BackupCommands.Base b) {
            b.environment = env;
        }
        int exit = cl.execute(args);
        return new CliRun(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void migrate_copiesEveryTable_andRefusesANonEmptyTargetUnlessResumed() throws Exception {
        Path target = dir.resolve("moved").resolve("keyhold.db");
        CliRun r = run(Map.of(), "migrate", "--from", serverDb().toString(), "--to", "jdbc:sqlite:" + target, "--quiet");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stderr()).isEmpty();
        assertThat(r.stdout()).contains("copied ", " rows of " + DatabaseCopy.tableNames().size() + " tables");
        assertThat(tables(target)).isEqualTo(tables(serverDb()));
        assertThat(tables(target).get("managed_object")).hasSize(30);
        AuditVerifier.Result audit = verifyAudit(target);
        assertThat(audit.problem()).isEmpty();
        assertThat(audit.verified()).isEqualTo(30);
        assertThat(audit.head()).isEqualTo(verifyAudit(serverDb()).head());

        Map<String, List<String>> before = tables(target);
        CliRun again = run(Map.of(), "migrate", "--from", serverDb().toString(), "--to", target.toString());
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.stderr()).startsWith("keyhold migrate: target database").contains("is not empty");
        assertThat(again.stdout()).isEmpty();
        assertThat(tables(target)).isEqualTo(before);

        CliRun resumed = run(Map.of(), "migrate", "--from", serverDb().toString(), "--to", target.toString(),
                "--resume", "--quiet");
        assertThat(resumed.exitCode()).as(resumed.stderr()).isZero();
        assertThat(tables(target)).isEqualTo(before);
    }

    @Test
    void migrate_usageErrors_exit2() {
        CliRun missingTo = run(Map.of(), "migrate", "--from", serverDb().toString());
        assertThat(missingTo.exitCode()).isEqualTo(2);
        assertThat(missingTo.stderr()).contains("--to");

        CliRun unsetVariable = run(Map.of(), "migrate", "--from", serverDb().toString(), "--to",
                "jdbc:postgresql://127.0.0.1:1/keyhold", "--to-password-env", "KH_TARGET_PASSWORD");
        assertThat(unsetVariable.exitCode()).isEqualTo(2);
        assertThat(unsetVariable.stderr())
                .isEqualTo("keyhold migrate: --to-password-env: environment variable KH_TARGET_PASSWORD is not set"
                        + System.lineSeparator());

        CliRun notADatabase = run(Map.of(), "migrate", "--from", "mysql://host/db", "--to", "x.db");
        assertThat(notADatabase.exitCode()).isEqualTo(2);
        assertThat(notADatabase.stderr()).contains("--from", "not a database Keyhold can use");
    }

    @Test
    void migrate_failures_neverShowAPassword() {
        CliRun fromEnv = run(Map.of("KH_PW", PASSWORD), "migrate", "--from", serverDb().toString(), "--to",
                "jdbc:postgresql://127.0.0.1:1/keyhold", "--to-user", "keyhold", "--to-password-env", "KH_PW");
        assertThat(fromEnv.exitCode()).isEqualTo(1);
        assertThat(fromEnv.stderr()).startsWith("keyhold migrate: cannot open the target").contains("127.0.0.1:1")
                .doesNotContain(PASSWORD);
        assertThat(fromEnv.stdout()).doesNotContain(PASSWORD);

        CliRun inUrl = run(Map.of(), "migrate", "--from", "jdbc:postgresql://127.0.0.1:1/keyhold?user=k&password="
                + PASSWORD, "--to", dir.resolve("t.db").toString());
        assertThat(inUrl.exitCode()).isEqualTo(2);
        assertThat(inUrl.stderr()).contains("keyhold migrate: --from: a password in the URL is refused",
                "--from-password-env").doesNotContain(PASSWORD);

        CliRun unreachableSource = run(Map.of("KH_PW", PASSWORD), "migrate", "--from",
                "jdbc:postgresql://127.0.0.1:1/keyhold", "--from-password-env", "KH_PW", "--to",
                dir.resolve("t.db").toString());
        assertThat(unreachableSource.exitCode()).isEqualTo(1);
        assertThat(unreachableSource.stderr()).contains("keyhold migrate: cannot open the source")
                .doesNotContain(PASSWORD);
        assertThat(dir.resolve("t.db")).doesNotExist();
    }

    @Test
    void backup_whileTheStoreIsOpen_thenRestore_intoAnEmptyDatabaseOnly() throws Exception {
        Path backup = dir.resolve("backups").resolve("keyhold-backup.db");
        try (SqlObjectStore running = SqlObjectStore.open(serverDb(),
                ServerAssembly.openMasterKey(ServerConfig.MasterKeyStore.development(pkiDir), Map.of()))) {
            CliRun r = run(Map.of(), "backup", "--config", config.toString(), "--output", backup.toString());
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(r.stdout()).contains("backed up ", backup.toString());
            running.write(tx -> tx.putUser("bob", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", 1_770_000_001L));
        }
        assertThat(backup).exists();
        assertThat(Files.getPosixFilePermissions(backup)).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        try (Stream<Path> files = Files.list(backup.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("keyhold-backup.db");
        }
        Map<String, List<String>> backedUp = tables(backup);
        assertThat(backedUp.get("credential_user")).hasSize(1);
        assertThat(backedUp.get("managed_object")).hasSize(30);

        byte[] bytes = Files.readAllBytes(backup);
        CliRun exists = run(Map.of(), "backup", "--config", config.toString(), "--output", backup.toString());
        assertThat(exists.exitCode()).isEqualTo(1);
        assertThat(exists.stderr()).contains("exists", "--force");
        assertThat(Files.readAllBytes(backup)).isEqualTo(bytes);

        CliRun forced = run(Map.of(), "backup", "--database", serverDb().toString(), "--output", backup.toString(),
                "--force", "--quiet");
        assertThat(forced.exitCode()).as(forced.stderr()).isZero();
        assertThat(tables(backup).get("credential_user")).hasSize(2);

        Path restored = dir.resolve("restored.db");
        CliRun restore = run(Map.of(), "restore", "--database", restored.toString(), "--input", backup.toString());
        assertThat(restore.exitCode()).as(restore.stderr()).isZero();
        assertThat(restore.stdout()).contains("restored ");
        assertThat(tables(restored)).isEqualTo(tables(backup));
        assertThat(verifyAudit(restored).problem()).isEmpty();
        assertThat(verifyAudit(restored).verified()).isEqualTo(30);

        CliRun twice = run(Map.of(), "restore", "--database", restored.toString(), "--input", backup.toString());
        assertThat(twice.exitCode()).isEqualTo(1);
        assertThat(twice.stderr()).contains("keyhold restore: target database", "is not empty");

        CliRun intoServer = run(Map.of(), "restore", "--config", config.toString(), "--input", backup.toString());
        assertThat(intoServer.exitCode()).isEqualTo(1);
        assertThat(intoServer.stderr()).contains("is not empty");

        CliRun missing = run(Map.of(), "restore", "--database", dir.resolve("other.db").toString(), "--input",
                dir.resolve("none.db").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.stderr()).contains("no backup at");

        CliRun both = run(Map.of(), "backup", "--config", config.toString(), "--database", serverDb().toString(),
                "--output", dir.resolve("b2.db").toString());
        assertThat(both.exitCode()).isEqualTo(2);
    }

    @Test
    void backup_toStandardOutput_thenRestore_fromStandardInput() throws Exception {
        CliRun backup = run(Map.of(), "backup", "--config", config.toString(), "--output", "-", "--quiet");
        assertThat(backup.exitCode()).as(backup.stderr()).isZero();
        // standard output is the database file alone; the summary went to standard error
        assertThat(new String(Arrays.copyOf(backup.stdoutBytes(), 16), StandardCharsets.US_ASCII))
                .isEqualTo("SQLite format 3\0");
        assertThat(backup.stderr()).contains("backed up", "to standard output");

        Path restored = dir.resolve("restored-from-stdin.db");
        CliRun restore = run(Map.of(), backup.stdoutBytes(), "restore", "--database", restored.toString(),
                "--input", "-", "--quiet");
        assertThat(restore.exitCode()).as(restore.stderr()).isZero();
        assertThat(tables(restored)).isEqualTo(tables(serverDb()));
        assertThat(verifyAudit(restored).problem()).isEmpty();
        assertThat(verifyAudit(restored).verified()).isEqualTo(30);

        CliRun empty = run(Map.of(), new byte[0], "restore", "--database", dir.resolve("e.db").toString(), "--input", "-");
        assertThat(empty.exitCode()).isEqualTo(1);
        assertThat(empty.stderr()).contains("standard input is empty");
        CliRun notSqlite = run(Map.of(), "not a database".getBytes(StandardCharsets.UTF_8), "restore", "--database",
                dir.resolve("n.db").toString(), "--input", "-");
        assertThat(notSqlite.exitCode()).isEqualTo(1);
        assertThat(notSqlite.stderr()).contains("not a backup made by keyhold backup");
        assertThat(dir.resolve("n.db")).doesNotExist();
    }

    @Test
    void progress_namesTheTableAndRowsDoneOfTotal() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintWriter err = new PrintWriter(bytes, true, StandardCharsets.UTF_8);
        AtomicLong clock = new AtomicLong();
        CopyProgress p = new CopyProgress(err, clock::get, 1000);
        p.copied("managed_object", 0, 3000);
        clock.addAndGet(1000);
        p.copied("managed_object", 1000, 3000);
        clock.addAndGet(10);
        p.copied("managed_object", 2000, 3000);
        p.copied("managed_object", 3000, 3000);
        p.copied("attribute_value", 0, 0);
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines())
                .containsExactly("managed_object: 1000/3000 rows (33%)", "managed_object: 3000/3000 rows (100%)");
    }
}
