package io.keyhold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the client commands of the less common operations ({@code derive-key}, {@code certify},
 * {@code recertify}, {@code validate}, {@code split-key}, {@code check}, {@code obtain-lease},
 * {@code get-usage-allocation}, {@code rng-seed}, {@code log}, {@code attributes set|adjust}, {@code call})
 * against an in-process {@code keyhold dev} server.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OperationCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path dir;
    static ServerCommands server;
    static int port;

    @BeforeAll
    static void startServer() throws Exception {
        dir = tmp.resolve("dev");
        server = new ServerCommands();
        port = server.start("dev", "--dir", dir.toString(), "--port", "0", "--http-port", "0");
    }

    @AfterAll
    static void stopServer() {
        if (server != null && server.exit != null) {
            ((DevCommand) server.cl.getSubcommands().get("dev").getCommand()).stop();
        }
    }

    private static CliRun kmip(byte[] stdin, List<String> command, String... args) {
        List<String> all = new ArrayList<>(command);
        all.addAll(List.of("--server", "127.0.0.1:" + port, "--certs", dir.toString()));
        all.addAll(List.of(args));
        return CliRun.run(stdin, all.toArray(new String[0]));
    }

    private static CliRun kmip(List<String> command, String... args) {
        return kmip(new byte[0], command, args);
    }

    private static CliRun kmip(String command, String... args) {
        return kmip(List.of(command), args);
    }

    private static String ok(CliRun run) {
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stderr()).isEmpty();
        return run.stdout().strip();
    }

    private static JsonNode json(CliRun run) throws Exception {
        ok(run);
        assertThat(run.stdout().lines().count()).as("one JSON line").isEqualTo(1);
        return JSON.readTree(run.stdout());
    }

    private static byte[] material(String id) throws Exception {
        Path out = tmp.resolve("material-" + id);
        ok(kmip("get", "--id", id, "--out", out.toString()));
        return Files.readAllBytes(out);
    }

    @Test
    void deriveKey_pbkdf2_thenGet() throws Exception {
        Path pw = Files.writeString(tmp.resolve("pw.txt"), "hunter2-hunter2");
        String base = ok(kmip("register", "--type", "secret-data", "--in", pw.toString(), "--usage", "derive-key"));
        ok(kmip("activate", "--id", base));
        byte[] salt = "some salt bytes!".getBytes(StandardCharsets.UTF_8);
        JsonNode derived = json(kmip("derive-key", "--id", base, "--method", "pbkdf2", "--hash", "sha-256", "--salt-hex",
                HexFormat.of().formatHex(salt), "--iterations", "2000", "--length", "128", "--name", "derived", "--json"));
        String id = derived.get("id").asText();
        byte[] expected = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec("hunter2-hunter2".toCharArray(), salt, 2000, 128)).getEncoded();
        assertThat(material(id)).isEqualTo(expected);

        // the same derivation written in KMIP XML and sent with call, as docs/cli.md shows it
        String xml = """
                <RequestPayload>
                  <ObjectType type="Enumeration" value="SymmetricKey"/>
                  <UniqueIdentifier type="TextString" value="%s"/>
                  <DerivationMethod type="Enumeration" value="PBKDF2"/>
                  <DerivationParameters>
                    <CryptographicParameters><HashingAlgorithm type="Enumeration" value="SHA_256"/></CryptographicParameters>
                    <Salt type="ByteString" value="%s"/>
                    <IterationCount type="Integer" value="2000"/>
                  </DerivationParameters>
                  <Attributes>
                    <CryptographicAlgorithm type="Enumeration" value="AES"/>
                    <CryptographicLength type="Integer" value="128"/>
                    <CryptographicUsageMask type="Integer" value="12"/>
                  </Attributes>
                </RequestPayload>
                """.formatted(base, HexFormat.of().formatHex(salt));
        String response = ok(kmip(xml.getBytes(StandardCharsets.UTF_8), List.of("call"), "--operation", "Derive Key",
                "--payload-format", "xml", "--payload", "-"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<UniqueIdentifier type=\"TextString\" value=\"([^\"]+)\"")
                .matcher(response);
        assertThat(m.find()).as(response).isTrue();
        assertThat(material(m.group(1))).isEqualTo(expected);

        CliRun unknown = kmip("derive-key", "--id", base, "--method", "bogus");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("--method: unknown value 'bogus'");
    }

    @Test
    void certify_thenGetTheCertificate_validate_recertify() throws Exception {
        JsonNode pair = json(kmip(List.of("key", "create-pair"), "--alg", "RSA", "--length", "2048", "--json"));
        String pub = pair.get("publicKeyId").asText();
        String cert = ok(kmip("certify", "--id", pub, "--subject", "CN=cli-device,O=Example", "--name", "cli-device"));
        byte[] der = material(cert);
        java.security.cert.X509Certificate x509 = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory
                .getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(der));
        assertThat(x509.getSubjectX500Principal().getName()).isEqualTo("CN=cli-device,O=Example");

        assertThat(ok(kmip("validate", "--id", cert))).isEqualTo("valid");
        String renewed = ok(kmip("recertify", "--id", cert));
        assertThat(renewed).isNotEqualTo(cert);
        assertThat(json(kmip("validate", "--id", renewed, "--json")).get("validity").asText()).isEqualTo("valid");

        CliRun missing = kmip("certify", "--id", pub);
        assertThat(missing.exitCode()).isEqualTo(2);
    }

    @Test
    void splitKey_createThenJoin_givesTheKeyBack() throws Exception {
        String key = ok(kmip(List.of("key", "create"), "--alg", "AES", "--length", "256"));
        List<String> parts = ok(kmip(List.of("split-key", "create"), "--id", key, "--parts", "4", "--threshold", "2"))
                .lines().toList();
        assertThat(parts).hasSize(4).doesNotHaveDuplicates();
        String joined = ok(kmip(List.of("split-key", "join"), "--id", parts.get(3), "--id", parts.get(1),
                "--usage", "encrypt,decrypt"));
        assertThat(material(joined)).isEqualTo(material(key));

        CliRun tooFew = kmip(List.of("split-key", "join"), "--id", parts.get(0));
        assertThat(tooFew.exitCode()).isEqualTo(1);
        assertThat(tooFew.stderr()).startsWith("keyhold split-key join: Missing Data");
    }

    @Test
    void check_obtainLease_usageAllocation_rngSeed_log() throws Exception {
        String key = ok(kmip(List.of("key", "create"), "--usage", "encrypt,decrypt", "--activate"));
        assertThat(ok(kmip("check", "--id", key, "--usage", "encrypt"))).isEqualTo("ok");
        CliRun refused = kmip("check", "--id", key, "--usage", "sign");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.stderr()).contains("Check failed");

        JsonNode lease = json(kmip("obtain-lease", "--id", key, "--json"));
        assertThat(lease.get("leaseSeconds").asLong()).isPositive();
        assertThat(lease.get("lastChangeDate").asText()).endsWith("Z");

        // no Usage Limits on this key: the allocation is refused
        assertThat(kmip("get-usage-allocation", "--id", key, "--count", "1").exitCode()).isEqualTo(1);

        CliRun seeded = kmip(new byte[16], List.of("rng-seed"), "--in", "-", "--json");
        assertThat(json(seeded).get("accepted").asInt()).isEqualTo(16);

        assertThat(ok(kmip("log", "--message", "hello from the cli"))).isEqualTo("logged");
    }

    @Test
    void attributes_setAndAdjust() throws Exception {
        String key = ok(kmip(List.of("key", "create")));
        ok(kmip(List.of("attributes", "set"), "--id", key, "--name", "x-owner", "--value", "payments"));
        assertThat(ok(kmip(List.of("attributes", "get"), "--id", key, "--name", "x-owner"))).contains("payments");

        CliRun both = kmip(List.of("attributes", "adjust"), "--id", key, "--name", "x-owner", "--increment", "1",
                "--negate");
        assertThat(both.exitCode()).isEqualTo(2);
        CliRun text = kmip(List.of("attributes", "adjust"), "--id", key, "--name", "x-owner", "--increment", "1");
        assertThat(text.exitCode()).isEqualTo(1);
        assertThat(text.stderr()).contains("Invalid Data Type");
    }

    @Test
    void call_queryInJson_andRngRetrieveInXml() throws Exception {
        String query = "{\"tag\":\"RequestPayload\",\"value\":[{\"tag\":\"QueryFunction\",\"type\":\"Enumeration\","
                + "\"value\":\"QueryOperations\"}]}";
        CliRun run = kmip(query.getBytes(StandardCharsets.UTF_8), List.of("call"), "--operation", "Query", "--payload", "-");
        JsonNode response = JSON.readTree(ok(run));
        assertThat(response.get("tag").asText()).isEqualTo("ResponsePayload");
        List<String> operations = new ArrayList<>();
        response.get("value").forEach(i -> operations.add(i.get("value").asText()));
        assertThat(operations).contains("Create", "DeriveKey", "Query");

        Path xml = Files.writeString(tmp.resolve("rng.xml"),
                "<RequestPayload><DataLength type=\"Integer\" value=\"24\"/></RequestPayload>");
        String out = ok(kmip("call", "--operation", "rng-retrieve", "--payload", xml.toString(), "--payload-format", "xml"));
        assertThat(out).startsWith("<ResponsePayload>").containsPattern("<Data type=\"ByteString\" value=\"[0-9a-f]{48}\"");

        CliRun unknown = kmip("call", "--operation", "Frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(2);
        CliRun notPayload = kmip("{\"tag\":\"Data\",\"type\":\"Integer\",\"value\":1}".getBytes(StandardCharsets.UTF_8),
                List.of("call"), "--operation", "Query", "--payload", "-");
        assertThat(notPayload.exitCode()).isEqualTo(2);
        assertThat(notPayload.stderr()).contains("must be a Request Payload");
    }
    @Test
    void export_thenImportAsACopy() throws Exception {
        String key = ok(kmip(List.of("key", "create"), "--name", "to-export"));
        Path file = tmp.resolve("exported.json");
        assertThat(ok(kmip("export", "--id", key, "--out", file.toString()))).startsWith("exported Symmetric Key " + key);
        assertThat(JSON.readTree(Files.readString(file)).get("tag").asText()).isEqualTo("ResponsePayload");
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-------");
        }
        String copy = ok(kmip("import", "--in", file.toString(), "--id", "copy-of-" + key));
        assertThat(copy).isEqualTo("copy-of-" + key);
        assertThat(material(copy)).isEqualTo(material(key));
        assertThat(kmip("import", "--in", file.toString()).exitCode()).isEqualTo(1);
        assertThat(ok(kmip("import", "--in", file.toString(), "--replace"))).isEqualTo(key);

        Path junk = Files.writeString(tmp.resolve("junk.json"), "{\"tag\":\"Data\",\"type\":\"Integer\",\"value\":1}");
        assertThat(kmip("import", "--in", junk.toString()).exitCode()).isEqualTo(2);
    }

    @Test
    void login_thenLogout_twiceIsInvalidTicket() throws Exception {
        String ticket = ok(kmip("login", "--lease", "300"));
        assertThat(ticket).matches("[0-9a-f]{16,}");
        assertThat(ok(kmip("logout", "--ticket", ticket))).isEqualTo("logged out");
        CliRun again = kmip("logout", "--ticket", ticket);
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.stderr()).startsWith("keyhold logout: Invalid Ticket");
    }

    @Test
    void callAsync_thenPoll_thenCancelIsCompleted() throws Exception {
        String create = "{\"tag\":\"RequestPayload\",\"value\":["
                + "{\"tag\":\"ObjectType\",\"type\":\"Enumeration\",\"value\":\"SymmetricKey\"},"
                + "{\"tag\":\"Attributes\",\"value\":["
                + "{\"tag\":\"CryptographicAlgorithm\",\"type\":\"Enumeration\",\"value\":\"AES\"},"
                + "{\"tag\":\"CryptographicLength\",\"type\":\"Integer\",\"value\":128},"
                + "{\"tag\":\"CryptographicUsageMask\",\"type\":\"Integer\",\"value\":12}]}]}";
        String correlation = ok(kmip(create.getBytes(StandardCharsets.UTF_8), List.of("call"), "--operation", "Create",
                "--payload", "-", "--async"));
        assertThat(correlation).matches("[0-9a-f]+");
        JsonNode polled = null;
        for (int i = 0; i < 50; i++) {
            polled = json(kmip("poll", "--correlation", correlation, "--json"));
            if (!polled.get("pending").asBoolean()) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(polled.get("pending").asBoolean()).isFalse();
        String uid = null;
        for (JsonNode f : polled.get("payload").get("value")) {
            if (f.get("tag").asText().equals("UniqueIdentifier")) {
                uid = f.get("value").asText();
            }
        }
        assertThat(material(uid)).hasSize(16);
        assertThat(ok(kmip("cancel", "--correlation", correlation))).isEqualTo("completed");
        assertThat(kmip("poll", "--correlation", "00ff").exitCode()).isEqualTo(1);
    }
}
