package io.keyhold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** `keyhold dev` in its own process stops cleanly on SIGTERM: the listener stops and the database is closed. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SigtermTest {
    @Test
    void sigtermStopsTheServerAndClosesTheDatabase(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("dev");
        Path stderr = tmp.resolve("stderr.txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), KeyholdCommand.class.getName(),
                "dev", "--dir", dir.toString(), "--port", "0", "--http-port", "0")
                .redirectError(stderr.toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String ready = out.readLine();
        assertThat(ready).startsWith("Keyhold ready: KMIP on 127.0.0.1:");
        java.util.regex.Matcher kmip = java.util.regex.Pattern.compile("KMIP on 127\\.0\\.0\\.1:(\\d+)").matcher(ready);
        assertThat(kmip.find()).isTrue();
        int port = Integer.parseInt(kmip.group(1));

        byte[] answer = ServerCommands.exchange(port, dir.resolve("client.p12"), dir.resolve("ca.pem"), ServerCommands.REQUEST);
        assertThat(Arrays.copyOf(answer, 4)).as("a Response Message").containsExactly(0x42, 0x00, 0x7B, 0x01);
        assertThat(dir.resolve("keyhold.db-wal")).exists();

        p.destroy(); // SIGTERM
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("the JVM's status after SIGTERM").isEqualTo(143);
        assertThat(Files.readString(stderr)).doesNotContain("Exception");
        assertThat(dir.resolve("keyhold.db-wal")).as("the database was closed: its WAL checkpointed away").doesNotExist();
        assertThat(dir.resolve("keyhold.db")).exists();
    }
}
