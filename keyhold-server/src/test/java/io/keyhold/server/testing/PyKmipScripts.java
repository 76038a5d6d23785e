package io.keyhold.server.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the PyKMIP client checks in src/test/python with Debian's /usr/bin/python3 against a server. The
 * tests that use it are skipped only where python3-pykmip is missing and the environment does not require
 * it (CI sets KEYHOLD_REQUIRE_PYKMIP=1, and then a missing client fails the test).
 */
public final class PyKmipScripts {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    private PyKmipScripts() {}

    /** What a script printed, standard error included, and its exit status (-1 when it timed out). */
    public record Result(int exitCode, String output) {}

    /** Fails when the client is required but missing; skips the caller when it is merely missing. */
    public static void requireClient() throws IOException, InterruptedException {
        boolean required = "1".equals(System.getenv("KEYHOLD_REQUIRE_PYKMIP"));
        boolean installed = Files.isExecutable(PYTHON) && run(List.of(PYTHON.toString(), "-c", "import kmip")).exitCode() == 0;
        if (required) {
            assertThat(installed).as("python3-pykmip is required (KEYHOLD_REQUIRE_PYKMIP=1) but not installed").isTrue();
        }
        assumeTrue(installed, "python3-pykmip is not installed");
    }

    /** Runs src/test/python/{script} HOST PORT CERTDIR VERSION against the server. */
    public static Result check(String script, LiveServer server, String version) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), Path.of("src/test/python", script).toString(),
                "127.0.0.1", Integer.toString(server.port()), server.directory().toString(), version));
        return run(command);
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        // no ~/.pykmip/pykmip.conf can change a check
        pb.environment().put("HOME", Files.createTempDirectory("pykmip-home").toString());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "timed out\n" + new String(out, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
