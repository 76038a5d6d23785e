package io.keyhold.server.http.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST API end to end over HTTPS: a key's life (create, list, metadata, activate, encrypt and decrypt,
 * revoke, destroy), key pairs signing, MACs, registering secret data and reading it back, attributes, access
 * control through the KMIP path (another client sees nothing), and the problem documents for bad JSON, missing
 * fields and unknown objects.
 */
class RestApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static LiveServer server;
    private static HttpClient client1;
    private static HttpClient client2;
    private static HttpClient anonymous;

    @BeforeAll
    static void start() throws Exception {
        server = LiveServer.start(dir, false, c -> c.withHttp(ServerConfig.Http.on("127.0.0.1", 0)));
        DevPki.Layout pki = new DevPki.Layout(dir);
        client1 = client(KmipTestClient.sslContext(pki.clientP12(1), pki.ca()));
        client2 = client(KmipTestClient.sslContext(pki.clientP12(2), pki.ca()));
        SSLContext trustOnly = SSLContext.getInstance("TLS");
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        java.security.KeyStore ts = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        ts.load(null, null);
        try (var in = java.nio.file.Files.newInputStream(pki.ca())) {
            int i = 0;
            for (var cert : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ts.setCertificateEntry("ca" + i++, cert);
            }
        }
        tmf.init(ts);
        trustOnly.init(null, tmf.getTrustManagers(), null);
        anonymous = client(trustOnly);
    }

    private static HttpClient client(SSLContext context) {
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** An answer: status, body as JSON (null when empty), the raw text and the Location header. */
    record Answer(int status, JsonNode json, String text, String location, String contentType) {}

    private static Answer send(HttpClient client, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://localhost:" + server.httpsPort() + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        if (!r.body().isEmpty() && r.headers().firstValue("content-type").orElse("").contains("json")) {
            json = JSON.readTree(r.body());
        }
        return new Answer(r.statusCode(), json, r.body(), r.headers().firstValue("location").orElse(null),
                r.headers().firstValue("content-type").orElse(""));
    }

    private static Answer get(HttpClient c, String path) throws Exception {
        return send(c, "GET", path, null);
    }

    private static Answer post(HttpClient c, String path, String body) throws Exception {
        return send(c, "POST", path, body);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    private static String createAes(HttpClient c, String name, boolean activate) throws Exception {
        Answer a = post(c, "/v1/objects/keys", "{\"algorithm\":\"AES\",\"length\":256,\"name\":\"" + name
                + "\",\"usage\":[\"Encrypt\",\"Decrypt\"],\"activate\":" + activate + "}");
        assertThat(a.status()).as(a.text()).isEqualTo(201);
        return a.json().get("id").asText();
    }

    private static void assertProblem(Answer a, int status, String reason) {
        assertThat(a.status()).as(a.text()).isEqualTo(status);
        assertThat(a.contentType()).isEqualTo("application/problem+json");
        assertThat(a.json().get("status").asInt()).isEqualTo(status);
        if (reason != null) {
            assertThat(a.json().get("kmipResultReason").asText()).isEqualTo(reason);
            assertThat(a.json().get("detail").asText()).startsWith(reason);
        }
    }

    @Test
    void symmetricKey_fullLifecycle() throws Exception {
        String name = unique("rest-life");
        Answer created = post(client1, "/v1/objects/keys", "{\"algorithm\":\"AES\",\"length\":256,\"name\":\"" + name
                + "\",\"usage\":[\"Encrypt\",\"Decrypt\"]}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().get("id").asText();
        assertThat(created.location()).isEqualTo("/v1/objects/" + id);

        Answer list = get(client1, "/v1/objects?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
        assertThat(list.status()).as(list.text()).isEqualTo(200);
        assertThat(list.json().get("items")).hasSize(1);
        JsonNode item = list.json().get("items").get(0);
        assertThat(item.get("id").asText()).isEqualTo(id);
        assertThat(item.get("name").asText()).isEqualTo(name);
        assertThat(item.get("type").asText()).isEqualTo("Symmetric Key");
        assertThat(item.get("state").asText()).isEqualTo("Pre-Active");
        assertThat(item.get("algorithm").asText()).isEqualTo("AES");
        assertThat(item.get("length").asInt()).isEqualTo(256);
        assertThat(item.has("created")).isTrue();
        assertThat(list.json().get("limit").asInt()).isEqualTo(50);
        assertThat(list.json().get("offset").asInt()).isZero();

        Answer meta = get(client1, "/v1/objects/" + id);
        assertThat(meta.status()).as(meta.text()).isEqualTo(200);
        assertThat(meta.json().get("state").asText()).isEqualTo("Pre-Active");
        assertThat(meta.json().get("name").asText()).isEqualTo(name);
        assertThat(meta.json().get("usage")).extracting(JsonNode::asText).containsExactlyInAnyOrder("Encrypt", "Decrypt");
        assertThat(meta.json().get("dates").has("initial")).isTrue();
        assertThat(meta.json().get("attributes").get("Cryptographic Algorithm").asText()).isEqualTo("AES");

        String plaintext = b64("attack at dawn");
        String encryptBody = "{\"id\":\"" + id + "\",\"data\":\"" + plaintext + "\",\"mode\":\"GCM\",\"aad\":\""
                + b64("header") + "\"}";
        assertProblem(post(client1, "/v1/crypto/encrypt", encryptBody), 409, "Wrong Key Lifecycle State");

        assertThat(post(client1, "/v1/objects/" + id + "/activate", null).status()).isEqualTo(204);
        assertThat(get(client1, "/v1/objects/" + id).json().get("state").asText()).isEqualTo("Active");
        assertThat(get(client1, "/v1/objects/" + id).json().get("dates").has("activation")).isTrue();

        Answer enc = post(client1, "/v1/crypto/encrypt", encryptBody);
        assertThat(enc.status()).as(enc.text()).isEqualTo(200);
        String ciphertext = enc.json().get("data").asText();
        String iv = enc.json().get("iv").asText();
        String tag = enc.json().get("tag").asText();
        assertThat(ciphertext).isNotEqualTo(plaintext);
        assertThat(Base64.getDecoder().decode(iv)).hasSize(12);
        assertThat(Base64.getDecoder().decode(tag)).hasSize(16);

        Answer dec = post(client1, "/v1/crypto/decrypt", "{\"id\":\"" + id + "\",\"data\":\"" + ciphertext
                + "\",\"mode\":\"GCM\",\"iv\":\"" + iv + "\",\"tag\":\"" + tag + "\",\"aad\":\"" + b64("header") + "\"}");
        assertThat(dec.status()).as(dec.text()).isEqualTo(200);
        assertThat(dec.json().get("data").asText()).isEqualTo(plaintext);

        // a wrong tag fails without saying anything about the data
        byte[] badTag = Base64.getDecoder().decode(tag);
        badTag[0] ^= 1;
        Answer tampered = post(client1, "/v1/crypto/decrypt", "{\"id\":\"" + id + "\",\"data\":\"" + ciphertext
                + "\",\"mode\":\"GCM\",\"iv\":\"" + iv + "\",\"tag\":\"" + Base64.getEncoder().encodeToString(badTag)
                + "\",\"aad\":\"" + b64("header") + "\"}");
        assertProblem(tampered, 422, "Cryptographic Failure");
        assertThat(tampered.text()).doesNotContain(ciphertext).doesNotContain(plaintext);

        assertThat(post(client1, "/v1/objects/" + id + "/revoke", "{\"reason\":\"Cessation of Operation\","
                + "\"message\":\"retired\"}").status()).isEqualTo(204);
        assertThat(get(client1, "/v1/objects/" + id).json().get("state").asText()).isEqualTo("Deactivated");
        assertProblem(post(client1, "/v1/crypto/encrypt", encryptBody), 409, "Wrong Key Lifecycle State");

        assertThat(send(client1, "DELETE", "/v1/objects/" + id, null).status()).isEqualTo(204);
        // KMIP keeps a destroyed object's metadata; its material is gone
        assertProblem(get(client1, "/v1/objects/" + id + "/material"), 410, "Object Destroyed");
        assertThat(get(client1, "/v1/objects/" + id).json().get("state").asText()).isEqualTo("Destroyed");
        assertProblem(post(client1, "/v1/crypto/decrypt", "{\"id\":\"" + id + "\",\"data\":\"" + ciphertext
                + "\",\"mode\":\"GCM\",\"iv\":\"" + iv + "\",\"tag\":\"" + tag + "\"}"), 410, "Object Destroyed");
        assertThat(get(client1, "/v1/objects?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8))
                .json().get("items")).isEmpty();
        Answer destroyedListed = get(client1, "/v1/objects?state=Destroyed&name="
                + URLEncoder.encode(name, StandardCharsets.UTF_8));
        assertThat(destroyedListed.json().get("items")).extracting(n -> n.get("id").asText()).containsExactly(id);
    }

    @Test
    void keyPairs_signAndVerify() throws Exception {
        for (String request : List.of(
                "{\"algorithm\":\"EC\",\"curve\":\"P-256\",\"name\":\"" + unique("ec") + "\",\"activate\":true}",
                "{\"algorithm\":\"RSA\",\"length\":2048,\"name\":\"" + unique("rsa") + "\",\"activate\":true}")) {
            Answer pair = post(client1, "/v1/objects/key-pairs", request);
            assertThat(pair.status()).as(pair.text()).isEqualTo(201);
            String priv = pair.json().get("privateKeyId").asText();
            String pub = pair.json().get("publicKeyId").asText();
            String algorithm = request.contains("RSA") ? ",\"algorithm\":\"SHA-256 with RSA Encryption\"" : "";
            String data = b64("a message to sign");
            Answer sig = post(client1, "/v1/crypto/sign", "{\"id\":\"" + priv + "\",\"data\":\"" + data + "\"" + algorithm + "}");
            assertThat(sig.status()).as(sig.text()).isEqualTo(200);
            String signature = sig.json().get("signature").asText();
            Answer ok = post(client1, "/v1/crypto/verify", "{\"id\":\"" + pub + "\",\"data\":\"" + data
                    + "\",\"signature\":\"" + signature + "\"" + algorithm + "}");
            assertThat(ok.status()).as(ok.text()).isEqualTo(200);
            assertThat(ok.json().get("valid").asBoolean()).isTrue();
            Answer bad = post(client1, "/v1/crypto/verify", "{\"id\":\"" + pub + "\",\"data\":\"" + b64("another message")
                    + "\",\"signature\":\"" + signature + "\"" + algorithm + "}");
            assertThat(bad.json().get("valid").asBoolean()).isFalse();

            JsonNode meta = get(client1, "/v1/objects/" + priv).json();
            assertThat(meta.get("type").asText()).isEqualTo("Private Key");
            assertThat(meta.get("links")).anySatisfy(l -> {
                assertThat(l.get("type").asText()).isEqualTo("Public Key Link");
                assertThat(l.get("id").asText()).isEqualTo(pub);
            });
        }
    }

    @Test
    void mac_andMacVerify() throws Exception {
        Answer key = post(client1, "/v1/objects/keys", "{\"algorithm\":\"HMAC-SHA256\",\"length\":256,\"activate\":true}");
        assertThat(key.status()).as(key.text()).isEqualTo(201);
        String id = key.json().get("id").asText();
        String data = b64("authenticated");
        Answer mac = post(client1, "/v1/crypto/mac", "{\"id\":\"" + id + "\",\"data\":\"" + data + "\"}");
        assertThat(mac.status()).as(mac.text()).isEqualTo(200);
        String value = mac.json().get("mac").asText();
        assertThat(Base64.getDecoder().decode(value)).hasSize(32);
        assertThat(post(client1, "/v1/crypto/mac-verify", "{\"id\":\"" + id + "\",\"data\":\"" + data + "\",\"mac\":\""
                + value + "\"}").json().get("valid").asBoolean()).isTrue();
        assertThat(post(client1, "/v1/crypto/mac-verify", "{\"id\":\"" + id + "\",\"data\":\"" + b64("other")
                + "\",\"mac\":\"" + value + "\"}").json().get("valid").asBoolean()).isFalse();
    }

    @Test
    void registerSecretData_andReadItBack() throws Exception {
        String secret = b64("correct horse battery staple");
        String name = unique("secret");
        Answer reg = post(client1, "/v1/objects", "{\"type\":\"Secret Data\",\"material\":\"" + secret + "\",\"name\":\""
                + name + "\"}");
        assertThat(reg.status()).as(reg.text()).isEqualTo(201);
        String id = reg.json().get("id").asText();
        JsonNode meta = get(client1, "/v1/objects/" + id).json();
        assertThat(meta.get("type").asText()).isEqualTo("Secret Data");
        assertThat(meta.get("name").asText()).isEqualTo(name);
        Answer material = get(client1, "/v1/objects/" + id + "/material");
        assertThat(material.status()).as(material.text()).isEqualTo(200);
        assertThat(material.json().get("material").asText()).isEqualTo(secret);
        assertThat(material.json().get("type").asText()).isEqualTo("Secret Data");

        Answer opaque = post(client1, "/v1/objects", "{\"type\":\"Opaque Object\",\"material\":\"" + b64("blob")
                + "\",\"activate\":true}");
        assertThat(opaque.status()).as(opaque.text()).isEqualTo(201);
        String oid = opaque.json().get("id").asText();
        assertThat(get(client1, "/v1/objects/" + oid).json().get("state").asText()).isEqualTo("Active");
        assertThat(get(client1, "/v1/objects/" + oid + "/material").json().get("material").asText()).isEqualTo(b64("blob"));

        byte[] key = new byte[32];
        key[5] = 7;
        Answer symmetric = post(client1, "/v1/objects", "{\"type\":\"Symmetric Key\",\"algorithm\":\"AES\",\"material\":\""
                + Base64.getEncoder().encodeToString(key) + "\"}");
        assertThat(symmetric.status()).as(symmetric.text()).isEqualTo(201);
        String kid = symmetric.json().get("id").asText();
        assertThat(get(client1, "/v1/objects/" + kid).json().get("length").asInt()).isEqualTo(256);
        Answer raw = get(client1, "/v1/objects/" + kid + "/material?format=Raw");
        assertThat(raw.json().get("format").asText()).isEqualTo("Raw");
        assertThat(Base64.getDecoder().decode(raw.json().get("material").asText())).isEqualTo(key);
    }

    @Test
    void attributes_putAndDelete() throws Exception {
        String id = createAes(client1, unique("attrs"), false);
        Answer put = send(client1, "PUT", "/v1/objects/" + id + "/attributes/Contact%20Information",
                "{\"value\":\"ops@example.com\"}");
        assertThat(put.status()).as(put.text()).isEqualTo(200);
        assertThat(put.json().get("value").asText()).isEqualTo("ops@example.com");
        Answer replaced = send(client1, "PUT", "/v1/objects/" + id + "/attributes/ContactInformation",
                "{\"value\":\"security@example.com\"}");
        assertThat(replaced.json().get("name").asText()).isEqualTo("Contact Information");
        assertThat(replaced.json().get("value").asText()).isEqualTo("security@example.com");
        assertThat(send(client1, "PUT", "/v1/objects/" + id + "/attributes/x-Department", "{\"value\":\"payments\"}")
                .status()).isEqualTo(200);
        Answer secondName = send(client1, "PUT", "/v1/objects/" + id + "/attributes/Name", "{\"value\":\""
                + unique("alias") + "\"}");
        assertThat(secondName.status()).as(secondName.text()).isEqualTo(200);
        assertThat(secondName.json().get("value")).hasSize(2);

        JsonNode all = get(client1, "/v1/objects/" + id + "/attributes").json();
        assertThat(all.get("Contact Information").asText()).isEqualTo("security@example.com");
        // vendor attributes are multi-valued: an array of instances
        assertThat(all.get("x-Department")).extracting(JsonNode::asText).containsExactly("payments");
        assertThat(all.get("Name")).hasSize(2);

        assertThat(send(client1, "DELETE", "/v1/objects/" + id + "/attributes/Contact%20Information", null).status())
                .isEqualTo(204);
        assertThat(get(client1, "/v1/objects/" + id + "/attributes").json().has("Contact Information")).isFalse();
        assertProblem(send(client1, "DELETE", "/v1/objects/" + id + "/attributes/Contact%20Information", null),
                404, "Attribute Not Found");

        Answer readOnly = send(client1, "PUT", "/v1/objects/" + id + "/attributes/Cryptographic%20Length", "{\"value\":128}");
        assertThat(readOnly.status()).as(readOnly.text()).isEqualTo(403);
        assertThat(readOnly.json().get("kmipResultReason").asText()).isEqualTo("Attribute Read Only");
        assertProblem(send(client1, "PUT", "/v1/objects/" + id + "/attributes/No%20Such%20Thing", "{\"value\":1}"),
                400, null);
    }

    @Test
    void metadata_tellsTheNextScheduledRotation() throws Exception {
        String id = createAes(client1, unique("rotated"), true);
        assertThat(get(client1, "/v1/objects/" + id).json().has("nextRotation")).isFalse();
        assertThat(send(client1, "PUT", "/v1/objects/" + id + "/attributes/Rotate%20Automatic", "{\"value\":true}")
                .status()).isEqualTo(200);
        Answer interval = send(client1, "PUT", "/v1/objects/" + id + "/attributes/Rotate%20Interval", "{\"value\":86400}");
        assertThat(interval.status()).as(interval.text()).isEqualTo(200);
        JsonNode described = get(client1, "/v1/objects/" + id).json();
        java.time.Instant activated = java.time.Instant.parse(described.get("dates").get("activation").asText());
        java.time.Instant initial = java.time.Instant.parse(described.get("dates").get("initial").asText());
        java.time.Instant last = activated.isAfter(initial) ? activated : initial;
        assertThat(java.time.Instant.parse(described.get("nextRotation").asText())).isEqualTo(last.plusSeconds(86_400));
        assertThat(described.get("rotationRule").asText()).isEqualTo("Rotate Interval");
    }

    @Test
    void metadata_tellsTheUsesCountedTowardsAUsageLimit() throws Exception {
        String group = unique("metered");
        String id = createAes(client1, unique("metered"), true);
        assertThat(send(client1, "PUT", "/v1/objects/" + id + "/attributes/Object%20Group",
                "{\"value\":\"" + group + "\"}").status()).isEqualTo(200);
        server.assembly().store().write(tx -> tx.insertRotationPolicy(new io.keyhold.server.store.RotationPolicy(
                group, group, null, null, null, null, 1L, 10L)));
        String encryptBody = "{\"id\":\"" + id + "\",\"data\":\"" + b64("counted") + "\"}";
        for (int i = 0; i < 3; i++) {
            assertThat(post(client1, "/v1/crypto/encrypt", encryptBody).status()).isEqualTo(200);
        }
        assertThat(server.assembly().processor().objectUses().flush(server.assembly().store())).isGreaterThanOrEqualTo(3);
        JsonNode described = get(client1, "/v1/objects/" + id).json();
        assertThat(described.has("nextRotation")).as("a usage limit only: no date").isFalse();
        assertThat(described.get("rotationRule").asText()).isEqualTo("policy " + group);
        assertThat(described.get("rotationUses").asLong()).isEqualTo(3);
        assertThat(described.get("rotationMaxUses").asLong()).isEqualTo(10);
    }

    @Test
    void anotherClient_seesNothingOfTheKey() throws Exception {
        String name = unique("private");
        String id = createAes(client1, name, true);
        assertProblem(get(client2, "/v1/objects/" + id), 404, "Object Not Found");
        assertProblem(get(client2, "/v1/objects/" + id + "/material"), 404, "Object Not Found");
        assertProblem(post(client2, "/v1/crypto/encrypt", "{\"id\":\"" + id + "\",\"data\":\"" + b64("x") + "\"}"),
                404, "Object Not Found");
        assertProblem(send(client2, "DELETE", "/v1/objects/" + id, null), 404, "Object Not Found");
        assertThat(get(client2, "/v1/objects?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8)).json()
                .get("items")).isEmpty();
        assertThat(get(client1, "/v1/objects/" + id).json().get("state").asText()).isEqualTo("Active");
    }

    @Test
    void listing_pagesWithLimitAndOffset() throws Exception {
        String group = unique("group");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Answer a = post(client1, "/v1/objects/keys", "{\"algorithm\":\"AES\",\"length\":128,\"group\":\"" + group + "\"}");
            ids.add(a.json().get("id").asText());
        }
        Answer first = get(client1, "/v1/objects?group=" + group + "&limit=2");
        assertThat(first.json().get("items")).extracting(n -> n.get("id").asText()).containsExactly(ids.get(0), ids.get(1));
        assertThat(first.json().get("total").asInt()).isEqualTo(3);
        Answer second = get(client1, "/v1/objects?group=" + group + "&limit=2&offset=2");
        assertThat(second.json().get("items")).extracting(n -> n.get("id").asText()).containsExactly(ids.get(2));
        assertProblem(get(client1, "/v1/objects?limit=501"), 400, null);
        assertProblem(get(client1, "/v1/objects?type=Nonsense"), 400, null);
    }

    @Test
    void malformedRequests_areProblemsNamingTheField() throws Exception {
        Answer badJson = post(client1, "/v1/objects/keys", "{\"algorithm\":");
        assertProblem(badJson, 400, null);
        assertThat(badJson.json().get("detail").asText()).contains("not valid JSON");

        Answer missing = post(client1, "/v1/objects/keys", "{\"length\":256}");
        assertProblem(missing, 400, null);
        assertThat(missing.json().get("detail").asText()).contains("algorithm");

        Answer badEnum = post(client1, "/v1/objects/keys", "{\"algorithm\":\"AESX\"}");
        assertProblem(badEnum, 400, null);
        assertThat(badEnum.json().get("detail").asText()).contains("algorithm").contains("Cryptographic Algorithm");

        String id = createAes(client1, unique("b64"), true);
        Answer badData = post(client1, "/v1/crypto/encrypt", "{\"id\":\"" + id + "\",\"data\":\"s3cr3t!!plaintext\"}");
        assertProblem(badData, 400, null);
        assertThat(badData.json().get("detail").asText()).contains("data").doesNotContain("s3cr3t");

        Answer notObject = post(client1, "/v1/crypto/encrypt", "[1,2]");
        assertProblem(notObject, 400, null);
        assertThat(post(client1, "/v1/crypto/sign", "").status()).isEqualTo(400);
    }

    @Test
    void unknownObject_is404_withTheKmipResultReason() throws Exception {
        Answer a = get(client1, "/v1/objects/no-such-object");
        assertProblem(a, 404, "Object Not Found");
        assertThat(a.json().get("type").asText()).isEqualTo("https://keyhold.io/problems/kmip-object-not-found");
        assertThat(a.json().get("title").asText()).isEqualTo("Object Not Found");
        assertProblem(post(client1, "/v1/objects/no-such-object/activate", null), 404, "Object Not Found");
    }

    @Test
    void withoutCredentials_objectsAre401_theOpenApiDocumentIsOpen() throws Exception {
        assertThat(get(anonymous, "/v1/objects").status()).isEqualTo(401);
        assertThat(post(anonymous, "/v1/crypto/encrypt", "{}").status()).isEqualTo(401);
        Answer doc = get(anonymous, "/v1/openapi.json");
        assertThat(doc.status()).isEqualTo(200);
        assertThat(doc.json().get("openapi").asText()).startsWith("3.0");
        assertThat(doc.json().get("paths").has("/v1/objects/{id}")).isTrue();
        assertThat(doc.json().get("paths").has("/v1/crypto/encrypt")).isTrue();
    }
}
