package io.keyhold.server.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.keyhold.server.testing.LiveServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real PyKMIP client (Debian's python3-pykmip) drives the cryptographic operations at KMIP 1.2, 1.4
 * and 2.0: Create Key Pair (RSA-2048), Encrypt/Decrypt (AES-256-CBC with a client IV and with a server IV,
 * RSA-OAEP), Sign/Signature Verify (RSA PKCS#1 v1.5 and PSS), MAC (HMAC-SHA256) and Derive Key (PBKDF2),
 * each answer checked against a local computation. Skipped only where the client is not installed and the
 * environment does not require it (CI sets KEYHOLD_REQUIRE_PYKMIP=1).
 */
class PyKmipCryptoTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path SCRIPT = Path.of("src/test/python/pykmip_crypto_check.py");
    private static LiveServer server;

    @BeforeAll
    static void start() throws Exception {
        boolean required = "1".equals(System.getenv("KEYHOLD_REQUIRE_PYKMIP"));
        boolean installed = Files.isExecutable(PYTHON) && run(PYTHON.toString(), "-c", "import kmip").exitCode == 0;
        if (required) {
            assertThat(installed).as("python3-pykmip is required (KEYHOLD_REQUIRE_PYKMIP=1) but not installed").isTrue();
        }
        assumeTrue(installed, "python3-pykmip is not installed");
        server = LiveServer.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "PyKMIP client crypto at KMIP {0}")
    @ValueSource(strings = {"1.2", "1.4", "2.0"})
    void pykmipClientDrivesTheCryptoOperations(String version) throws Exception {
        Result r = run(PYTHON.toString(), SCRIPT.toString(), "127.0.0.1", Integer.toString(server.port()),
                server.directory().toString(), version);
        assertThat(r.exitCode).as("pykmip_crypto_check.py at %s:%n%s", version, r.output).isZero();
        assertThat(r.output).containsPattern("(?m)^OK$");
    }

    private record Result(int exitCode, String output) {}

    private static Result run(String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
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
