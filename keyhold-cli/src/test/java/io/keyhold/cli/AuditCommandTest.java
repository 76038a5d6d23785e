package io.keyhold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyhold.server.ServerAssembly;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code keyhold audit}: verify catches tampering done directly in the SQLite file; export and query. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AuditCommandTest {
    private static final Pattern HEAD = Pattern.compile("head (\\d+:[0-9a-f]{64})");

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
    void sixRecords() throws Exception {
        config = DevConfigFiles.write(dir, pkiDir);
        try (ServerAssembly.Assembly a = ServerAssembly.open(ConfigLoader.load(config, Map.of()), Map.of())) {
            a.store().appendAudit(List.of(
                    event("2026-01-01T10:00:00Z", "client1", "Create", "Success", null, "key-1"),
                    event("2026-01-01T10:00:01Z", "client1", "Get", "Success", null, "key-1"),
                    new AuditEvent(Instant.parse("2026-01-02T09:00:00Z"), "client2", "127.0.0.1:1", "2.1", "Get",
                            List.of(), 0, "Operation Failed", "Item Not Found", AuditEvent.ACCESS_DENIED),
                    event("2026-01-02T09:30:00Z", "client2", "Locate", "Success", null, "key-1", "key-2"),
                    event("2026-01-03T00:00:00Z", "client1", "Destroy", "Success", null, "key-1"),
                    new AuditEvent(Instant.parse("2026-01-03T00:00:01Z"), "client2", "127.0.0.1:2", null, null, List.of(),
                            0, "Operation Failed", "Invalid Message", null)), true);
        }
    }

    private static AuditEvent event(String time, String identity, String op, String status, String reason, String... uids) {
        return new AuditEvent(Instant.parse(time), identity, "127.0.0.1:1", "2.1", op, List.of(uids),
                uids.length + (op.equals("Locate") ? 10 : 0), status, reason, null);
    }

    private Path database() {
        return dir.resolve("data").resolve("keyhold.db");
    }

    private CliRun audit(String... args) {
        List<String> all = new ArrayList<>(List.of("audit"));
        all.add(args[0]);
        all.add("--config");
        all.add(config.toString());
        all.addAll(List.of(args).subList(1, args.length));
        return CliRun.run("", all.toArray(String[]::new));
    }

    private void sql(String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database()); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    @Test
    void verify_intactLog_countsEveryRecordAndPrintsTheHead() {
        CliRun r = audit("verify");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("verified 6 audit record(s)").containsPattern(HEAD);
    }

    @Test
    void verify_editedField_namesTheRecord() throws Exception {
        sql("UPDATE audit_record SET identity = 'mallory' WHERE sequence = 3");
        CliRun r = audit("verify");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("broken at record 3", "changed");
        assertThat(r.stdout()).contains("verified 2 audit record(s)");
    }

    @Test
    void verify_editedObjectIdentifier_namesTheRecord() throws Exception {
        sql("UPDATE audit_object SET uid = 'key-9' WHERE sequence = 4 AND position = 1");
        CliRun r = audit("verify");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("broken at record 4", "changed");
    }

    @Test
    void verify_editedOrRemovedDetail_namesTheRecord() throws Exception {
        sql("UPDATE audit_record SET detail = NULL WHERE sequence = 3");
        CliRun removed = audit("verify");
        assertThat(removed.exitCode()).isEqualTo(1);
        assertThat(removed.stderr()).contains("broken at record 3", "changed");

        sql("UPDATE audit_record SET detail = 'access denied' WHERE sequence = 3",
                "UPDATE audit_record SET detail = 'access denied' WHERE sequence = 2");
        CliRun added = audit("verify");
        assertThat(added.exitCode()).isEqualTo(1);
        assertThat(added.stderr()).contains("broken at record 2", "changed");
    }

    @Test
    void verify_deletedRow_namesTheMissingRecord() throws Exception {
        sql("DELETE FROM audit_object WHERE sequence = 3", "DELETE FROM audit_record WHERE sequence = 3");
        CliRun r = audit("verify");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("broken at record 3", "record 3 is missing", "removed");
    }

    @Test
    void verify_swappedRows_reportsTheReordering() throws Exception {
        sql("UPDATE audit_record SET sequence = -1 WHERE sequence = 4",
                "UPDATE audit_record SET sequence = 4 WHERE sequence = 5",
                "UPDATE audit_record SET sequence = 5 WHERE sequence = -1",
                "UPDATE audit_object SET sequence = -1 WHERE sequence = 4",
                "UPDATE audit_object SET sequence = 4 WHERE sequence = 5",
                "UPDATE audit_object SET sequence = 5 WHERE sequence = -1");
        CliRun r = audit("verify");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("broken at record 4", "reordered");
    }

    @Test
    void verify_truncatedTail_caughtByTheKeptHead_andByAnAnchorWhenTheHeadIsRewrittenToo() throws Exception {
        Matcher m = HEAD.matcher(audit("verify").stdout());
        assertThat(m.find()).isTrue();
        String anchor = m.group(1);

        sql("DELETE FROM audit_object WHERE sequence >= 5", "DELETE FROM audit_record WHERE sequence >= 5");
        CliRun cut = audit("verify");
        assertThat(cut.exitCode()).isEqualTo(1);
        assertThat(cut.stderr()).contains("records 5 to 6 were removed from the end");

        // the tamperer also rewrites the head row: the chain alone now looks whole ...
        sql("UPDATE audit_head SET sequence = 4, hash = (SELECT hash FROM audit_record WHERE sequence = 4)");
        assertThat(audit("verify").exitCode()).isZero();
        // ... but not against the head noted earlier
        CliRun anchored = audit("verify", "--anchor", anchor);
        assertThat(anchored.exitCode()).isEqualTo(1);
        assertThat(anchored.stderr()).contains("records 5 to 6 were removed from the end");
    }

    @Test
    void verify_badAnchor_isAUsageError() {
        CliRun r = audit("verify", "--anchor", "4:abc");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("not a head");
    }

    @Test
    void export_oneJsonObjectPerRecordWithEveryField() throws Exception {
        CliRun r = audit("export");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        String[] lines = r.stdout().split("\n");
        assertThat(lines).hasSize(6);
        ObjectMapper json = new ObjectMapper();
        JsonNode fourth = json.readTree(lines[3]);
        assertThat(fourth.get("sequence").asLong()).isEqualTo(4);
        assertThat(fourth.get("time").asText()).isEqualTo("2026-01-02T09:30:00Z");
        assertThat(fourth.get("identity").asText()).isEqualTo("client2");
        assertThat(fourth.get("source_address").asText()).isEqualTo("127.0.0.1:1");
        assertThat(fourth.get("protocol_version").asText()).isEqualTo("2.1");
        assertThat(fourth.get("operation").asText()).isEqualTo("Locate");
        assertThat(fourth.get("unique_identifiers").toString()).isEqualTo("[\"key-1\",\"key-2\"]");
        assertThat(fourth.get("object_count").asLong()).isEqualTo(12);
        assertThat(fourth.get("result_status").asText()).isEqualTo("Success");
        assertThat(fourth.get("result_reason").isNull()).isTrue();
        assertThat(fourth.get("detail").isNull()).isTrue();
        assertThat(fourth.get("previous_hash").asText()).isEqualTo(json.readTree(lines[2]).get("hash").asText());
        assertThat(fourth.get("hash").asText()).hasSize(64);
        JsonNode denied = json.readTree(lines[2]);
        assertThat(denied.get("result_reason").asText()).isEqualTo("Item Not Found");
        assertThat(denied.get("detail").asText()).isEqualTo("access denied");
        JsonNode refused = json.readTree(lines[5]);
        assertThat(refused.get("operation").isNull()).isTrue();
        assertThat(refused.get("protocol_version").isNull()).isTrue();
        assertThat(refused.get("result_reason").asText()).isEqualTo("Invalid Message");
    }

    @Test
    void query_filtersCombine() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertThat(sequences(audit("query", "--object", "key-1", "--json"), json)).containsExactly(1L, 2L, 4L, 5L);
        assertThat(sequences(audit("query", "--identity", "client2", "--json"), json)).containsExactly(3L, 4L, 6L);
        assertThat(sequences(audit("query", "--operation", "Get", "--json"), json)).containsExactly(2L, 3L);
        assertThat(sequences(audit("query", "--since", "2026-01-02", "--until", "2026-01-02T09:30:00Z", "--json"), json))
                .containsExactly(3L);
        assertThat(sequences(audit("query", "--object", "key-1", "--identity", "client1", "--limit", "2", "--json"), json))
                .containsExactly(1L, 2L);
    }

    @Test
    void query_table_isReadable() {
        CliRun r = audit("query", "--identity", "client2");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        String[] lines = r.stdout().split("\n");
        assertThat(lines[0]).startsWith("SEQ").contains("TIME", "IDENTITY", "OPERATION", "STATUS", "REASON", "OBJECTS")
                .endsWith("DETAIL");
        assertThat(lines[1]).contains("2026-01-02T09:00:00Z", "client2", "Get", "Operation Failed", "Item Not Found")
                .containsPattern(" -\\s+access denied$");
        assertThat(lines[2]).contains("Locate", "key-1,key-2,... (12 in all)").endsWith(" -");
        assertThat(lines[lines.length - 1]).isEqualTo("3 record(s)");
    }

    @Test
    void query_badTime_isAUsageError_andMissingDatabase_oneLineExit1() throws Exception {
        CliRun bad = audit("query", "--since", "yesterday");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.stderr()).contains("'yesterday' is not a time");

        Files.delete(database());
        CliRun missing = audit("verify");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.stderr().strip()).startsWith("keyhold audit verify: no database at").doesNotContain("\n");
    }

    private static List<Long> sequences(CliRun r, ObjectMapper json) throws Exception {
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        List<Long> out = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            if (!line.isBlank()) {
                out.add(json.readTree(line).get("sequence").asLong());
            }
        }
        return out;
    }
}
