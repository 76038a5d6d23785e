package io.keyhold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.server.ServerAssembly;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.auth.ApiTokens;
import io.keyhold.server.auth.Identity;
import io.keyhold.server.auth.TicketRights;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.store.sql.SqlAuditLog;
import io.keyhold.server.store.sql.SqlObjectStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code keyhold token create|list|revoke} on the database a configuration names. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TokenCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

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

    private CliRun ok(String... args) {
        CliRun r = run(args);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return r;
    }

    /** What the server would make of a presented token, read from the database as it would. */
    private Optional<ApiTokens.Bearer> authenticate(String token) throws Exception {
        try (SqlObjectStore store = open()) {
            return new ApiTokens(store, Clock.systemUTC()).authenticate(token);
        }
    }

    private List<AuditEvent> records() {
        try (SqlAuditLog log = SqlAuditLog.open(dir.resolve("data").resolve("keyhold.db"))) {
            List<AuditEvent> out = new ArrayList<>();
            log.scan(r -> out.add(r.event()));
            return out;
        }
    }

    private static String field(CliRun r, String name) {
        return r.stdout().lines().filter(l -> l.startsWith(name + ":")).findFirst().orElseThrow()
                .substring(name.length() + 1).strip();
    }

    private static void failsWith(CliRun r, int exit, String line) {
        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(exit);
        assertThat(r.stderr()).isEqualTo(line + System.lineSeparator());
    }

    @Test
    void create_printsTheTokenOnce_andItAuthenticatesAsTheIdentityWithinItsScope() throws Exception {
        Instant before = Instant.now();
        CliRun r = ok("token", "create", "--identity", "client1", "--operations", "get,encrypt", "--objects", "k1,k2",
                "--groups", "finance", "--expires", "30d", "--description", "backup job");
        String token = field(r, "token");
        String id = field(r, "id");
        assertThat(token).matches("kh_[0-9a-f]{16}_[A-Za-z0-9_-]{43}").startsWith("kh_" + id + "_");
        assertThat(field(r, "identity")).isEqualTo("client1");
        assertThat(field(r, "scope")).isEqualTo("Encrypt, Get on objects k1, k2 and object groups finance");
        Instant expires = Instant.parse(field(r, "expires"));
        assertThat(expires).isBetween(before.plus(Duration.ofDays(30)).minusSeconds(1),
                Instant.now().plus(Duration.ofDays(30)));
        assertThat(r.stderr()).contains("shown only this once");

        ApiTokens.Bearer bearer = authenticate(token).orElseThrow();
        assertThat(bearer.tokenId()).isEqualTo(id);
        assertThat(bearer.identity()).isEqualTo(new Identity("client1"));
        assertThat(bearer.scope()).isEqualTo(new TicketRights(List.of(new TicketRights.Right(
                Set.of(Operation.GET, Operation.ENCRYPT), Set.of("k1", "k2"), Set.of("finance")))));
        assertThat(bearer.expires()).isEqualTo(expires);

        // the list names the token, never its secret
        CliRun list = ok("token", "list");
        String secret = token.substring(("kh_" + id + "_").length());
        assertThat(list.stdout()).doesNotContain(secret);
        assertThat(list.stdout().lines().toList()).hasSize(3);
        assertThat(list.stdout().lines().findFirst().orElseThrow()).startsWith("ID").contains("IDENTITY", "STATUS", "SCOPE");
        assertThat(list.stdout().lines().skip(1).findFirst().orElseThrow()).startsWith(id).contains("client1", "active",
                expires.toString(), "Encrypt, Get on objects k1, k2 and object groups finance", "backup job");
        assertThat(list.stdout()).endsWith("1 token(s)" + System.lineSeparator());
    }

    @Test
    void create_withoutScopeOrExpiry_isUnrestrictedUntilRevoked() throws Exception {
        CliRun r = ok("token", "create", "--identity", "client2");
        assertThat(field(r, "expires")).isEqualTo("never");
        assertThat(field(r, "scope")).isEqualTo("any operation on any object");
        ApiTokens.Bearer bearer = authenticate(field(r, "token")).orElseThrow();
        assertThat(bearer.scope()).isEqualTo(TicketRights.UNRESTRICTED);
        assertThat(bearer.expires()).isNull();
        CliRun all = ok("token", "create", "--identity", "client2", "--operations", "all");
        assertThat(authenticate(field(all, "token")).orElseThrow().scope()).isEqualTo(TicketRights.UNRESTRICTED);
    }

    @Test
    void createAndList_json() throws Exception {
        CliRun r = ok("token", "create", "--identity", "client1", "--operations", "get-attributes",
                "--expires", "2099-01-01T00:00:00Z", "--json");
        JsonNode created = JSON.readTree(r.stdout());
        String token = created.get("token").asText();
        String id = created.get("id").asText();
        assertThat(created.get("identity").asText()).isEqualTo("client1");
        assertThat(created.get("expires").asText()).isEqualTo("2099-01-01T00:00:00Z");
        assertThat(created.get("scope").toString())
                .isEqualTo("[{\"operations\":[\"Get Attributes\"],\"objects\":[],\"groups\":[]}]");
        assertThat(authenticate(token)).isPresent();

        ok("token", "create", "--identity", "client2", "--expires", "2099-01-01", "--description", "second");
        CliRun list = ok("token", "list", "--json");
        List<JsonNode> lines = new ArrayList<>();
        for (String line : list.stdout().lines().toList()) {
            lines.add(JSON.readTree(line));
        }
        assertThat(lines).hasSize(2);
        JsonNode first = lines.stream().filter(n -> n.get("id").asText().equals(id)).findFirst().orElseThrow();
        assertThat(first.get("identity").asText()).isEqualTo("client1");
        assertThat(first.get("status").asText()).isEqualTo("active");
        assertThat(first.get("expires").asText()).isEqualTo("2099-01-01T00:00:00Z");
        assertThat(first.get("revoked").isNull()).isTrue();
        assertThat(first.get("last_used").asText()).isNotEmpty(); // authenticate above used it
        assertThat(first.has("token")).isFalse();
        assertThat(list.stdout()).doesNotContain(token.substring(("kh_" + id + "_").length()));
    }

    @Test
    void revoke_stopsTheToken_andRevokingAgainFails() throws Exception {
        CliRun r = ok("token", "create", "--identity", "client1");
        String token = field(r, "token");
        String id = field(r, "id");
        assertThat(authenticate(token)).isPresent();

        assertThat(ok("token", "revoke", id).stdout()).isEqualTo("revoked API token " + id + System.lineSeparator());
        assertThat(authenticate(token)).isEmpty();
        failsWith(run("token", "revoke", id), 1,
                "keyhold token revoke: no API token " + id + " that is not revoked already");
        failsWith(run("token", "revoke", "0000000000000000"), 1,
                "keyhold token revoke: no API token 0000000000000000 that is not revoked already");
        assertThat(ok("token", "list").stdout().lines().skip(1).findFirst().orElseThrow()).contains("revoked");
    }

    @Test
    void createAndRevoke_eachLeaveOneAuditRecord_withoutTheSecret_andTheChainVerifies() {
        CliRun r = ok("token", "create", "--identity", "client1", "--operations", "get", "--expires", "2099-01-01");
        String id = field(r, "id");
        String token = field(r, "token");
        ok("token", "revoke", id);
        run("token", "revoke", id); // refused: no record
        List<AuditEvent> records = records();
        assertThat(records).hasSize(2);
        assertThat(records.get(0).identity()).isEqualTo("operator " + System.getProperty("user.name"));
        assertThat(records.get(0).sourceAddress()).isEqualTo("local");
        assertThat(records.get(0).operation()).isEqualTo("Create API Token");
        assertThat(records.get(0).detail()).isEqualTo("API token " + id
                + " issued for identity client1 (scope: Get on every object; expires 2099-01-01T00:00:00Z)");
        assertThat(records.get(1).operation()).isEqualTo("Revoke API Token");
        assertThat(records.get(1).detail()).isEqualTo("API token " + id + " of identity client1 revoked");

        String export = ok("audit", "export").stdout();
        assertThat(export).doesNotContain(token.substring(("kh_" + id + "_").length()));
        assertThat(ok("audit", "verify").stdout()).contains("verified 2 audit record(s)");
    }

    @Test
    void badInput_isOneLine_andStoresNothing() {
        failsWith(run("token", "create", "--identity", "client1", "--operations", "get,teleport"), 1,
                "keyhold token create: unknown operation \"teleport\" (expected KMIP operation names such as get, encrypt,"
                        + " get-attributes, or all)");
        failsWith(run("token", "create", "--identity", "client1", "--expires", "2001-01-01"), 1,
                "keyhold token create: the expiry 2001-01-01T00:00:00Z is not in the future");
        failsWith(run("token", "create", "--identity", " client1"), 1,
                "keyhold token create: the identity name \" client1\" is blank, longer than 255 characters, or has"
                        + " leading or trailing spaces or control characters");
        assertThat(ok("token", "list").stdout()).isEqualTo("ID  IDENTITY  STATUS  CREATED  EXPIRES  LAST USED  SCOPE  DESCRIPTION"
                + System.lineSeparator() + "0 token(s)" + System.lineSeparator());
        assertThat(records()).isEmpty();
    }

    @Test
    void usageErrors_exit2() {
        assertThat(run("token", "create").exitCode()).isEqualTo(2);
        CliRun badExpiry = run("token", "create", "--identity", "client1", "--expires", "tomorrow");
        assertThat(badExpiry.exitCode()).isEqualTo(2);
        assertThat(badExpiry.stderr()).contains("'tomorrow' is not an expiry");
        assertThat(run("token", "revoke").exitCode()).isEqualTo(2);
        assertThat(CliRun.run("", "token", "list").exitCode()).isEqualTo(2);
        assertThat(CliRun.run("", "token").exitCode()).isEqualTo(2);
    }

    @Test
    void expiryConverter_durationsAndTimes() {
        TokenCommand.ExpiryConverter c = new TokenCommand.ExpiryConverter();
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(c.convert("90m").at(now)).isEqualTo(now.plus(Duration.ofMinutes(90)));
        assertThat(c.convert("12h").at(now)).isEqualTo(now.plus(Duration.ofHours(12)));
        assertThat(c.convert("30d").at(now)).isEqualTo(now.plus(Duration.ofDays(30)));
        assertThat(c.convert("2w").at(now)).isEqualTo(now.plus(Duration.ofDays(14)));
        assertThat(c.convert("3600s").at(now)).isEqualTo(now.plusSeconds(3600));
        assertThat(c.convert("2027-01-01T00:00:00Z").at(now)).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(c.convert("2027-01-01").at(now)).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
    }
}
