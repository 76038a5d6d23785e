package io.keyhold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DevCommandTest {
    @Test
    void dev_createsThePkiServesAndStops(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("dev");
        ServerCommands run = new ServerCommands();
        int port = run.start("dev", "--dir", dir.toString(), "--port", "0", "--http-port", "0");
        try {
            for (String f : new String[] {"ca.pem", "server.pem", "server.key", "client.pem", "client.key",
                    "client.p12", "client2.pem", "client2.key", "client2.p12", "master-key.p12", "master-key.pass"}) {
                assertThat(dir.resolve(f)).exists();
            }
            String out = run.stdout();
            String ready = out.lines().findFirst().orElseThrow();
            assertThat(ready).matches("Keyhold ready: KMIP on 127\\.0\\.0\\.1:" + port + ", HTTPS on 127\\.0\\.0\\.1:\\d+");
            int https = Integer.parseInt(ready.substring(ready.lastIndexOf(':') + 1));
            assertThat(out).contains("certfile=" + dir.resolve("client.pem"), "keyfile=" + dir.resolve("client.key"),
                    "ca_certs=" + dir.resolve("ca.pem"), "port=" + port, "ProxyKmipClient(hostname=\"127.0.0.1\"",
                    "openssl s_client -connect 127.0.0.1:" + port,
                    "curl --cacert " + dir.resolve("ca.pem") + " --cert " + dir.resolve("client.pem") + " --key "
                            + dir.resolve("client.key") + " https://localhost:" + https + "/health");
            assertThat(out.lines()).contains("Master key: " + dir.toAbsolutePath().resolve("master-key.p12")
                    + " (generated for development; its passphrase is stored beside it in master-key.pass — use a key"
                    + " store with a passphrase from the environment, or an HSM, in production)");

            byte[] answer = ServerCommands.exchange(port, dir.resolve("client.p12"), dir.resolve("ca.pem"),
                    ServerCommands.REQUEST);
            assertThat(Arrays.copyOf(answer, 4)).as("a Response Message").containsExactly(0x42, 0x00, 0x7B, 0x01);

            // the configuration file it writes lets the administration commands act on its database meanwhile
            Path config = dir.resolve("keyhold.yaml");
            assertThat(out).contains("keyhold token create --config " + config + " --identity client1");
            CliRun token = CliRun.run("", "token", "create", "--config", config.toString(), "--identity", "client1");
            assertThat(token.exitCode()).as(token.stderr()).isZero();
            assertThat(token.stdout()).contains("kh_");
        } finally {
            ((DevCommand) run.cl.getSubcommands().get("dev").getCommand()).stop();
        }
        assertThat(run.exit.get(30, TimeUnit.SECONDS)).isZero();

        byte[] ca = Files.readAllBytes(dir.resolve("ca.pem"));
        byte[] masterKey = Files.readAllBytes(dir.resolve("master-key.p12"));
        ServerCommands again = new ServerCommands();
        again.start("dev", "--dir", dir.toString(), "--port", "0", "--http-port", "0");
        ((DevCommand) again.cl.getSubcommands().get("dev").getCommand()).stop();
        assertThat(again.exit.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(Files.readAllBytes(dir.resolve("ca.pem"))).as("not overwritten").isEqualTo(ca);
        assertThat(Files.readAllBytes(dir.resolve("master-key.p12"))).as("master key reused").isEqualTo(masterKey);
        assertThat(again.stdout()).contains("Using the certificates and database in " + dir);
    }

    @Test
    void dev_usesTheCompatibilityProfile_soOldClientsCbcSuitesWork(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("dev");
        ServerCommands run = new ServerCommands();
        int port = run.start("dev", "--dir", dir.toString(), "--port", "0", "--http-port", "0");
        try {
            byte[] answer = ServerCommands.exchange(port, dir.resolve("client.p12"), dir.resolve("ca.pem"),
                    ServerCommands.REQUEST, "TLS_RSA_WITH_AES_128_CBC_SHA256");
            assertThat(Arrays.copyOf(answer, 4)).as("a Response Message").containsExactly(0x42, 0x00, 0x7B, 0x01);
        } finally {
            ((DevCommand) run.cl.getSubcommands().get("dev").getCommand()).stop();
        }
        assertThat(run.exit.get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void dev_withFips_saysSo(@TempDir Path tmp) throws Exception {
        ServerCommands run = new ServerCommands();
        run.start("dev", "--dir", tmp.resolve("dev").toString(), "--port", "0", "--http-port", "0", "--fips");
        try {
            assertThat(run.stdout()).contains("FIPS mode (--fips)");
        } finally {
            ((DevCommand) run.cl.getSubcommands().get("dev").getCommand()).stop();
        }
        assertThat(run.exit.get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void dev_onPostgres_writesTheDatabaseIntoItsConfiguration_andTheCommandsUseIt(@TempDir Path tmp) throws Exception {
        String base = System.getenv().getOrDefault("KEYHOLD_TEST_POSTGRES", "jdbc:postgresql://127.0.0.1:5432/test");
        String schema = "kh_dev_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        java.util.Properties who = new java.util.Properties();
        who.setProperty("user", "postgres");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(base, who);
             java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (java.sql.SQLException e) {
            org.junit.jupiter.api.Assumptions.assumeFalse("1".equals(System.getenv("KEYHOLD_REQUIRE_POSTGRES")),
                    "PostgreSQL is required: " + e.getMessage());
            org.junit.jupiter.api.Assumptions.abort("no PostgreSQL at " + base + ": " + e.getMessage());
        }
        String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        Path dir = tmp.resolve("dev");
        try {
            ServerCommands run = new ServerCommands();
            run.start("dev", "--dir", dir.toString(), "--port", "0", "--http-port", "-1", "--database", url,
                    "--database-user", "postgres");
            try {
                assertThat(dir.resolve("keyhold.db")).doesNotExist();
                Path config = dir.resolve("keyhold.yaml");
                assertThat(Files.readString(config)).contains("  database: \"" + url + "\"\n",
                        "  database_user: \"postgres\"\n");
                CliRun token = CliRun.run("", "token", "create", "--config", config.toString(), "--identity", "client1");
                assertThat(token.exitCode()).as(token.stderr()).isZero();
            } finally {
                ((DevCommand) run.cl.getSubcommands().get("dev").getCommand()).stop();
            }
            assertThat(run.exit.get(30, TimeUnit.SECONDS)).isZero();
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, who);
                 java.sql.Statement s = c.createStatement();
                 java.sql.ResultSet rs = s.executeQuery("SELECT identity FROM api_tokens")) {
                assertThat(rs.next()).as("the token is in PostgreSQL").isTrue();
                assertThat(rs.getString(1)).isEqualTo("client1");
            }
        } finally {
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(base, who);
                 java.sql.Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    @Test
    void databaseOptions_areChecked() {
        CliRun r = CliRun.run("", "dev", "--database", "jdbc:postgresql://db/k?password=secret");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("expected jdbc:postgresql://HOST[:PORT]/NAME without a password")
                .doesNotContain("secret");
        r = CliRun.run("", "dev", "--database-user", "keyhold");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("--database-user applies only with --database");
    }

    @Test
    void badPort_isAUsageError() {
        CliRun r = CliRun.run("", "dev", "--port", "70000");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("Invalid value for option '--port': 70000 (expected: 0 to 65535)");

        r = CliRun.run("", "dev", "--http-port", "http");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("--http-port");
    }

    @Test
    void dirThatIsAFile_failsWithOneLine(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("f"), "x");
        CliRun r = CliRun.run("", "dev", "--dir", file.toString(), "--port", "0");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).isEqualTo("keyhold dev: I/O error: " + file + " is not a directory" + System.lineSeparator());
    }

    @Test
    void help_describesTheOptions() {
        CliRun r = CliRun.run("", "dev", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).contains("--dir=DIR", "--port=PORT", "--http-port=PORT", "changeit");
    }
}
