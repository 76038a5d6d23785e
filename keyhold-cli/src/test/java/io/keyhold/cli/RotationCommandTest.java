package io.keyhold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.NameType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ServerAssembly;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.store.RotationPolicy;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.store.sql.SqlAuditLog;
import io.keyhold.server.store.sql.SqlObjectStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code keyhold rotation policy add|list|remove} and {@code keyhold rotation due} on a configuration's database. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RotationCommandTest {
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
    void configFile() throws Exception {
        config = DevConfigFiles.write(dir, pkiDir);
    }

    private SqlObjectStore open() {
        return SqlObjectStore.open(dir.resolve("data").resolve("keyhold.db"),
                ServerAssembly.openMasterKey(ServerConfig.MasterKeyStore.development(pkiDir), Map.of()));
    }

    private CliRun run(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--config";
        all[args.length + 1] = config.toString();
        return CliRun.run("", all);
    }

    private List<AuditEvent> records() {
        try (SqlAuditLog log = SqlAuditLog.open(dir.resolve("data").resolve("keyhold.db"))) {
            List<AuditEvent> out = new ArrayList<>();
            log.scan(r -> out.add(r.event()));
            return out;
        }
    }

    @Test
    void policiesAreAddedListedAndRemovedAndAudited() throws Exception {
        CliRun added = run("rotation", "policy", "add", "--name", "payments", "--group", "payments",
                "--interval", "90d", "--grace", "7d");
        assertThat(added.exitCode()).as(added.stderr()).isZero();
        assertThat(added.stdout().strip()).isEqualTo(
                "added rotation policy payments: Object Group payments, every 90d, revoke replaced keys after 7d");
        CliRun aes = run("rotation", "policy", "add", "--name", "aes", "--algorithm", "AES",
                "--object-type", "symmetric-key", "--interval", "12h");
        assertThat(aes.exitCode()).as(aes.stderr()).isZero();

        assertThat(run("rotation", "policy", "list").stdout().lines()).containsExactly(
                "aes: Object Type Symmetric Key, Cryptographic Algorithm AES, every 12h, replaced keys stay Active",
                "payments: Object Group payments, every 90d, revoke replaced keys after 7d");
        try (SqlObjectStore store = open()) {
            List<RotationPolicy> stored = store.read(tx -> tx.rotationPolicies());
            assertThat(stored).extracting(RotationPolicy::intervalSeconds)
                    .containsExactly(43_200L, 7_776_000L);
        }

        CliRun again = run("rotation", "policy", "add", "--name", "aes", "--group", "x", "--interval", "1d");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.stderr()).contains("a rotation policy named aes exists");

        CliRun removed = run("rotation", "policy", "remove", "--name", "aes");
        assertThat(removed.exitCode()).as(removed.stderr()).isZero();
        assertThat(run("rotation", "policy", "list").stdout().lines()).hasSize(1);
        CliRun missing = run("rotation", "policy", "remove", "--name", "aes");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.stderr()).contains("no rotation policy is named aes");

        assertThat(records()).extracting(AuditEvent::operation)
                .containsExactly("Add Rotation Policy", "Add Rotation Policy", "Remove Rotation Policy");
        assertThat(records()).allSatisfy(e -> assertThat(e.sourceAddress()).isEqualTo("local"));
        CliRun verify = run("audit", "verify");
        assertThat(verify.exitCode()).as(verify.stderr()).isZero();
    }

    @Test
    void usageLimitsAndSecretDataPoliciesAreAddedAndListed() throws Exception {
        CliRun both = run("rotation", "policy", "add", "--name", "gcm", "--algorithm", "aes",
                "--max-uses", "1000000", "--interval", "365d");
        assertThat(both.exitCode()).as(both.stderr()).isZero();
        assertThat(both.stdout().strip()).isEqualTo("added rotation policy gcm: Cryptographic Algorithm AES,"
                + " every 365d or after 1000000 uses, replaced keys stay Active");
        CliRun uses = run("rotation", "policy", "add", "--name", "seeds", "--object-type", "secret-data",
                "--max-uses", "5", "--grace", "1h");
        assertThat(uses.exitCode()).as(uses.stderr()).isZero();
        assertThat(run("rotation", "policy", "list").stdout().lines()).containsExactly(
                "gcm: Cryptographic Algorithm AES, every 365d or after 1000000 uses, replaced keys stay Active",
                "seeds: Object Type Secret Data, after 5 uses, revoke replaced keys after 1h");
        try (SqlObjectStore store = open()) {
            List<RotationPolicy> stored = store.read(tx -> tx.rotationPolicies());
            assertThat(stored).extracting(RotationPolicy::intervalSeconds).containsExactly(365 * 86_400L, null);
            assertThat(stored).extracting(RotationPolicy::maxUses).containsExactly(1_000_000L, 5L);
            assertThat(stored).extracting(RotationPolicy::objectType)
                    .containsExactly(null, ObjectType.SECRET_DATA.value());
        }
    }

    @Test
    void badOptionsAreRefusedWithAReason() {
        CliRun noLimit = run("rotation", "policy", "add", "--name", "p", "--group", "g");
        assertThat(noLimit.exitCode()).isEqualTo(2);
        assertThat(noLimit.stderr()).contains("give --interval, --max-uses or both");
        CliRun zeroUses = run("rotation", "policy", "add", "--name", "p", "--group", "g", "--max-uses", "0");
        assertThat(zeroUses.exitCode()).isEqualTo(2);
        assertThat(zeroUses.stderr()).contains("--max-uses: 0 (expected: at least 1)");
        CliRun noFilter = run("rotation", "policy", "add", "--name", "p", "--interval", "1d");
        assertThat(noFilter.exitCode()).isEqualTo(2);
        assertThat(noFilter.stderr()).contains("has no filter");
        CliRun badInterval = run("rotation", "policy", "add", "--name", "p", "--group", "g", "--interval", "soon");
        assertThat(badInterval.exitCode()).isEqualTo(2);
        assertThat(badInterval.stderr()).contains("--interval: 'soon' is not a duration");
        CliRun badType = run("rotation", "policy", "add", "--name", "p", "--object-type", "certificate",
                "--interval", "1d");
        assertThat(badType.exitCode()).isEqualTo(2);
        assertThat(badType.stderr()).contains("only symmetric-key");
    }

    @Test
    void dueListsTheKeysRotatedOnScheduleNextFirst() throws Exception {
        long now = Instant.now().getEpochSecond();
        try (SqlObjectStore store = open()) {
            store.write(tx -> {
                tx.insert(key("old", "payments-old", now - 10 * 86_400, 86_400L, null));
                tx.insert(key("grouped", "payments-new", now - 3_600, null, "payments"));
                tx.insert(key("plain", "plain", now - 10 * 86_400, null, null));
                tx.insertRotationPolicy(new RotationPolicy("payments", "payments", null, null, 2 * 86_400, null, now));
                tx.insert(key("metered-due", "m1", now - 3_600, null, "metered"));
                tx.insert(key("metered-low", "m2", now - 3_600, null, "metered"));
                tx.insertRotationPolicy(new RotationPolicy("metered", "metered", null, null, null, null, now, 5L));
                tx.addObjectUses(Map.of("metered-due", 3L, "metered-low", 2L));
                return null;
            });
            store.write(tx -> {
                tx.addObjectUses(Map.of("metered-due", 2L));
                return null;
            });
        }
        CliRun due = run("rotation", "due");
        assertThat(due.exitCode()).as(due.stderr()).isZero();
        List<String> lines = due.stdout().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(2)).isEqualTo("5/5 uses  metered-due  m1  policy metered  (due)");
        assertThat(lines.get(3)).isEqualTo("2/5 uses  metered-low  m2  policy metered");
        assertThat(lines.get(0)).contains("  old  payments-old  Rotate Interval  (due)");
        assertThat(lines.get(1)).contains("  grouped  payments-new  policy payments").doesNotContain("(due)");
        assertThat(lines.get(1)).startsWith(Instant.ofEpochSecond(now - 3_600 + 2 * 86_400).toString());
    }

    private static StoredObject key(String id, String name, long activated, Long interval, String group) {
        List<KmipAttribute> a = new ArrayList<>(List.of(
                KmipAttribute.of(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, id)),
                KmipAttribute.of(TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value())),
                KmipAttribute.of(TtlvItem.enumeration(Tag.STATE, State.ACTIVE.value())),
                KmipAttribute.of(TtlvItem.dateTime(Tag.INITIAL_DATE, activated)),
                KmipAttribute.of(TtlvItem.dateTime(Tag.ACTIVATION_DATE, activated)),
                KmipAttribute.of(TtlvItem.structure(Tag.NAME, TtlvItem.text(Tag.NAME_VALUE, name),
                        TtlvItem.enumeration(Tag.NAME_TYPE, NameType.UNINTERPRETED_TEXT_STRING.value())))));
        if (interval != null) {
            a.add(KmipAttribute.of(TtlvItem.bool(Tag.ROTATE_AUTOMATIC, true)));
            a.add(KmipAttribute.of(TtlvItem.interval(Tag.ROTATE_INTERVAL, interval)));
        }
        if (group != null) {
            a.add(KmipAttribute.of(TtlvItem.text(Tag.OBJECT_GROUP, group)));
        }
        return new StoredObject(id, "client1", StorageStatus.ONLINE, a, null);
    }
}
