package io.keyhold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.server.pki.DevPki;
import io.keyhold.server.security.Pkcs12MasterKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServeCommandTest {
    @TempDir
    static Path pkiDir;

    @TempDir
    Path dir;

    @BeforeAll
    static void pki() throws Exception {
        DevPki.ensure(pkiDir);
        Pkcs12MasterKey.createForDevelopment(pkiDir.resolve("master-key.p12"), pkiDir.resolve("master-key.pass"));
    }

    private Path config(String extra) throws Exception {
        return Files.writeString(dir.resolve("keyhold.yaml"), """
                kmip:
                  host: 127.0.0.1
                  port: 0
                tls:
                  certificate: %s
                  private_key: %s
                  trusted_cas: [%s]
                storage:
                  data_dir: data
                master_key:
                  keystore: %s
                """.formatted(pkiDir.resolve("server.pem"), pkiDir.resolve("server.key"), pkiDir.resolve("ca.pem"),
                        pkiDir.resolve("master-key.p12"))
                + (extra.contains("passphrase_") ? "" : "  passphrase_file: " + pkiDir.resolve("master-key.pass") + "\n")
                + extra);
    }

    @Test
    void missingMasterKey_exits2NamingTheSetting() throws Exception {
        Path file = Files.writeString(dir.resolve("no-master.yaml"),
                Files.readString(config("")).replaceAll("(?s)master_key:.*", ""));
        CliRun r = serve(Map.of(), "serve", "--config", file.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).startsWith("keyhold serve: master_key.keystore: is required");
        assertThat(r.stderr().lines()).hasSize(1);
    }

    @Test
    void passphraseVariable_isReadFromTheEnvironment() throws Exception {
        Path file = config("  passphrase_env: KH_TEST_PASSPHRASE\n");
        CliRun unset = serve(Map.of(), "serve", "--config", file.toString());
        assertThat(unset.exitCode()).isEqualTo(2);
        assertThat(unset.stderr()).isEqualTo("keyhold serve: master_key.passphrase_env: environment variable"
                + " KH_TEST_PASSPHRASE is not set" + System.lineSeparator());

        CliRun wrong = serve(Map.of("KH_TEST_PASSPHRASE", "not-the-passphrase"), "serve", "--config", file.toString());
        assertThat(wrong.exitCode()).isEqualTo(1);
        assertThat(wrong.stderr()).isEqualTo("keyhold serve: master key store " + pkiDir.resolve("master-key.p12")
                + " cannot be opened: wrong passphrase or not a PKCS#12 file" + System.lineSeparator());
    }

    /** Runs serve in-process with the given environment; for commands that fail at start-up. */
    private static CliRun serve(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cl = KeyholdCommand.commandLine(new ByteArrayInputStream(new byte[0]), out, err);
        ((ServeCommand) cl.getSubcommands().get("serve").getCommand()).environment = env;
        int exit = cl.execute(args);
        return new CliRun(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void serve_startsWithTheFileAndStops() throws Exception {
        Path file = config("");
        ServerCommands run = new ServerCommands();
        ((ServeCommand) run.cl.getSubcommands().get("serve").getCommand()).environment = Map.of();
        int port = run.start("serve", "--config", file.toString());
        try {
            byte[] answer = ServerCommands.exchange(port, pkiDir.resolve("client.p12"), pkiDir.resolve("ca.pem"),
                    ServerCommands.REQUEST);
            assertThat(Arrays.copyOf(answer, 4)).containsExactly(0x42, 0x00, 0x7B, 0x01);
        } finally {
            ((ServeCommand) run.cl.getSubcommands().get("serve").getCommand()).stop();
        }
        assertThat(run.exit.get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void missingConfigOption_isAUsageError() {
        CliRun r = serve(Map.of(), "serve");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("Missing required option: '--config=FILE'");
    }

    @Test
    void missingConfigFile_exits2WithOneLine() {
        Path absent = dir.resolve("absent.yaml");
        CliRun r = serve(Map.of(), "serve", "--config", absent.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).isEqualTo("keyhold serve: " + absent + ": configuration file does not exist"
                + System.lineSeparator());
    }

    @Test
    void badSetting_exits2NamingIt() throws Exception {
        Path file = config("limits:\n  max_connections: lots\n");
        CliRun r = serve(Map.of(), "serve", "--config", file.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).isEqualTo("keyhold serve: limits.max_connections: must be a whole number from 1 to"
                + " 1000000 (was \"lots\")" + System.lineSeparator());
        assertThat(r.stdout()).isEmpty();
    }

    @Test
    void badEnvironmentOverride_exits2NamingTheVariable() throws Exception {
        Path file = config("");
        CliRun r = serve(Map.of("KEYHOLD_KMIP_PORT", "-1"), "serve", "--config", file.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).startsWith("keyhold serve: kmip.port (from KEYHOLD_KMIP_PORT): ");
    }

    @Test
    void unusableCertificateFile_exits2NamingTheSetting() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");
        Path file = config("").resolveSibling("bad.yaml");
        Files.writeString(file, Files.readString(config("")).replace(pkiDir.resolve("server.pem").toString(),
                garbage.toString()));
        CliRun r = serve(Map.of(), "serve", "--config", file.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).startsWith("keyhold serve: tls.certificate: ").doesNotContain("Exception", "\tat ");
        assertThat(r.stderr().lines()).hasSize(1);
    }

    @Test
    void portInUse_exits1() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Path file = config("");
            CliRun r = serve(Map.of("KEYHOLD_KMIP_PORT", String.valueOf(taken.getLocalPort())), "serve", "--config",
                    file.toString());
            assertOneLine(r, 1, "keyhold serve: kmip.port " + taken.getLocalPort() + " on 127.0.0.1 is in use by"
                    + " another process: stop that process or choose another kmip.port");
        }
    }

    @Test
    void httpsPortInUse_exits1NamingHttpPort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Path file = config("http:\n  enabled: true\n  port: " + taken.getLocalPort() + "\n");
            CliRun r = serve(Map.of(), "serve", "--config", file.toString());
            assertOneLine(r, 1, "keyhold serve: http.port " + taken.getLocalPort() + " on 127.0.0.1 is in use by"
                    + " another process: stop that process, choose another http.port, or set http.enabled: false");
        }
    }

    @Test
    void dev_portInUse_exits1WithTheSameLine(@TempDir Path devDir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            CliRun r = CliRun.run("", "dev", "--dir", devDir.toString(), "--port", String.valueOf(taken.getLocalPort()),
                    "--http-port", "-1");
            assertOneLine(r, 1, "keyhold dev: kmip.port " + taken.getLocalPort() + " on 127.0.0.1 is in use by"
                    + " another process: stop that process or choose another kmip.port");
        }
    }

    @Test
    void certificateAndKeyDoNotMatch_exits2() throws Exception {
        Path stray = TestCertificates.strayKey(dir, "stray");
        Path file = config("").resolveSibling("mismatch.yaml");
        Files.writeString(file, Files.readString(config("")).replace(pkiDir.resolve("server.key").toString(),
                stray.toString()));
        CliRun r = serve(Map.of(), "serve", "--config", file.toString());
        assertOneLine(r, 2, "keyhold serve: tls.private_key: " + stray + " does not belong to the certificate in "
                + pkiDir.resolve("server.pem"));
    }

    @Test
    void expiredCertificate_exits2() throws Exception {
        Instant end = Instant.now().minus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS);
        TestCertificates.Pair old = TestCertificates.selfSigned(dir, "expired", end.minus(Duration.ofDays(90)), end);
        CliRun r = serve(Map.of(), "serve", "--config", withServerCertificate(old).toString());
        assertOneLine(r, 2, "keyhold serve: tls.certificate: the certificate in " + old.certificate() + " expired on "
                + end + ": renew it, or check this machine's clock");
    }

    @Test
    void notYetValidCertificate_exits2() throws Exception {
        Instant start = Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS);
        TestCertificates.Pair future = TestCertificates.selfSigned(dir, "future", start, start.plus(Duration.ofDays(90)));
        CliRun r = serve(Map.of(), "serve", "--config", withServerCertificate(future).toString());
        assertOneLine(r, 2, "keyhold serve: tls.certificate: the certificate in " + future.certificate()
                + " is not valid before " + start + ": check this machine's clock, or use a certificate valid now");
    }

    @Test
    void certificateExpiringWithin30Days_warnsWithTheDate_andStarts() throws Exception {
        Instant end = Instant.now().plus(Duration.ofDays(12)).plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        TestCertificates.Pair soon = TestCertificates.selfSigned(dir, "soon", end.minus(Duration.ofDays(80)), end);
        Path file = withServerCertificate(soon);
        ServerCommands run = new ServerCommands();
        ((ServeCommand) run.cl.getSubcommands().get("serve").getCommand()).environment = Map.of();
        run.start("serve", "--config", file.toString());
        try {
            assertThat(run.stderr()).isEqualTo("keyhold serve: warning: the server certificate in " + soon.certificate()
                    + " (tls.certificate) expires on " + end + " (in 12 days): renew it; the new files are read"
                    + " without a restart" + System.lineSeparator());
        } finally {
            ((ServeCommand) run.cl.getSubcommands().get("serve").getCommand()).stop();
        }
        assertThat(run.exit.get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void certificateValidLonger_noWarning() throws Exception {
        ServerCommands run = new ServerCommands();
        ((ServeCommand) run.cl.getSubcommands().get("serve").getCommand()).environment = Map.of();
        run.start("serve", "--config", config("http:\n  enabled: false\n").toString());
        try {
            assertThat(run.stderr()).isEmpty();
        } finally {
            ((ServeCommand) run.cl.getSubcommands().get("serve").getCommand()).stop();
        }
        assertThat(run.exit.get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void masterKeyStoreMissing_exits1() throws Exception {
        Path absent = dir.resolve("absent.p12");
        Path file = config("").resolveSibling("absent-key.yaml");
        Files.writeString(file, Files.readString(config("")).replace(pkiDir.resolve("master-key.p12").toString(),
                absent.toString()));
        CliRun r = serve(Map.of(), "serve", "--config", file.toString());
        assertOneLine(r, 1, "keyhold serve: master key store " + absent + " does not exist (master_key.keystore;"
                + " keyhold master-key init creates it)");
    }

    @Test
    void masterKeyAliasMissing_exits1() throws Exception {
        CliRun r = serve(Map.of(), "serve", "--config", config("  alias: no-such-key\n").toString());
        assertOneLine(r, 1, "keyhold serve: no master key no-such-key in key store " + pkiDir.resolve("master-key.p12")
                + " (master_key.alias; keyhold master-key init creates it)");
    }

    @Test
    void pkcs11TokenMissing_exits1() throws Exception {
        Path library = Path.of("/usr/lib/softhsm/libsofthsm2.so");
        Assumptions.assumeTrue(Files.isRegularFile(library), "SoftHSM2 is not installed");
        Path pin = Files.writeString(dir.resolve("pin"), "1234\n");
        Path file = Files.writeString(dir.resolve("pkcs11.yaml"), Files.readString(config(""))
                .replaceAll("(?s)master_key:.*", "") + """
                master_key:
                  provider: pkcs11
                  pkcs11:
                    library: %s
                    slot: 987654
                    pin_file: %s
                """.formatted(library, pin));
        CliRun r = serve(Map.of(), "serve", "--config", file.toString());
        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(1);
        assertThat(r.stderr()).startsWith("keyhold serve: master key: PKCS#11 token in slot 987654 of " + library);
        assertNoStackTrace(r);
    }

    @Test
    void dataDirectoryCannotBeCreated_exits1() throws Exception {
        Path blocker = Files.writeString(dir.resolve("blocker"), "a file where a directory should be\n");
        Path file = config("").resolveSibling("blocked.yaml");
        Files.writeString(file, Files.readString(config("")).replace("data_dir: data", "data_dir: blocker/data"));
        CliRun r = serve(Map.of(), "serve", "--config", file.toString());
        assertOneLine(r, 1, "keyhold serve: storage.data_dir: cannot create the data directory "
                + blocker.resolve("data") + " (" + blocker + " exists and is not a directory): create it, writable by"
                + " the user running keyhold, or choose another storage.data_dir");
    }

    @Test
    void dataDirectoryNotWritable_exits1() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Assumptions.assumeFalse(Files.isWritable(data), "this user (root?) may write any directory");
            CliRun r = serve(Map.of(), "serve", "--config", config("").toString());
            assertOneLine(r, 1, "keyhold serve: storage.data_dir: the data directory " + data + " is not writable by"
                    + " the user running keyhold (SQLite writes its journal beside the database): make it writable or"
                    + " choose another storage.data_dir");
        } finally {
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void databaseFileNotWritable_exits1() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path database = Files.write(data.resolve("keyhold.db"), new byte[0]);
        Files.setPosixFilePermissions(database, PosixFilePermissions.fromString("r--r--r--"));
        Assumptions.assumeFalse(Files.isWritable(database), "this user (root?) may write any file");
        CliRun r = serve(Map.of(), "serve", "--config", config("").toString());
        assertOneLine(r, 1, "keyhold serve: storage.database: the database file " + database + " is not writable by"
                + " the user running keyhold: make it writable (owner and mode) or restore a writable copy");
    }

    @Test
    void postgresUnreachable_exits1WithoutThePassword() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closed = s.getLocalPort();
        }
        Path file = config("").resolveSibling("postgres.yaml");
        Files.writeString(file, Files.readString(config("")).replace("data_dir: data", "data_dir: data\n"
                + "  database: jdbc:postgresql://127.0.0.1:" + closed + "/keyhold\n  database_user: keyhold\n"
                + "  database_password_env: KH_TEST_DB_PASSWORD"));
        CliRun r = serve(Map.of("KH_TEST_DB_PASSWORD", "pw-never-shown-4711"), "serve", "--config", file.toString());
        assertOneLine(r, 1, "keyhold serve: storage: PostgreSQL database at 127.0.0.1:" + closed + "/keyhold"
                + " (storage.database) is unreachable: connection refused; check that the server runs and accepts"
                + " TCP connections there");
        assertThat(r.stderr()).doesNotContain("pw-never-shown-4711");
    }

    /** The configuration file with the server certificate and key replaced. */
    private Path withServerCertificate(TestCertificates.Pair pair) throws Exception {
        Path file = config("").resolveSibling("cert-" + pair.certificate().getFileName() + ".yaml");
        return Files.writeString(file, Files.readString(config("http:\n  enabled: false\n"))
                .replace(pkiDir.resolve("server.pem").toString(), pair.certificate().toString())
                .replace(pkiDir.resolve("server.key").toString(), pair.privateKey().toString()));
    }

    private static void assertOneLine(CliRun r, int exit, String line) {
        assertThat(r.stderr()).isEqualTo(line + System.lineSeparator());
        assertThat(r.exitCode()).isEqualTo(exit);
        assertThat(r.stdout()).doesNotContain("Keyhold ready");
        assertNoStackTrace(r);
    }

    private static void assertNoStackTrace(CliRun r) {
        assertThat(r.stderr().lines()).hasSize(1);
        assertThat(r.stderr()).doesNotContain("\tat ", "Exception");
        assertThat(r.stdout()).doesNotContain("\tat ", "Exception");
    }
}
