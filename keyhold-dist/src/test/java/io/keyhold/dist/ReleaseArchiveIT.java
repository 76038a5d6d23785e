package io.keyhold.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive keyhold-VERSION-linux-x86_64.tar.gz, unpacked as a person would: its layout and file
 * modes, and its launcher running the command and a development server on the bundled Java runtime only.
 */
// generous: three JVM starts of a 35 MB jar take seconds each on a busy two-core machine
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ReleaseArchiveIT {
    static final String VERSION = System.getProperty("keyhold.version");
    static final Path ARCHIVE = Path.of(System.getProperty("keyhold.dist.archive"));

    @TempDir
    static Path tmp;

    /** The unpacked keyhold-VERSION directory. */
    static Path home;

    @BeforeAll
    static void unpack() throws Exception {
        assertThat(ARCHIVE).isRegularFile();
        Process tar = new ProcessBuilder("tar", "-xzf", ARCHIVE.toString(), "-C", tmp.toString())
                .redirectErrorStream(true).start();
        String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).as("tar: %s", output).isZero();
        home = tmp.resolve("keyhold-" + VERSION).toRealPath();
    }

    /**
     * The environment of the launched commands: no JAVA_HOME worth using and a PATH whose java (this machine
     * has /usr/bin/java) must not be the one that runs.
     */
    private static ProcessBuilder keyhold(Path workDir, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>();
        command.add(home.resolve("bin/keyhold").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", "/usr/bin:/bin");
        env.put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
        env.put("LANG", "C.UTF-8");
        env.put("JAVA_HOME", tmp.resolve("no-such-java-home").toString());
        return builder;
    }

    @Test
    void holdsTheRuntimeTheJarTheDocumentationAndTheUnit() throws IOException {
        assertThat(home.resolve("lib/keyhold.jar")).isRegularFile();
        assertThat(home.resolve("keyhold.example.yaml")).isRegularFile();
        assertThat(home.resolve("README.md")).isRegularFile();
        assertThat(home.resolve("docs/install.md")).isRegularFile();
        assertThat(home.resolve("docs/configuration.md")).isRegularFile();
        assertThat(home.resolve("systemd/keyhold.service")).isRegularFile();
        assertThat(home.resolve("runtime/lib/modules")).isRegularFile();
        for (String executable : List.of("bin/keyhold", "runtime/bin/java", "runtime/bin/keytool")) {
            assertThat(Files.getPosixFilePermissions(home.resolve(executable))).as(executable)
                    .contains(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                            PosixFilePermission.OTHERS_EXECUTE);
        }
        // a runtime of the modules Keyhold needs, not a whole JDK
        String release = Files.readString(home.resolve("runtime/release"), StandardCharsets.UTF_8);
        assertThat(release).contains("jdk.crypto.ec", "jdk.crypto.cryptoki", "java.sql", "jdk.unsupported")
                .doesNotContain("java.desktop", "jdk.compiler", "jdk.jshell");
        assertThat(home.resolve("runtime/bin/javac")).doesNotExist();
    }

    @Test
    void printsItsVersionOnTheBundledRuntime() throws Exception {
        ProcessBuilder builder = keyhold(tmp, "--version").redirectErrorStream(true);
        builder.environment().put("KEYHOLD_JAVA_OPTS", "-XshowSettings:properties");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains(VERSION);
        Matcher javaHome = Pattern.compile("(?m)^\\s*java\\.home = (.+)$").matcher(output);
        assertThat(javaHome.find()).as("java.home in %s", output).isTrue();
        assertThat(Path.of(javaHome.group(1).strip()).toRealPath()).isEqualTo(home.resolve("runtime"));
    }

    @Test
    void servesAndStopsOnSigterm() throws Exception {
        Path dev = tmp.resolve("dev");
        Path log = tmp.resolve("dev.log");
        Process server = keyhold(tmp, "dev", "--dir", dev.toString(), "--port", "0", "--http-port", "-1")
                .redirectError(log.toFile()).start();
        try {
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(
                        new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException closed) {
                    // the server stopped
                }
            }, "keyhold-dev-output");
            reader.setDaemon(true);
            reader.start();
            int port = awaitReady(lines, server, log, Duration.ofSeconds(120));

            // the launcher replaced itself with the bundled runtime's java, not /usr/bin/java
            assertThat(server.info().command()).as("the server's executable")
                    .hasValueSatisfying(command -> assertThat(Path.of(command))
                            .isEqualTo(home.resolve("runtime/bin/java")));

            Process client = keyhold(tmp, "discover-versions", "--server", "127.0.0.1:" + port,
                    "--certs", dev.toString()).redirectErrorStream(true).start();
            String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(client.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(client.exitValue()).as(answer).isZero();
            assertThat(answer.lines()).contains("2.1", "1.0");

            server.destroy(); // SIGTERM
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s of SIGTERM").isTrue();
            // 128 + 15: the JVM ran its shutdown hooks (the server's orderly stop) and exited on the signal
            assertThat(server.exitValue()).as(Files.readString(log)).isEqualTo(143);
        } finally {
            server.destroyForcibly();
        }
    }

    private static int awaitReady(BlockingQueue<String> lines, Process server, Path log, Duration timeout)
            throws Exception {
        Pattern ready = Pattern.compile("Keyhold ready: KMIP on 127\\.0\\.0\\.1:(\\d+)");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(200, TimeUnit.MILLISECONDS);
            if (line != null) {
                Matcher m = ready.matcher(line);
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            } else if (!server.isAlive()) {
                break;
            }
        }
        throw new AssertionError("no 'Keyhold ready' line from the development server; its log:\n"
                + Files.readString(log));
    }
}
