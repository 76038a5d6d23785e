package io.keyhold.server.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.server.testing.LiveServer;
import io.keyhold.server.testing.PyKmipScripts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real PyKMIP client (Debian's python3-pykmip) drives the server: Create, Register, Get, Get
 * Attributes, Locate, Activate, Revoke and Destroy at KMIP 1.0, 1.2, 1.4 and 2.0. Skipped only where the
 * client is not installed and the environment does not require it (CI sets KEYHOLD_REQUIRE_PYKMIP=1).
 */
class PyKmipClientTest {
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

    @ParameterizedTest(name = "PyKMIP client at KMIP {0}")
    @ValueSource(strings = {"1.0", "1.2", "1.4", "2.0"})
    void pykmipClientDrivesTheServer(String version) throws Exception {
        PyKmipScripts.Result r = PyKmipScripts.check("pykmip_client_check.py", server, version);
        assertThat(r.exitCode()).as("pykmip_client_check.py at %s:%n%s", version, r.output()).isZero();
        assertThat(r.output()).contains("OK");
    }
}
