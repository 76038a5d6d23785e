package io.keyhold.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.spec.KmipVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connection settings of the client commands: options over environment over profile. */
class ClientOptionsTest {
    @TempDir
    Path home;

    Path profiles;
    final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void writeProfiles() throws Exception {
        profiles = home.resolve(".config/keyhold/profiles.yaml");
        Files.createDirectories(profiles.getParent());
        Files.writeString(profiles, """
                default:
                  server: kms-default:5696
                  certs: ~/default-certs
                prod:
                  server: [kms1.example.com:5696, kms2.example.com:5696]
                  certs: prod-certs
                  kmip-version: "1.4"
                  timeout: 12
                """);
    }

    private ClientOptions options() {
        ClientOptions o = new ClientOptions();
        o.environment = env;
        o.home = home;
        return o;
    }

    @Test
    void profile_givesEverySetting_relativeCertsUnderTheProfilesDirectory() throws Exception {
        ClientOptions o = options();
        o.profile = "prod";

        ClientOptions.Settings s = o.resolve();

        assertThat(s.servers()).containsExactly("kms1.example.com:5696", "kms2.example.com:5696");
        assertThat(s.certs()).isEqualTo(profiles.getParent().resolve("prod-certs"));
        assertThat(s.version()).isEqualTo(KmipVersion.V1_4);
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(12));
    }

    @Test
    void environment_winsOverTheProfile() throws Exception {
        env.put("KEYHOLD_PROFILE", "prod");
        env.put("KEYHOLD_SERVER", "env1:5696, env2:5696");
        env.put("KEYHOLD_KMIP_VERSION", "2.0");

        ClientOptions.Settings s = options().resolve();

        assertThat(s.servers()).containsExactly("env1:5696", "env2:5696");
        assertThat(s.version()).isEqualTo(KmipVersion.V2_0);
        assertThat(s.certs()).isEqualTo(profiles.getParent().resolve("prod-certs"));
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(12));
    }

    @Test
    void options_winOverEnvironmentAndProfile() throws Exception {
        env.put("KEYHOLD_SERVER", "env:5696");
        env.put("KEYHOLD_CERTS", "/env/certs");
        env.put("KEYHOLD_KMIP_VERSION", "2.0");
        ClientOptions o = options();
        o.profile = "prod";
        o.servers = List.of("flag:5696");
        o.certs = Path.of("/flag/certs");
        o.kmipVersion = "negotiate";
        o.timeout = 3;

        ClientOptions.Settings s = o.resolve();

        assertThat(s.servers()).containsExactly("flag:5696");
        assertThat(s.certs()).isEqualTo(Path.of("/flag/certs"));
        assertThat(s.version()).isNull();
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void noProfileNamed_theDefaultProfileApplies_tildeIsTheHome() throws Exception {
        ClientOptions.Settings s = options().resolve();

        assertThat(s.servers()).containsExactly("kms-default:5696");
        assertThat(s.certs()).isEqualTo(home.resolve("default-certs"));
        assertThat(s.version()).isNull();
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(ClientOptions.DEFAULT_TIMEOUT_SECONDS));
    }

    @Test
    void keyholdProfiles_namesAnotherFile() throws Exception {
        Path other = Files.writeString(home.resolve("other.yaml"), "lab: {server: lab:5696, certs: /lab}\n");
        env.put("KEYHOLD_PROFILES", other.toString());
        ClientOptions o = options();
        o.profile = "lab";

        assertThat(o.resolve().servers()).containsExactly("lab:5696");
        assertThat(o.resolve().certs()).isEqualTo(Path.of("/lab"));
    }

    @Test
    void unknownProfile_missingServer_badValues_areUsageErrors() throws Exception {
        ClientOptions unknown = options();
        unknown.profile = "staging";
        assertThatThrownBy(unknown::resolve).isInstanceOf(ClientOptions.SettingsException.class)
                .hasMessageContaining("no profile 'staging' in " + profiles).hasMessageContaining("default, prod");

        Files.delete(profiles);
        assertThatThrownBy(options()::resolve).hasMessageStartingWith("no server given");
        ClientOptions noCerts = options();
        noCerts.servers = List.of("a:1");
        assertThatThrownBy(noCerts::resolve).hasMessageStartingWith("no certificates given");

        env.put("KEYHOLD_SERVER", "a:1");
        env.put("KEYHOLD_CERTS", "/c");
        env.put("KEYHOLD_TIMEOUT", "soon");
        assertThatThrownBy(options()::resolve).hasMessage("timeout 'soon' (expected: seconds, >= 1)");
        env.remove("KEYHOLD_TIMEOUT");
        env.put("KEYHOLD_KMIP_VERSION", "1.9");
        assertThatThrownBy(options()::resolve).hasMessage("KMIP version '1.9' (expected: 1.0 .. 2.1, or negotiate)");
    }
}
