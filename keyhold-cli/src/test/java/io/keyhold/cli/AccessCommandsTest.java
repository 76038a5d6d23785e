package io.keyhold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ServerAssembly;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.auth.PasswordHashes;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.store.sql.SqlAuditLog;
import io.keyhold.server.store.sql.SqlObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code keyhold grant} and {@code keyhold user} on the database a configuration names. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AccessCommandsTest {
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
    void configAndObject() throws Exception {
        config = DevConfigFiles.write(dir, pkiDir);
        try (SqlObjectStore store = open()) {
            store.write(tx -> {
                tx.insert(new StoredObject("key-1", "client1", StorageStatus.ONLINE, List.of(
                        KmipAttribute.of(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "key-1")),
                        KmipAttribute.of(TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SECRET_DATA.value()))), null));
                return null;
            });
        }
    }

    private SqlObjectStore open() {
        return SqlObjectStore.open(dir.resolve("data").resolve("keyhold.db"),
                ServerAssembly.openMasterKey(ServerConfig.MasterKeyStore.development(pkiDir), Map.of()));
    }

    private CliRun run(String stdin, String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--config";
        all[args.length + 1] = config.toString();
        return CliRun.run(stdin, all);
    }

    /** Every audit record of the database, in chain order. */
    private List<AuditEvent> records() {
        try (SqlAuditLog log = SqlAuditLog.open(dir.resolve("data").resolve("keyhold.db"))) {
            List<AuditEvent> out = new ArrayList<>();
            log.scan(r -> out.add(r.event()));
            return out;
        }
    }

    private void assertAuditVerifies(int records) {
        CliRun verify = run("", "audit", "verify");
        assertThat(verify.exitCode()).as(verify.stderr()).isZero();
        assertThat(verify.stdout()).contains("verified " + records + " audit record(s)");
    }

    private static void assertChange(AuditEvent e, String operation, List<String> objects, String detail) {
        assertThat(e.identity()).isEqualTo("operator " + System.getProperty("user.name"));
        assertThat(e.sourceAddress()).isEqualTo("local");
        assertThat(e.protocolVersion()).isNull();
        assertThat(e.operation()).isEqualTo(operation);
        assertThat(e.uniqueIdentifiers()).isEqualTo(objects);
        assertThat(e.objectCount()).isEqualTo(objects.size());
        assertThat(e.resultStatus()).isEqualTo("Success");
        assertThat(e.resultReason()).isNull();
        assertThat(e.detail()).isEqualTo(detail);
    }

    private static void failsWith(CliRun r, int exit, String line) {
        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(exit);
        assertThat(r.stderr()).isEqualTo(line + System.lineSeparator());
    }

    @Test
    void grant_addListRemove() {
        CliRun added = run("", "grant", "add", "--object", "key-1", "--to", "client2", "--operations", "get,get-attributes");
        assertThat(added.exitCode()).as(added.stderr()).isZero();
        assertThat(added.stdout().lines()).containsExactlyInAnyOrder("granted Get on object key-1 to identity client2",
                "granted Get Attributes on object key-1 to identity client2");

        CliRun group = run("", "grant", "add", "--group", "finance", "--to-group", "ops", "--operations", "all");
        assertThat(group.stdout()).isEqualTo("granted all operations on object group finance to group ops" + System.lineSeparator());

        assertThat(run("", "grant", "list").stdout().lines()).containsExactly(
                "Get on object key-1 to identity client2", "Get Attributes on object key-1 to identity client2",
                "all operations on object group finance to group ops");
        assertThat(run("", "grant", "list", "--to", "ops").stdout().lines())
                .containsExactly("all operations on object group finance to group ops");
        assertThat(run("", "grant", "list", "--object", "key-1").stdout().lines()).hasSize(2);

        CliRun removed = run("", "grant", "remove", "--object", "key-1", "--to", "client2", "--operations", "get");
        assertThat(removed.stdout()).isEqualTo("revoked Get on object key-1 to identity client2" + System.lineSeparator());
        assertThat(run("", "grant", "remove", "--object", "key-1", "--to", "client2").stdout().lines())
                .containsExactly("revoked Get Attributes on object key-1 to identity client2");
        failsWith(run("", "grant", "remove", "--object", "key-1", "--to", "client2"), 1,
                "keyhold grant remove: no such grant on object key-1 to identity client2");
    }

    @Test
    void grant_addAndRemove_eachLeavesOneAuditRecord_andTheChainVerifies() {
        assertThat(records()).isEmpty();
        assertThat(run("", "grant", "add", "--object", "key-1", "--to", "client2", "--operations", "get").exitCode()).isZero();
        assertThat(records()).hasSize(1);
        assertChange(records().get(0), "Grant", List.of("key-1"), "granted Get on object key-1 to identity client2");

        assertThat(run("", "grant", "add", "--group", "finance", "--to-group", "ops", "--operations", "all").exitCode())
                .isZero();
        assertThat(records()).hasSize(2);
        assertChange(records().get(1), "Grant", List.of(), "granted all operations on object group finance to group ops");

        assertThat(run("", "grant", "add", "--object", "key-1", "--to", "client2", "--operations", "get").stdout())
                .startsWith("nothing to do");
        assertThat(records()).as("a grant that already existed changes nothing").hasSize(2);

        assertThat(run("", "grant", "remove", "--object", "key-1", "--to", "client2").exitCode()).isZero();
        assertThat(records()).hasSize(3);
        assertChange(records().get(2), "Revoke Grant", List.of("key-1"), "revoked Get on object key-1 from identity client2");
        assertAuditVerifies(3);
    }

    @Test
    void grant_refused_leavesNoAuditRecordAndNoGrant() {
        assertThat(run("", "grant", "add", "--object", "nope", "--to", "client2", "--operations", "get").exitCode())
                .isEqualTo(1);
        assertThat(run("", "grant", "add", "--object", "key-1", "--to", "client2", "--operations", "teleport").exitCode())
                .isEqualTo(1);
        assertThat(run("", "grant", "remove", "--object", "key-1", "--to", "client2").exitCode()).isEqualTo(1);
        assertThat(run("", "grant", "list").stdout()).isEmpty();
        assertThat(records()).isEmpty();
        assertAuditVerifies(0);
    }

    @Test
    void user_addReplaceRemove_eachLeavesOneAuditRecord_neverThePasswordOrItsHash() throws Exception {
        assertThat(run("correct horse battery\n", "user", "add", "svc-backup").exitCode()).isZero();
        assertThat(records()).hasSize(1);
        assertChange(records().get(0), "Add User", List.of(), "user svc-backup added");

        assertThat(run("new one\n", "user", "add", "svc-backup", "--replace").exitCode()).isZero();
        assertThat(records()).hasSize(2);
        assertChange(records().get(1), "Change Password", List.of(), "password of user svc-backup changed");
        String hash;
        try (SqlObjectStore store = open()) {
            hash = store.read(tx -> tx.passwordHash("svc-backup")).orElseThrow();
        }

        assertThat(run("other\n", "user", "add", "svc-backup").exitCode()).isEqualTo(1);
        assertThat(run("", "user", "remove", "nobody").exitCode()).isEqualTo(1);
        assertThat(records()).as("refused user changes leave no record").hasSize(2);

        assertThat(run("", "user", "remove", "svc-backup").exitCode()).isZero();
        assertThat(records()).hasSize(3);
        assertChange(records().get(2), "Remove User", List.of(), "user svc-backup removed");

        String export = run("", "audit", "export").stdout();
        assertThat(export.lines()).hasSize(3);
        assertThat(export).doesNotContain("horse", "new one", "other", hash, "argon2");
        assertAuditVerifies(3);
    }

    @Test
    void grant_badInput_isOneLineAndChangesNothing() {
        failsWith(run("", "grant", "add", "--object", "nope", "--to", "client2", "--operations", "get"), 1,
                "keyhold grant add: no object with Unique Identifier nope");
        failsWith(run("", "grant", "add", "--object", "key-1", "--to", "client2", "--operations", "get,teleport"), 1,
                "keyhold grant add: unknown operation \"teleport\" (expected KMIP operation names such as get, encrypt,"
                        + " get-attributes, or all)");
        assertThat(run("", "grant", "list").stdout()).isEmpty();
    }

    @Test
    void grant_usageErrors_exit2() {
        assertThat(run("", "grant", "add", "--object", "key-1", "--operations", "get").exitCode()).isEqualTo(2);
        assertThat(run("", "grant", "add", "--object", "key-1", "--group", "g", "--to", "x", "--operations", "get").exitCode())
                .isEqualTo(2);
        assertThat(CliRun.run("", "grant", "list").exitCode()).isEqualTo(2);
    }

    @Test
    void grant_badConfiguration_exit2NamingTheSetting() throws Exception {
        Files.writeString(config, Files.readString(config) + "access:\n  password_credentials: maybe\n");
        CliRun r = run("", "grant", "list");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).startsWith("keyhold grant list: access.password_credentials: must be one of");
    }

    @Test
    void user_addFromStdinOrFile_listRemove_passwordNeverPrinted() throws Exception {
        CliRun added = run("correct horse battery\n", "user", "add", "svc-backup");
        assertThat(added.exitCode()).as(added.stderr()).isZero();
        assertThat(added.stdout()).isEqualTo("added user svc-backup" + System.lineSeparator()).doesNotContain("horse");
        Path file = Files.writeString(dir.resolve("pw.txt"), "from a file\r\n");
        assertThat(run("", "user", "add", "svc-2", "--password-file", file.toString()).exitCode()).isZero();

        try (SqlObjectStore store = open()) {
            Optional<String> hash = store.read(tx -> tx.passwordHash("svc-backup"));
            assertThat(hash.orElseThrow()).startsWith("$argon2id$").doesNotContain("horse");
            assertThat(PasswordHashes.matches("correct horse battery".toCharArray(), hash.get())).isTrue();
            assertThat(PasswordHashes.matches("from a file".toCharArray(), store.read(tx -> tx.passwordHash("svc-2")).orElseThrow()))
                    .isTrue();
        }
        assertThat(run("", "user", "list").stdout().lines()).containsExactly("svc-2", "svc-backup");

        failsWith(run("other\n", "user", "add", "svc-backup"), 1,
                "keyhold user add: user svc-backup already exists (use --replace to set a new password)");
        assertThat(run("new one\n", "user", "add", "svc-backup", "--replace").exitCode()).isZero();
        failsWith(run("\n", "user", "add", "svc-3"), 1, "keyhold user add: the password is empty");

        assertThat(run("", "user", "remove", "svc-2").stdout()).isEqualTo("removed user svc-2" + System.lineSeparator());
        failsWith(run("", "user", "remove", "svc-2"), 1, "keyhold user remove: no user svc-2");
        assertThat(run("", "user", "list").stdout().lines()).containsExactly("svc-backup");
    }
}
