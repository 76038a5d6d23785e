package io.keyhold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code keyhold --version} and what a running server reports in Query Server Information are the same version. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VersionConsistencyTest {
    @Test
    void versionOption_equalsTheServerVersionOfQuery(@TempDir Path tmp) throws Exception {
        CliRun version = CliRun.run("", "--version");
        assertThat(version.exitCode()).isZero();
        String printed = version.stdout().strip();
        assertThat(printed).matches("keyhold \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        String cliVersion = printed.substring("keyhold ".length());

        Path dir = tmp.resolve("dev");
        ServerCommands server = new ServerCommands();
        int port = server.start("dev", "--dir", dir.toString(), "--port", "0", "--http-port", "-1");
        try {
            CliRun query = CliRun.run("", "query", "--server", "127.0.0.1:" + port, "--certs", dir.toString(),
                    "--json");
            assertThat(query.exitCode()).as(query.stderr()).isZero();
            JsonNode answer = new ObjectMapper().readTree(query.stdout());
            assertThat(answer.get("vendor").asText()).isEqualTo("Keyhold");
            JsonNode info = answer.get("serverInformation");
            assertThat(info.get("Server Name").asText()).isEqualTo("Keyhold");
            assertThat(info.get("Server Version").asText()).isEqualTo(cliVersion);
        } finally {
            ((DevCommand) server.cl.getSubcommands().get("dev").getCommand()).stop();
        }
        assertThat(server.exit.get(30, TimeUnit.SECONDS)).isZero();
    }
}
