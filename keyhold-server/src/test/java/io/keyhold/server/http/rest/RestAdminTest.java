package io.keyhold.server.http.rest;

import static io.keyhold.server.testing.KmipAssertions.fails;
import static io.keyhold.server.testing.Payloads.createAes;
import static io.keyhold.server.testing.Payloads.payload;
import static io.keyhold.server.testing.Payloads.withUid;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.server.ServerAssembly;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.pki.DevPki;
import io.keyhold.server.testing.KmipTestClient;
import io.keyhold.server.testing.LiveServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The administrative REST routes end to end over HTTPS, on a server whose only administrator is client1
 * (access.administrators): the audit log of KMIP requests and its verification, grants made over REST
 * taking effect on the KMIP port, the open KMIP connections and the status; client2 is refused the
 * administrators' routes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RestAdminTest {
    private static final KmipVersion V14 = KmipVersion.V1_4;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static LiveServer server;
    private static HttpClient admin;
    private static HttpClient client2;

    @BeforeAll
    static void start() throws Exception {
        server = LiveServer.start(dir, false, c -> c.withHttp(ServerConfig.Http.on("127.0.0.1", 0))
                .withAccess(new ServerConfig.Access(List.of("client1"))));
        DevPki.Layout pki = new DevPki.Layout(dir);
        admin = HttpClient.newBuilder().sslContext(KmipTestClient.sslContext(pki.clientP12(1), pki.ca()))
                .connectTimeout(Duration.ofSeconds(10)).build();
        client2 = HttpClient.newBuilder().sslContext(KmipTestClient.sslContext(pki.clientP12(2), pki.ca()))
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private record Answer(int status, String contentType, JsonNode body) {
    }

    private static Answer send(HttpClient client, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://localhost:" + server.httpsPort() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = r.body().isEmpty() ? null : JSON.readTree(r.body());
        return new Answer(r.statusCode(), r.headers().firstValue("content-type").orElse(""), json);
    }

    private static Answer get(HttpClient client, String path) throws Exception {
        return send(client, "GET", path, null);
    }

    private static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String create(KmipTestClient c) throws Exception {
        return c.ok(V14, Operation.CREATE, createAes(V14, 256)).child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
    }

    private static List<JsonNode> items(JsonNode node) {
        List<JsonNode> out = new ArrayList<>();
        node.forEach(out::add);
        return out;
    }

    @Test
    void rotationPolicies_addListRemove_forAdministratorsOnly() throws Exception {
        Answer added = send(admin, "POST", "/v1/rotation-policies", "{\"name\":\"rest-payments\",\"group\":\"payments\","
                + "\"algorithm\":\"AES\",\"intervalSeconds\":7776000,\"graceSeconds\":604800}");
        assertThat(added.status()).as(String.valueOf(added.body())).isEqualTo(201);
        assertThat(added.body().get("description").asText()).isEqualTo("rest-payments: Object Group payments,"
                + " Cryptographic Algorithm AES, every 90d, revoke replaced keys after 7d");
        assertThat(send(admin, "POST", "/v1/rotation-policies", "{\"name\":\"rest-payments\",\"group\":\"x\","
                + "\"intervalSeconds\":60}").status()).isEqualTo(409);
        assertThat(send(admin, "POST", "/v1/rotation-policies", "{\"name\":\"no-filter\",\"intervalSeconds\":60}")
                .status()).isEqualTo(400);
        assertThat(send(client2, "POST", "/v1/rotation-policies", "{\"name\":\"mine\",\"group\":\"g\","
                + "\"intervalSeconds\":60}").status()).isEqualTo(403);
        assertThat(get(client2, "/v1/rotation-policies").status()).isEqualTo(403);

        Answer listed = get(admin, "/v1/rotation-policies");
        assertThat(listed.status()).isEqualTo(200);
        assertThat(items(listed.body().get("items"))).extracting(n -> n.get("name").asText()).contains("rest-payments");
        List<io.keyhold.server.store.RotationPolicy> stored = server.assembly().store().read(tx -> tx.rotationPolicies());
        assertThat(stored).extracting(p -> p.name()).contains("rest-payments");

        assertThat(send(client2, "DELETE", "/v1/rotation-policies/rest-payments", null).status()).isEqualTo(403);
        assertThat(send(admin, "DELETE", "/v1/rotation-policies/rest-payments", null).status()).isEqualTo(204);
        assertThat(send(admin, "DELETE", "/v1/rotation-policies/rest-payments", null).status()).isEqualTo(404);
        Answer audit = get(admin, "/v1/audit?operation=" + q("Add Rotation Policy") + "&identity=" + q("client client1"));
        assertThat(items(audit.body().get("items"))).filteredOn(n -> n.get("detail").asText().contains("rest-payments"))
                .hasSize(1);
    }

    @Test
    void rotationPolicies_takeAUsageLimitAndSecretData() throws Exception {
        Answer uses = send(admin, "POST", "/v1/rotation-policies", "{\"name\":\"rest-seeds\",\"objectType\":"
                + "\"Secret Data\",\"maxUses\":1000}");
        assertThat(uses.status()).as(String.valueOf(uses.body())).isEqualTo(201);
        assertThat(uses.body().get("maxUses").asLong()).isEqualTo(1000);
        assertThat(uses.body().has("intervalSeconds")).isFalse();
        assertThat(uses.body().get("description").asText())
                .isEqualTo("rest-seeds: Object Type Secret Data, after 1000 uses, replaced keys stay Active");
        Answer both = send(admin, "POST", "/v1/rotation-policies", "{\"name\":\"rest-both\",\"group\":\"g\","
                + "\"intervalSeconds\":86400,\"maxUses\":5}");
        assertThat(both.status()).as(String.valueOf(both.body())).isEqualTo(201);
        assertThat(both.body().get("description").asText()).contains("every 1d or after 5 uses");
        assertThat(send(admin, "POST", "/v1/rotation-policies", "{\"name\":\"no-limit\",\"group\":\"g\"}")
                .status()).isEqualTo(400);
        assertThat(send(admin, "POST", "/v1/rotation-policies", "{\"name\":\"zero\",\"group\":\"g\",\"maxUses\":0}")
                .status()).isEqualTo(400);
        assertThat(send(admin, "POST", "/v1/rotation-policies", "{\"name\":\"words\",\"group\":\"g\","
                + "\"maxUses\":\"many\"}").status()).isEqualTo(400);
        List<io.keyhold.server.store.RotationPolicy> stored = server.assembly().store().read(tx -> tx.rotationPolicies());
        assertThat(stored).filteredOn(p -> p.name().equals("rest-seeds")).singleElement().satisfies(p -> {
            assertThat(p.maxUses()).isEqualTo(1000L);
            assertThat(p.intervalSeconds()).isNull();
            assertThat(p.objectType()).isEqualTo(io.keyhold.protocol.spec.ObjectType.SECRET_DATA.value());
        });
        assertThat(send(admin, "DELETE", "/v1/rotation-policies/rest-seeds", null).status()).isEqualTo(204);
        assertThat(send(admin, "DELETE", "/v1/rotation-policies/rest-both", null).status()).isEqualTo(204);
    }

    @Test
    void administrator_seesTheAuditRecordOfAKmipCreate_andTheChainIsIntact() throws Exception {
        String uid;
        try (KmipTestClient c1 = server.client("client1")) {
            uid = create(c1);
        }
        Answer audit = get(admin, "/v1/audit?object=" + q(uid));
        assertThat(audit.status()).isEqualTo(200);
        List<JsonNode> records = items(audit.body().get("items"));
        assertThat(records).hasSize(1);
        JsonNode record = records.get(0);
        assertThat(record.get("operation").asText()).isEqualTo("Create");
        assertThat(record.get("identity").asText()).isEqualTo("client1");
        assertThat(record.get("result").asText()).isEqualTo("Success");
        assertThat(record.get("remote").asText()).startsWith("127.0.0.1:");
        assertThat(items(record.get("objects"))).extracting(JsonNode::asText).containsExactly(uid);
        assertThat(record.get("hash").asText()).hasSize(64);
        long sequence = record.get("sequence").asLong();

        Answer byOperation = get(admin, "/v1/audit?operation=Create&identity=client1&limit=1");
        assertThat(items(byOperation.body().get("items"))).hasSize(1);
        assertThat(items(byOperation.body().get("items")).get(0).get("operation").asText()).isEqualTo("Create");

        Answer verify = get(admin, "/v1/audit/verify");
        assertThat(verify.status()).isEqualTo(200);
        assertThat(verify.body().get("intact").asBoolean()).isTrue();
        assertThat(verify.body().get("verified").asLong()).isGreaterThanOrEqualTo(sequence);
        assertThat(verify.body().get("head").get("sequence").asLong()).isGreaterThanOrEqualTo(sequence);
        assertThat(verify.body().get("head").get("hash").asText()).hasSize(64);
        assertThat(verify.body().has("problem")).isFalse();
    }

    @Test
    void auditPages_followOffsetAndLimit() throws Exception {
        try (KmipTestClient c1 = server.client("client1")) {
            create(c1);
            create(c1);
            create(c1);
        }
        List<JsonNode> all = items(get(admin, "/v1/audit?limit=1000").body().get("items"));
        assertThat(all.size()).isGreaterThanOrEqualTo(3);
        Answer page = get(admin, "/v1/audit?offset=1&limit=2");
        List<JsonNode> two = items(page.body().get("items"));
        assertThat(two).extracting(n -> n.get("sequence").asLong())
                .containsExactly(all.get(1).get("sequence").asLong(), all.get(2).get("sequence").asLong());
        assertThat(page.body().get("next").asInt()).isEqualTo(3);
        Answer last = get(admin, "/v1/audit?offset=" + (all.size() - 1) + "&limit=5");
        assertThat(items(last.body().get("items"))).hasSize(1);
        assertThat(last.body().get("next").isNull()).isTrue();

        assertThat(get(admin, "/v1/audit?limit=0").status()).isEqualTo(400);
        Answer badTime = get(admin, "/v1/audit?since=yesterday");
        assertThat(badTime.status()).isEqualTo(400);
        assertThat(badTime.contentType()).isEqualTo("application/problem+json");
        assertThat(badTime.body().get("detail").asText()).contains("ISO-8601");
    }

    @Test
    void nonAdministrator_isRefusedAuditAndConnections_butSeesStatus() throws Exception {
        for (String path : List.of("/v1/audit", "/v1/audit/verify", "/v1/connections", "/v1/grants")) {
            Answer refused = get(client2, path);
            assertThat(refused.status()).as(path).isEqualTo(403);
            assertThat(refused.contentType()).as(path).isEqualTo("application/problem+json");
            assertThat(refused.body().get("type").asText()).as(path).endsWith("/forbidden");
        }
        assertThat(get(client2, "/v1/status").status()).isEqualTo(200);
    }

    @Test
    void grantMadeOverRest_letsClient2GetOverKmip_andDeleteRevokesIt() throws Exception {
        try (KmipTestClient c1 = server.client("client1"); KmipTestClient c2 = server.client("client2")) {
            String key = create(c1);
            fails(c2.call(V14, Operation.GET, withUid(key)), ResultReason.ITEM_NOT_FOUND);

            String grant = "{\"object\":\"" + key + "\",\"grantee\":\"client2\",\"operations\":[\"Get\"]}";
            Answer byClient2 = send(client2, "POST", "/v1/grants", grant);
            assertThat(byClient2.status()).as("client2 may not grant itself another's object").isEqualTo(404);
            fails(c2.call(V14, Operation.GET, withUid(key)), ResultReason.ITEM_NOT_FOUND);

            Answer added = send(admin, "POST", "/v1/grants", grant);
            assertThat(added.status()).isEqualTo(201);
            assertThat(items(added.body().get("items"))).hasSize(1);
            assertThat(added.body().get("items").get(0).get("operation").asText()).isEqualTo("Get");
            assertThat(send(admin, "POST", "/v1/grants", grant).status()).as("already granted").isEqualTo(200);

            assertThat(c2.ok(V14, Operation.GET, withUid(key)).child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue())
                    .isEqualTo(key);
            fails(c2.call(V14, Operation.DESTROY, withUid(key)), ResultReason.ITEM_NOT_FOUND);

            List<JsonNode> listed = items(get(admin, "/v1/grants?object=" + q(key)).body().get("items"));
            assertThat(listed).hasSize(1);
            assertThat(listed.get(0).get("object").asText()).isEqualTo(key);
            assertThat(listed.get(0).get("grantee").asText()).isEqualTo("client2");

            List<JsonNode> recorded = items(get(admin, "/v1/audit?object=" + q(key) + "&operation=Grant")
                    .body().get("items"));
            assertThat(recorded).hasSize(1);
            assertThat(recorded.get(0).get("identity").asText()).isEqualTo("client client1");
            assertThat(recorded.get(0).get("detail").asText()).contains("Get").contains("client2");

            String revoke = "/v1/grants?object=" + q(key) + "&grantee=client2&operation=Get";
            assertThat(send(client2, "DELETE", revoke, null).status()).isEqualTo(404);
            assertThat(send(admin, "DELETE", revoke, null).status()).isEqualTo(204);
            fails(c2.call(V14, Operation.GET, withUid(key)), ResultReason.ITEM_NOT_FOUND);
            assertThat(send(admin, "DELETE", revoke, null).status()).as("nothing left to revoke").isEqualTo(404);
            assertThat(items(get(admin, "/v1/grants?object=" + q(key)).body().get("items"))).isEmpty();
            assertThat(items(get(admin, "/v1/audit?object=" + q(key) + "&operation=Revoke%20Grant")
                    .body().get("items"))).hasSize(1);
        }
    }

    @Test
    void owner_managesGrantsOnItsOwnObject_only() throws Exception {
        try (KmipTestClient c2 = server.client("client2")) {
            String own = create(c2);
            Answer added = send(client2, "POST", "/v1/grants",
                    "{\"object\":\"" + own + "\",\"granteeGroup\":\"auditors\",\"operations\":[\"get-attributes\",\"Encrypt\"]}");
            assertThat(added.status()).isEqualTo(201);
            assertThat(items(added.body().get("items"))).extracting(n -> n.get("operation").asText())
                    .containsExactlyInAnyOrder("Get Attributes", "Encrypt");
            assertThat(items(get(client2, "/v1/grants?object=" + q(own)).body().get("items"))).hasSize(2);

            Answer onGroup = send(client2, "POST", "/v1/grants",
                    "{\"group\":\"finance\",\"grantee\":\"client2\",\"operations\":[\"Get\"]}");
            assertThat(onGroup.status()).as("an Object Group is administrators' business").isEqualTo(403);
        }
    }

    @Test
    void malformedGrantRequests_areProblemDocuments() throws Exception {
        assertThat(send(admin, "POST", "/v1/grants", "not json").status()).isEqualTo(400);
        assertThat(send(admin, "POST", "/v1/grants", "{\"grantee\":\"client2\",\"operations\":[\"Get\"]}").status())
                .isEqualTo(400);
        Answer unknownOp = send(admin, "POST", "/v1/grants",
                "{\"group\":\"g\",\"grantee\":\"client2\",\"operations\":[\"Fly\"]}");
        assertThat(unknownOp.status()).isEqualTo(400);
        assertThat(unknownOp.body().get("detail").asText()).contains("Fly");
        assertThat(send(admin, "POST", "/v1/grants",
                "{\"object\":\"no-such-object\",\"grantee\":\"client2\",\"operations\":[\"Get\"]}").status()).isEqualTo(404);
    }

    @Test
    void connections_listAnOpenKmipConnection_untilItCloses() throws Exception {
        long id;
        try (KmipTestClient c2 = server.client("client2")) {
            c2.ok(V14, Operation.DISCOVER_VERSIONS, payload());
            Answer open = get(admin, "/v1/connections");
            assertThat(open.status()).isEqualTo(200);
            String remote = "127.0.0.1:" + c2.socket().getLocalPort();
            List<JsonNode> mine = items(open.body().get("kmip").get("items")).stream()
                    .filter(n -> n.get("remote").asText().equals(remote)).toList();
            assertThat(mine).hasSize(1);
            JsonNode c = mine.get(0);
            id = c.get("id").asLong();
            assertThat(c.get("identity").asText()).isEqualTo("client2");
            assertThat(c.get("protocol").asText()).startsWith("TLSv1.");
            assertThat(c.get("cipherSuite").asText()).startsWith("TLS_");
            assertThat(c.get("requests").asLong()).isEqualTo(1);
            assertThat(c.get("opened").asText()).isNotEmpty();
            assertThat(open.body().get("kmip").get("count").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(open.body().get("https").get("count").asInt()).isGreaterThanOrEqualTo(1);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        boolean gone = false;
        while (!gone && System.nanoTime() < deadline) {
            gone = items(get(admin, "/v1/connections").body().get("kmip").get("items")).stream()
                    .noneMatch(n -> n.get("id").asLong() == id);
            if (!gone) {
                Thread.sleep(50);
            }
        }
        assertThat(gone).as("connection " + id + " listed after it closed").isTrue();
    }

    @Test
    void status_showsVersionPortsStorageAndAuditHead() throws Exception {
        Answer status = get(client2, "/v1/status");
        assertThat(status.status()).isEqualTo(200);
        JsonNode s = status.body();
        assertThat(s.get("version").asText()).isEqualTo(ServerAssembly.version());
        assertThat(s.get("startedAt").asText()).isNotEmpty();
        assertThat(s.get("uptimeSeconds").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(s.get("kmip").get("port").asInt()).isEqualTo(server.port());
        assertThat(s.get("kmip").get("openConnections").asInt()).isGreaterThanOrEqualTo(0);
        assertThat(s.get("https").get("port").asInt()).isEqualTo(server.httpsPort());
        assertThat(s.get("https").get("openConnections").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(s.get("storage").get("engine").asText()).isEqualTo("sqlite");
        assertThat(s.get("storage").get("status").asText()).isEqualTo("up");
        assertThat(s.get("audit").get("headSequence").isNumber()).isTrue();
        assertThat(status.toString()).doesNotContain(dir.toString());
    }
}
