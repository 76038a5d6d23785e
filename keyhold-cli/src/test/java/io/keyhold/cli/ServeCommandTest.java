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
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
        assertThat(wrong.stderr()).isEqualTo("keyhold serve: storage: master key store " + pkiDir.resolve("master-key.p12")
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
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.stderr()).startsWith("keyhold serve: cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }
}
