package io.keyhold.server.http.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.pki.DevPki;
import io.keyhold.server.testing.KmipTestClient;
import io.keyhold.server.testing.LiveServer;
import io.keyhold.server.testing.LogCapture;
import io.keyhold.server.testing.SecretScanner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST routes with every logger at TRACE: registering a key with known bytes, encrypting and decrypting a
 * known plaintext, reading the material back, and requests that fail (a tampered tag, data that is not base64,
 * broken JSON holding a secret) leave no key byte, plaintext or secret in the log or in any problem document,
 * and no stack trace of Keyhold's in the log.
 */
class RestSecretsInLogsTest {
    private static final byte[] KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff0f1e2d3c4b5a69788796a5b4c3d2e1f0");
    private static final byte[] PLAINTEXT = "the REST plaintext nobody may log, 0123456789".getBytes(StandardCharsets.US_ASCII);
    private static final String SECRET = "rest-secret-data-horse-staple-4412";

    @TempDir
    Path dir;

    @Test
    void restRoutes_atTrace_leakNoSecret() throws Exception {
        SecretScanner secrets = new SecretScanner().add("AES key", KEY).add("plaintext", PLAINTEXT).add("secret data", SECRET);
        List<String> problems = new ArrayList<>();
        List<String> captured;
        try (LogCapture log = new LogCapture();
             LiveServer server = LiveServer.start(dir, false, c -> c.withHttp(ServerConfig.Http.on("127.0.0.1", 0)))) {
            DevPki.Layout pki = new DevPki.Layout(dir);
            HttpClient client = HttpClient.newBuilder().sslContext(KmipTestClient.sslContext(pki.clientP12(1), pki.ca()))
                    .connectTimeout(Duration.ofSeconds(10)).build();
            String base = "https://localhost:" + server.httpsPort();
            String key = Base64.getEncoder().encodeToString(KEY);
            String data = Base64.getEncoder().encodeToString(PLAINTEXT);

            String id = field(send(client, base, "POST", "/v1/objects", "{\"type\":\"Symmetric Key\",\"algorithm\":\"AES\","
                    + "\"material\":\"" + key + "\",\"activate\":true}", 201, problems), "id");
            String enc = send(client, base, "POST", "/v1/crypto/encrypt", "{\"id\":\"" + id + "\",\"data\":\"" + data
                    + "\",\"mode\":\"GCM\"}", 200, problems);
            String ciphertext = field(enc, "data");
            String iv = field(enc, "iv");
            String tag = field(enc, "tag");
            assertThat(send(client, base, "POST", "/v1/crypto/decrypt", "{\"id\":\"" + id + "\",\"data\":\"" + ciphertext
                    + "\",\"mode\":\"GCM\",\"iv\":\"" + iv + "\",\"tag\":\"" + tag + "\"}", 200, problems)).contains(data);
            String badTag = tag.startsWith("A") ? "B" + tag.substring(1) : "A" + tag.substring(1);
            send(client, base, "POST", "/v1/crypto/decrypt", "{\"id\":\"" + id + "\",\"data\":\"" + ciphertext
                    + "\",\"mode\":\"GCM\",\"iv\":\"" + iv + "\",\"tag\":\"" + badTag + "\"}", 422, problems);
            assertThat(send(client, base, "GET", "/v1/objects/" + id + "/material", null, 200, problems)).contains(key);
            send(client, base, "POST", "/v1/objects", "{\"type\":\"Secret Data\",\"material\":\""
                    + Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8)) + "\"}", 201, problems);
            send(client, base, "POST", "/v1/crypto/encrypt", "{\"id\":\"" + id + "\",\"data\":\"" + SECRET + "!\"}", 400, problems);
            send(client, base, "POST", "/v1/objects", "{\"type\":\"Secret Data\",\"material\":\"" + SECRET + "\"", 400, problems);
            send(client, base, "POST", "/v1/crypto/encrypt", "{\"id\":\"no-such-key\",\"data\":\"" + data + "\"}", 404, problems);
            captured = log.lines();
            // the capture and the scanner work: a planted secret is found
            org.slf4j.LoggerFactory.getLogger("io.keyhold.server.planted").trace("planted key {}", HexFormat.of().formatHex(KEY));
            List<String> all = log.lines();
            assertThat(secrets.scan("planted log", String.join("", all.subList(captured.size(), all.size()))))
                    .anyMatch(f -> f.startsWith("AES key found"));
        }
        assertThat(captured).as("log lines captured at TRACE").isNotEmpty();
        List<String> findings = new ArrayList<>();
        for (String line : captured) {
            for (String finding : secrets.scan("the log", line)) {
                if (!(finding.startsWith("stack trace frame") && isLibraryDiagnostic(line))) {
                    findings.add(finding);
                }
            }
        }
        for (String p : problems) {
            findings.addAll(secrets.scan("a problem document", p));
        }
        assertThat(problems).hasSize(4);
        assertThat(findings).as("secrets in the log or in problem documents").isEmpty();
    }

    private static String send(HttpClient client, String base, String method, String path, String body, int status,
                               List<String> problems) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method + " " + path + ": " + (r.statusCode() >= 400 ? r.body() : "")).isEqualTo(status);
        if (r.statusCode() >= 400) {
            problems.add(r.body());
        }
        return r.body();
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
        assertThat(m.find()).as(name + " in " + json).isTrue();
        return m.group(1);
    }

    /** A stack trace a library (not Keyhold) logs at DEBUG or TRACE (see SecretsInLogsTest). */
    private static boolean isLibraryDiagnostic(String line) {
        if (!line.startsWith("DEBUG") && !line.startsWith("TRACE")) {
            return false;
        }
        int loggerAt = line.indexOf("] ");
        return loggerAt > 0 && !line.startsWith("io.keyhold.", loggerAt + 2);
    }
}
