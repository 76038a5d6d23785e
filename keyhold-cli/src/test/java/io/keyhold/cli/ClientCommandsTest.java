package io.keyhold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the client commands ({@code keyhold key create}, {@code locate}, {@code encrypt}, ...) against an
 * in-process {@code keyhold dev} server: a key's whole life, a key pair's signatures, registered secret data,
 * the JSON outputs, and the exit statuses of a failed operation (1), a usage error (2) and an unreachable
 * server (3).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClientCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NL = System.lineSeparator();

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

    /** Runs keyhold with the subcommand words, then the connection options, then the rest. */
    private static CliRun kmip(List<String> command, String... args) {
        List<String> all = new ArrayList<>(command);
        all.addAll(List.of("--server", "127.0.0.1:" + port, "--certs", dir.toString()));
        all.addAll(List.of(args));
        return CliRun.run("", all.toArray(new String[0]));
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

    @Test
    void symmetricKey_createLocateActivateEncryptDecryptRevokeDestroy() throws Exception {
        String id = ok(kmip(List.of("key", "create"), "--alg", "AES", "--length", "256", "--name", "orders-life",
                "--usage", "encrypt,decrypt", "--group", "payments"));
        assertThat(id).isNotBlank().doesNotContain(" ");

        assertThat(ok(kmip("locate", "--name", "orders-life"))).isEqualTo(id);
        assertThat(ok(kmip("locate", "--name", "orders-life", "--state", "pre-active", "--type", "symmetric-key",
                "--group", "payments"))).isEqualTo(id);
        assertThat(ok(kmip("locate", "--name", "orders-life", "--state", "active"))).isEmpty();

        assertThat(ok(kmip("activate", "--id", id))).isEqualTo("activated " + id);
        assertThat(ok(kmip("locate", "--name", "orders-life", "--state", "active"))).isEqualTo(id);

        byte[] plaintext = "the quarterly numbers\n".repeat(50).getBytes(StandardCharsets.UTF_8);
        Path in = Files.write(tmp.resolve("report.txt"), plaintext);
        Path sealed = tmp.resolve("report.txt.enc");
        ok(kmip("encrypt", "--id", id, "--in", in.toString(), "--out", sealed.toString(), "--aad", "order-17"));
        JsonNode envelope = JSON.readTree(Files.readAllBytes(sealed));
        assertThat(envelope.get("keyhold").asText()).isEqualTo("encrypted");
        assertThat(envelope.get("id").asText()).isEqualTo(id);
        assertThat(envelope.get("mode").asText()).isEqualTo("GCM");
        assertThat(envelope.get("aad").asBoolean()).isTrue();
        assertThat(envelope.get("tag").asText()).isNotEmpty();
        assertThat(new String(Files.readAllBytes(sealed), StandardCharsets.UTF_8)).doesNotContain("quarterly");

        Path opened = tmp.resolve("report.out");
        ok(kmip("decrypt", "--in", sealed.toString(), "--out", opened.toString(), "--aad", "order-17"));
        assertThat(Files.readAllBytes(opened)).isEqualTo(plaintext);

        // the wrong additional data fails authentication on the server
        CliRun wrongAad = kmip("decrypt", "--in", sealed.toString(), "--out", tmp.resolve("x").toString(), "--aad", "other");
        assertThat(wrongAad.exitCode()).isEqualTo(1);
        assertThat(wrongAad.stderr()).startsWith("keyhold decrypt: ");

        // a raw CBC ciphertext, IV given back on the command line
        Path bare = tmp.resolve("report.cbc");
        JsonNode cbc = json(kmip("encrypt", "--id", id, "--mode", "cbc", "--raw", "--in", in.toString(),
                "--out", bare.toString(), "--json"));
        assertThat(cbc.get("format").asText()).isEqualTo("raw");
        Path back = tmp.resolve("report.cbc.out");
        ok(kmip("decrypt", "--id", id, "--mode", "cbc", "--raw", "--iv", cbc.get("iv").asText(), "--in", bare.toString(),
                "--out", back.toString()));
        assertThat(Files.readAllBytes(back)).isEqualTo(plaintext);

        assertThat(ok(kmip("revoke", "--id", id, "--reason", "cessation", "--message", "rotated"))).isEqualTo("revoked " + id);
        assertThat(ok(kmip("destroy", "--id", id))).isEqualTo("destroyed " + id);

        CliRun get = kmip("get", "--id", id, "--out", tmp.resolve("gone.bin").toString());
        assertThat(get.exitCode()).isEqualTo(1);
        assertThat(get.stdout()).isEmpty();
        assertThat(get.stderr()).matches("keyhold get: Object Destroyed: .+\\R");
        assertThat(Files.exists(tmp.resolve("gone.bin"))).isFalse();
    }

    @Test
    void keyPair_signAndVerify_tamperedDataIsInvalid() throws Exception {
        JsonNode pair = json(kmip(List.of("key", "create-pair"), "--alg", "EC", "--curve", "P-256", "--name", "signer",
                "--activate", "--json"));
        String priv = pair.get("privateKeyId").asText();
        String pub = pair.get("publicKeyId").asText();
        assertThat(priv).isNotEqualTo(pub);

        Path data = Files.writeString(tmp.resolve("release.txt"), "release 1.0");
        Path sig = tmp.resolve("release.sig");
        ok(kmip("sign", "--id", priv, "--in", data.toString(), "--out", sig.toString()));
        assertThat(Files.size(sig)).isGreaterThan(60);

        assertThat(ok(kmip("verify", "--id", pub, "--in", data.toString(), "--signature", sig.toString()))).isEqualTo("valid");

        Path other = Files.writeString(tmp.resolve("release2.txt"), "release 1.1");
        CliRun bad = kmip("verify", "--id", pub, "--in", other.toString(), "--signature", sig.toString());
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.stdout().strip()).isEqualTo("invalid");
        assertThat(bad.stderr()).isEqualTo("keyhold verify: Invalid: the signature does not match the data" + NL);

        JsonNode next = json(kmip("rekey-pair", "--id", priv, "--json"));
        assertThat(next.get("replaces").asText()).isEqualTo(priv);
        assertThat(next.get("privateKeyId").asText()).isNotIn(priv, pub);

        JsonNode rsa = json(kmip(List.of("key", "create-pair"), "--alg", "RSA", "--length", "2048", "--activate", "--json"));
        String hex = ok(kmip("sign", "--id", rsa.get("privateKeyId").asText(), "--in", data.toString()));
        assertThat(hex).matches("[0-9a-f]{512}");
        assertThat(ok(kmip("verify", "--id", rsa.get("publicKeyId").asText(), "--in", data.toString(),
                "--signature-hex", hex))).isEqualTo("valid");
    }

    @Test
    void secretData_registeredAndGotBackToAFile_neverOnTheTerminal() throws Exception {
        byte[] secret = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
        Path in = Files.write(tmp.resolve("db-password.txt"), secret);
        String id = ok(kmip("register", "--type", "secret-data", "--in", in.toString(), "--name", "db-password"));

        CliRun described = kmip("get", "--id", id);
        assertThat(ok(described)).startsWith("Secret Data " + id).doesNotContain("horse")
                .contains("value not shown: give --out FILE");

        Path out = tmp.resolve("db-password.back");
        assertThat(ok(kmip("get", "--id", id, "--out", out.toString()))).contains("wrote 28 bytes to " + out);
        assertThat(Files.readAllBytes(out)).isEqualTo(secret);
        if (out.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(out)))
                    .isEqualTo("rw-------");
        }

        CliRun toStdout = kmip("get", "--id", id, "--out", "-");
        assertThat(toStdout.exitCode()).isZero();
        assertThat(toStdout.stdoutBytes()).isEqualTo(secret);

        // an opaque object from standard input, back on standard output
        byte[] blob = {0, 1, 2, (byte) 0xFF, 10, 13};
        List<String> register = new ArrayList<>(List.of("register", "--server", "127.0.0.1:" + port, "--certs",
                dir.toString(), "--type", "opaque", "--in", "-", "--name", "blob", "--json"));
        CliRun registered = CliRun.run(blob, register.toArray(new String[0]));
        JsonNode r = json(registered);
        assertThat(r.get("type").asText()).isEqualTo("opaque");
        assertThat(kmip("get", "--id", r.get("id").asText(), "--out", "-").stdoutBytes()).isEqualTo(blob);
        JsonNode blobInfo = json(kmip("get", "--id", r.get("id").asText(), "--json"));
        assertThat(blobInfo.get("objectType").asText()).isEqualTo("Opaque Object");
        assertThat(blobInfo.get("bytes").asInt()).isEqualTo(blob.length);
        assertThat(blobInfo.get("out").isNull()).isTrue();
    }

    @Test
    void jsonOutputs_parseWithStableFields() throws Exception {
        JsonNode created = json(kmip(List.of("key", "create"), "--name", "json-key", "--activate", "--json"));
        String id = created.get("id").asText();
        assertThat(created.get("state").asText()).isEqualTo("Active");

        JsonNode located = json(kmip("locate", "--name", "json-key", "--json"));
        assertThat(located.get("ids").size()).isEqualTo(1);
        assertThat(located.get("ids").get(0).asText()).isEqualTo(id);

        JsonNode attrs = json(kmip(List.of("attributes", "get"), "--id", id, "--json"));
        List<String> names = new ArrayList<>();
        attrs.get("attributes").forEach(a -> names.add(a.get("name").asText()));
        assertThat(names).contains("State", "Cryptographic Algorithm", "Cryptographic Length", "Name");
        attrs.get("attributes").forEach(a -> {
            if (a.get("name").asText().equals("State")) {
                assertThat(a.get("value").asText()).isEqualTo("Active");
            }
            if (a.get("name").asText().equals("Name")) {
                assertThat(a.get("value").asText()).isEqualTo("json-key");
            }
        });

        ok(kmip(List.of("attributes", "add"), "--id", id, "--name", "x-owner", "--value", "payments"));
        ok(kmip(List.of("attributes", "modify"), "--id", id, "--name", "x-owner", "--value", "billing"));
        String owner = ok(kmip(List.of("attributes", "get"), "--id", id, "--name", "x-owner"));
        assertThat(owner).isEqualTo("x-owner: billing");
        assertThat(json(kmip(List.of("attributes", "list"), "--id", id, "--json")).get("names").toString()).contains("State");
        ok(kmip(List.of("attributes", "delete"), "--id", id, "--name", "x-owner"));
        assertThat(ok(kmip(List.of("attributes", "get"), "--id", id, "--name", "x-owner"))).isEmpty();

        JsonNode versions = json(kmip("discover-versions", "--json"));
        assertThat(versions.get("versions").get(0).asText()).isEqualTo("2.1");
        JsonNode query = json(kmip("query", "--json"));
        assertThat(query.get("operations").toString()).contains("Create", "Encrypt", "Locate");
        assertThat(query.get("objectTypes").toString()).contains("Symmetric Key");
        assertThat(json(kmip("ping", "--json")).get("kmipVersion").asText()).isEqualTo("2.1");
        assertThat(json(kmip("ping", "--json", "--kmip-version", "1.4")).get("kmipVersion").asText()).isEqualTo("1.4");
        assertThat(json(kmip("rng", "--length", "16", "--json")).get("data").asText()).matches("[0-9a-f]{32}");
        Path abc = Files.writeString(tmp.resolve("abc.txt"), "abc");
        assertThat(json(kmip("hash", "--in", abc.toString(), "--alg", "sha-256", "--json")).get("digest").asText())
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

        String rekeyed = json(kmip("rekey", "--id", id, "--json")).get("id").asText();
        assertThat(rekeyed).isNotEqualTo(id);
        assertThat(ok(kmip("locate", "--name", "json-key", "--state", "active"))).contains(rekeyed);

        assertThat(json(kmip("archive", "--id", id, "--json")).get("id").asText()).isEqualTo(id);
        assertThat(ok(kmip("recover", "--id", id))).isEqualTo("recovered " + id);
    }

    @Test
    void mac_andMacVerify() throws Exception {
        String id = ok(kmip(List.of("key", "create"), "--alg", "hmac-sha256", "--length", "256", "--usage",
                "mac-generate,mac-verify", "--activate"));
        Path data = Files.writeString(tmp.resolve("message.txt"), "pay 10 to bob");

        String mac = ok(kmip("mac", "--id", id, "--in", data.toString()));
        assertThat(mac).matches("[0-9a-f]{64}");
        assertThat(ok(kmip("mac-verify", "--id", id, "--in", data.toString(), "--mac-hex", mac))).isEqualTo("valid");

        Path tampered = Files.writeString(tmp.resolve("message2.txt"), "pay 1000 to bob");
        CliRun bad = kmip("mac-verify", "--id", id, "--in", tampered.toString(), "--mac-hex", mac, "--json");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(JSON.readTree(bad.stdout()).get("valid").asBoolean()).isFalse();
        assertThat(bad.stderr()).isEqualTo("keyhold mac-verify: Invalid: the MAC does not match the data" + NL);
    }

    @Test
    void kmip14_locateAndAttributesInThe1xForm() throws Exception {
        String id = ok(kmip(List.of("key", "create"), "--name", "old-client", "--kmip-version", "1.4"));
        assertThat(ok(kmip("locate", "--name", "old-client", "--kmip-version", "1.4"))).isEqualTo(id);
        assertThat(ok(kmip(List.of("attributes", "get"), "--id", id, "--name", "State", "--kmip-version", "1.4")))
                .isEqualTo("State: Pre-Active");
    }

    @Test
    void usageErrors_exit2() {
        CliRun noServer = CliRun.run("", "locate", "--certs", dir.toString());
        assertThat(noServer.exitCode()).isEqualTo(2);
        assertThat(noServer.stderr()).contains("no server given");

        CliRun badReason = kmip("revoke", "--id", "1", "--reason", "boredom");
        assertThat(badReason.exitCode()).isEqualTo(2);
        assertThat(badReason.stderr()).contains("--reason: unknown value 'boredom'");

        assertThat(badReason.stderr().lines().count()).isEqualTo(1);
        assertThat(badReason.stderr()).startsWith("keyhold revoke: --reason: unknown value 'boredom' (expected: ")
                .endsWith(" (see keyhold revoke --help)" + NL);

        CliRun missing = CliRun.run("", "key", "create-pair", "--server", "127.0.0.1:1", "--certs", dir.toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.stderr()).isEqualTo("keyhold key create-pair: Missing required option: '--alg=ALG' "
                + "(see keyhold key create-pair --help)" + NL);

        CliRun badVersion = kmip("ping", "--kmip-version", "3.7");
        assertThat(badVersion.exitCode()).isEqualTo(2);
        assertThat(badVersion.stderr()).contains("KMIP version '3.7'");

        CliRun noFile = kmip("hash", "--in", tmp.resolve("missing.txt").toString());
        assertThat(noFile.exitCode()).isEqualTo(1);
        assertThat(noFile.stderr()).isEqualTo("keyhold hash: no such file: " + tmp.resolve("missing.txt") + NL);

        CliRun notAnEnvelope = kmip("decrypt", "--in", dir.resolve("ca.pem").toString(), "--out", tmp.resolve("y").toString());
        assertThat(notAnEnvelope.exitCode()).isEqualTo(2);
        assertThat(notAnEnvelope.stderr()).contains("not an envelope written by keyhold encrypt");
    }

    @Test
    void unreachableServer_exit3() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        CliRun run = CliRun.run("", "locate", "--server", "127.0.0.1:" + closed, "--certs", dir.toString(), "--timeout", "5");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr()).startsWith("keyhold locate: cannot reach the KMIP server: ");
    }

    @Test
    void failover_theSecondServerAnswersWhenTheFirstIsDown() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        String servers = "127.0.0.1:" + closed + ",127.0.0.1:" + port;
        CliRun run = CliRun.run("", "discover-versions", "--server", servers, "--certs", dir.toString());

        assertThat(ok(run)).startsWith("2.1");

        // a write too: nothing was sent to the server that is down, so the next one carries it out, once
        String id = ok(CliRun.run("", "key", "create", "--server", servers, "--certs", dir.toString(), "--alg", "AES",
                "--length", "128", "--name", "failover-create"));
        assertThat(ok(CliRun.run("", "locate", "--server", servers, "--certs", dir.toString(), "--name",
                "failover-create"))).isEqualTo(id);
        assertThat(ok(kmip("locate", "--name", "failover-create"))).isEqualTo(id);
        assertThat(ok(CliRun.run("", "activate", "--server", servers, "--certs", dir.toString(), "--id", id)))
                .isEqualTo("activated " + id);
    }

    @Test
    void failover_everyServerDown_exit3() throws Exception {
        int closed1;
        int closed2;
        try (java.net.ServerSocket s1 = new java.net.ServerSocket(0); java.net.ServerSocket s2 = new java.net.ServerSocket(0)) {
            closed1 = s1.getLocalPort();
            closed2 = s2.getLocalPort();
        }
        CliRun run = CliRun.run("", "key", "create", "--server", "127.0.0.1:" + closed1 + ",127.0.0.1:" + closed2,
                "--certs", dir.toString(), "--alg", "AES", "--length", "128", "--timeout", "5");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr()).startsWith("keyhold key create: cannot reach the KMIP server: ")
                .contains("127.0.0.1:" + closed1, "127.0.0.1:" + closed2);
    }

    @Test
    void help_ofEveryClientCommand_fitsIn80Columns_andNamesTheConnectionOptions() {
        List<List<String>> commands = List.of(List.of("key", "create"), List.of("key", "create-pair"), List.of("register"),
                List.of("get"), List.of("locate"), List.of("attributes", "get"), List.of("attributes", "list"),
                List.of("attributes", "add"), List.of("attributes", "modify"), List.of("attributes", "delete"),
                List.of("activate"), List.of("revoke"), List.of("destroy"), List.of("archive"), List.of("recover"),
                List.of("rekey"), List.of("rekey-pair"), List.of("encrypt"), List.of("decrypt"), List.of("sign"),
                List.of("verify"), List.of("mac"), List.of("mac-verify"), List.of("hash"), List.of("rng"), List.of("query"),
                List.of("discover-versions"), List.of("ping"), List.of("completion"));
        for (List<String> c : commands) {
            List<String> args = new ArrayList<>(c);
            args.add("--help");
            CliRun run = CliRun.run("", args.toArray(new String[0]));

            assertThat(run.exitCode()).as(c.toString()).isZero();
            assertThat(run.stdout()).as(c.toString()).startsWith("Usage: keyhold " + String.join(" ", c) + " ");
            assertThat(run.stdout().lines().filter(l -> l.length() > 80).toList()).as(c + ": lines within 80 columns").isEmpty();
            if (!c.get(0).equals("completion")) {
                assertThat(run.stdout()).as(c.toString()).contains("--server=HOST:PORT", "--certs=DIR", "--kmip-version=X.Y",
                        "--timeout=SECONDS", "--profile=NAME", "--json");
            }
        }
    }

    @Test
    void completion_scriptNamesTheClientCommands() {
        CliRun run = CliRun.run("", "completion", "bash");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("complete -F", "keyhold", "create-pair", "discover-versions", "mac-verify",
                "rekey-pair", "attributes", "--kmip-version", "--profile");
        assertThat(CliRun.run("", "completion", "zsh").stdout()).contains("bashcompinit", "create-pair");
        assertThat(CliRun.run("", "completion", "fish").exitCode()).isEqualTo(2);
    }
}
