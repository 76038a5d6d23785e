package io.keyhold.server.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.server.testing.LiveServer;
import io.keyhold.server.testing.PyKmipScripts;
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
    private static LiveServer server;

    @BeforeAll
    static void start() throws Exception {
        PyKmipScripts.requireClient();
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
        PyKmipScripts.Result r = PyKmipScripts.check("pykmip_crypto_check.py", server, version);
        assertThat(r.exitCode()).as("pykmip_crypto_check.py at %s:%n%s", version, r.output()).isZero();
        assertThat(r.output()).containsPattern("(?m)^OK$");
    }
}
