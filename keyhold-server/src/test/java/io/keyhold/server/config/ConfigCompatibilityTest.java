package io.keyhold.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configuration compatibility (docs/upgrading.md): the example file of each release, frozen under
 * {@code released/}, still loads. A setting may be renamed or removed only with a hint (ConfigLoader's
 * removed settings, tested in ConfigLoaderTest); a file of an earlier release never fails for any other
 * reason. {@code keyhold-0.1.0.example.yaml} is keyhold.example.yaml as it stands for the first release
 * (0.1.0, not yet cut): copy it again when the release is cut, and never change it after.
 */
class ConfigCompatibilityTest {
    @TempDir
    Path dir;

    @Test
    void exampleOfRelease_0_1_0_stillLoads() throws Exception {
        ServerConfig c = loadReleased("keyhold-0.1.0.example.yaml");

        assertThat(c.kmip()).isEqualTo(new ServerConfig.Kmip("0.0.0.0", 5696));
        assertThat(c.tls().certificate()).isEqualTo(dir.resolve("server.pem"));
        assertThat(c.masterKey().keystore()).isEqualTo(dir.resolve("master.p12"));
        assertThat(c.masterKey().passphraseEnv()).isEqualTo("KEYHOLD_MASTER_PASSPHRASE");
    }

    /** Loads a frozen example, its files (which name /etc/keyhold/...) pointed at placeholders here. */
    private ServerConfig loadReleased(String name) throws Exception {
        for (String f : List.of("server.pem", "server.key", "ca.pem", "master.p12")) {
            Files.writeString(dir.resolve(f), "placeholder\n");
        }
        Path file = dir.resolve(name);
        try (InputStream in = ConfigCompatibilityTest.class.getResourceAsStream("released/" + name)) {
            assertThat(in).as("released/" + name).isNotNull();
            Files.copy(in, file);
        }
        return ConfigLoader.load(file, Map.of(
                "KEYHOLD_TLS_CERTIFICATE", dir.resolve("server.pem").toString(),
                "KEYHOLD_TLS_PRIVATE_KEY", dir.resolve("server.key").toString(),
                "KEYHOLD_TLS_TRUSTED_CAS", dir.resolve("ca.pem").toString(),
                "KEYHOLD_MASTER_KEY_KEYSTORE", dir.resolve("master.p12").toString(),
                "KEYHOLD_MASTER_PASSPHRASE", "example"));
    }
}
