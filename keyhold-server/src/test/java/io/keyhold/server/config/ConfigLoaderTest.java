package io.keyhold.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @BeforeEach
    void files() throws Exception {
        for (String f : List.of("server.pem", "server.key", "ca.pem", "ca2.pem", "master.p12", "master.pass")) {
            Files.writeString(dir.resolve(f), "placeholder\n");
        }
    }

    private static final String MINIMAL = """
            tls:
              certificate: server.pem
              private_key: server.key
              trusted_cas: [ca.pem]
            master_key:
              keystore: master.p12
              passphrase_file: master.pass
            """;

    private ServerConfig load(String yaml, Map<String, String> env) throws Exception {
        Path file = dir.resolve("keyhold.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file, env);
    }

    private String error(String yaml, Map<String, String> env) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> load(yaml, env));
        assertThat(t).isInstanceOf(ConfigException.class);
        return t.getMessage();
    }

    @Test
    void minimal_takesTheDefaults() throws Exception {
        ServerConfig c = load(MINIMAL, Map.of());

        assertThat(c.kmip()).isEqualTo(new ServerConfig.Kmip("0.0.0.0", 5696));
        assertThat(c.tls().certificate()).isEqualTo(dir.resolve("server.pem"));
        assertThat(c.tls().trustedCas()).containsExactly(dir.resolve("ca.pem"));
        assertThat(c.tls().protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(c.tls().profile()).isEqualTo(ServerConfig.TlsProfile.MODERN);
        assertThat(c.tls().crls()).isEmpty();
        assertThat(c.tls().reloadInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.tls().requireClientAuthUsage()).isFalse();
        assertThat(c.tls().clientIdentity()).isEqualTo(ServerConfig.ClientIdentity.COMMON_NAME);
        assertThat(c.tls().provider()).isEqualTo(ServerConfig.TlsProvider.JDK);
        assertThat(c.storage().dataDir()).isEqualTo(dir.resolve("keyhold-data"));
        assertThat(c.storage().database()).isEqualTo(dir.resolve("keyhold-data/keyhold.db"));
        assertThat(c.limits()).isEqualTo(ServerConfig.Limits.defaults());
        assertThat(c.logging()).isEqualTo(ServerConfig.Logging.defaults());
    }

    @Test
    void everySetting_isRead() throws Exception {
        ServerConfig c = load("""
                kmip:
                  host: 127.0.0.1
                  port: 15696
                tls:
                  certificate: server.pem
                  private_key: %s
                  private_key_password: secret
                  trusted_cas: [ca.pem, ca2.pem]
                  crls: [ca.pem, ca2.pem]
                  protocols: [TLSv1.3]
                  profile: compatibility
                  require_client_auth_usage: true
                  client_identity: subject
                  session_timeout: 1h
                  reload_interval: 5m
                storage:
                  data_dir: /var/lib/keyhold
                  database: /srv/k.db
                limits:
                  max_message_bytes: 65536
                  max_batch_items: 0
                  max_connections: 10
                  max_connections_per_identity: 4
                  idle_timeout: 30s
                  read_timeout: 2s
                  requests_per_second_per_identity: 500
                  worker_threads: 8
                  shutdown_grace: 500ms
                logging:
                  level: debug
                  format: json
                master_key:
                  keystore: master.p12
                  alias: other-alias
                  passphrase_env: MY_PASSPHRASE
                """.formatted(dir.resolve("server.key")), Map.of("MY_PASSPHRASE", "not in the config"));

        assertThat(c.kmip()).isEqualTo(new ServerConfig.Kmip("127.0.0.1", 15696));
        assertThat(c.tls().privateKey()).isEqualTo(dir.resolve("server.key"));
        assertThat(c.tls().privateKeyPassword()).isEqualTo("secret");
        assertThat(c.tls().toString()).doesNotContain("secret");
        assertThat(c.tls().trustedCas()).containsExactly(dir.resolve("ca.pem"), dir.resolve("ca2.pem"));
        assertThat(c.tls().protocols()).containsExactly("TLSv1.3");
        assertThat(c.tls().crls()).containsExactly(dir.resolve("ca.pem"), dir.resolve("ca2.pem"));
        assertThat(c.tls().profile()).isEqualTo(ServerConfig.TlsProfile.COMPATIBILITY);
        assertThat(c.tls().reloadInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.tls().requireClientAuthUsage()).isTrue();
        assertThat(c.tls().clientIdentity()).isEqualTo(ServerConfig.ClientIdentity.SUBJECT);
        assertThat(c.tls().sessionTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(c.storage()).isEqualTo(new ServerConfig.Storage(Path.of("/var/lib/keyhold"), Path.of("/srv/k.db")));
        assertThat(c.limits()).isEqualTo(new ServerConfig.Limits(65536, 0, 10, 4, Duration.ofSeconds(30),
                Duration.ofSeconds(2), 500, 8, Duration.ofMillis(500)));
        assertThat(c.logging()).isEqualTo(new ServerConfig.Logging("debug", "json"));
        assertThat(c.masterKey()).isEqualTo(new ServerConfig.MasterKeyStore(dir.resolve("master.p12"), "other-alias",
                "MY_PASSPHRASE", null));
        assertThat(c.masterKey().toString()).doesNotContain("not in the config");
    }

    @Test
    void masterKey_defaultsTheAlias_andReadsThePassphraseFile() throws Exception {
        ServerConfig c = load(MINIMAL, Map.of());
        assertThat(c.masterKey()).isEqualTo(new ServerConfig.MasterKeyStore(dir.resolve("master.p12"),
                "keyhold-master", null, dir.resolve("master.pass")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            passphrase_file: master.pass                                       | master_key.keystore: is required: the PKCS#12 key store
            keystore: .\\n  passphrase_file: master.pass                         | is not a file
            provider: hsm\\n  keystore: master.p12\\n  passphrase_file: master.pass | master_key.provider: must be one of pkcs12, pkcs11
            keystore: master.p12\\n  passphrase_file: master.pass\\n  pkcs11:\\n    slot: 1 | master_key.pkcs11.slot: applies only with master_key.provider: pkcs11
            provider: pkcs11\\n  pkcs11:\\n    pin_env: P                          | master_key.pkcs11.library: is required with master_key.provider: pkcs11
            provider: pkcs11\\n  keystore: master.p12                             | master_key.keystore: applies only with master_key.provider: pkcs12
            provider: pkcs11\\n  pkcs11:\\n    library: master.pass\\n    slot: x\\n    pin_env: P | master_key.pkcs11.slot: must be a slot id
            provider: pkcs11\\n  pkcs11:\\n    library: master.pass\\n    slot: 1\\n    slot_list_index: 0\\n    pin_env: P | master_key.pkcs11.slot: and master_key.pkcs11.slot_list_index are both set
            provider: pkcs11\\n  pkcs11:\\n    library: master.pass                | master_key.pkcs11.pin_env: or master_key.pkcs11.pin_file is required
            provider: pkcs11\\n  pkcs11:\\n    library: master.pass\\n    pin_env: UNSET_VARIABLE | master_key.pkcs11.pin_env: environment variable UNSET_VARIABLE is not set
            provider: pkcs11\\n  pkcs11:\\n    library: master.pass\\n    pin_file: master.pass\\n    label: x | master_key.pkcs11.label: unknown setting
            keystore: master.p12                                               | master_key.passphrase_env: or master_key.passphrase_file is required
            keystore: master.p12\\n  passphrase_env: P\\n  passphrase_file: master.pass | master_key.passphrase_env: and master_key.passphrase_file are both set
            keystore: master.p12\\n  passphrase_env: UNSET_VARIABLE              | master_key.passphrase_env: environment variable UNSET_VARIABLE is not set
            keystore: master.p12\\n  passphrase_file: absent.pass                | master_key.passphrase_file: file
            keystore: master.p12\\n  alias: \"\"\\n  passphrase_file: master.pass    | master_key.alias: must not be empty
            """)
    void masterKey_errorsNameTheSetting(String body, String expected) {
        String yaml = MINIMAL.substring(0, MINIMAL.indexOf("master_key:")) + "master_key:\n  " + body.replace("\\n", "\n") + "\n";
        assertThat(error(yaml, Map.of("P", "x"))).contains(expected);
    }

    @Test
    void masterKey_pkcs11_readsTheTokenSettings_nestedOrFromTheEnvironment() throws Exception {
        String head = MINIMAL.substring(0, MINIMAL.indexOf("master_key:"));
        ServerConfig c = load(head + """
                master_key:
                  provider: pkcs11
                  pkcs11:
                    library: master.pass
                    slot: 1364307857
                    pin_file: master.pass
                    key_label: kms-master
                """, Map.of());
        assertThat(c.masterKey().provider()).isEqualTo("pkcs11");
        assertThat(c.masterKey().alias()).isEqualTo("kms-master");
        assertThat(c.masterKey().pkcs11()).isEqualTo(new ServerConfig.Pkcs11(dir.resolve("master.pass"), 1364307857L, 0,
                null, dir.resolve("master.pass")));

        ServerConfig e = load(head, Map.of("KEYHOLD_MASTER_KEY_PROVIDER", "pkcs11",
                "KEYHOLD_MASTER_KEY_PKCS11_LIBRARY", dir.resolve("master.pass").toString(),
                "KEYHOLD_MASTER_KEY_PKCS11_SLOT_LIST_INDEX", "2", "KEYHOLD_MASTER_KEY_PKCS11_PIN_ENV", "PIN", "PIN", "1234"));
        assertThat(e.masterKey().alias()).isEqualTo(ServerConfig.MasterKeyStore.DEFAULT_ALIAS);
        assertThat(e.masterKey().pkcs11()).isEqualTo(new ServerConfig.Pkcs11(dir.resolve("master.pass"), null, 2, "PIN", null));
    }

    @Test
    void masterKey_fromTheEnvironment_isNamedInErrors() throws Exception {
        String yaml = MINIMAL.substring(0, MINIMAL.indexOf("master_key:"));
        assertThat(error(yaml, Map.of("KEYHOLD_MASTER_KEY_KEYSTORE", ".",
                "KEYHOLD_MASTER_KEY_PASSPHRASE_FILE", "master.pass")))
                .contains("master_key.keystore (from KEYHOLD_MASTER_KEY_KEYSTORE): ").endsWith(" is not a file");
        ServerConfig c = load(yaml, Map.of("KEYHOLD_MASTER_KEY_KEYSTORE", "master.p12",
                "KEYHOLD_MASTER_KEY_PASSPHRASE_ENV", "P", "P", "x"));
        assertThat(c.masterKey().passphraseEnv()).isEqualTo("P");
    }

    @Test
    void environment_overridesTheFile() throws Exception {
        ServerConfig c = load(MINIMAL + "limits:\n  max_connections: 10\n", Map.of(
                "KEYHOLD_LIMITS_MAX_CONNECTIONS", "20",
                "KEYHOLD_KMIP_PORT", "7000",
                "KEYHOLD_TLS_TRUSTED_CAS", "ca.pem, ca2.pem",
                "KEYHOLD_TLS_PRIVATE_KEY_PASSWORD", "from-env",
                "KEYHOLD_LOGGING_LEVEL", "WARN",
                "KEYHOLD_JAVA_OPTS", "-Xmx1g"));

        assertThat(c.limits().maxConnections()).isEqualTo(20);
        assertThat(c.kmip().port()).isEqualTo(7000);
        assertThat(c.tls().trustedCas()).containsExactly(dir.resolve("ca.pem"), dir.resolve("ca2.pem"));
        assertThat(c.tls().privateKeyPassword()).isEqualTo("from-env");
        assertThat(c.logging().level()).isEqualTo("warn");
    }

    @Test
    void environment_canSupplyRequiredSettings() throws Exception {
        ServerConfig c = load("", Map.of(
                "KEYHOLD_TLS_CERTIFICATE", dir.resolve("server.pem").toString(),
                "KEYHOLD_TLS_PRIVATE_KEY", dir.resolve("server.key").toString(),
                "KEYHOLD_TLS_TRUSTED_CAS", dir.resolve("ca.pem").toString(),
                "KEYHOLD_MASTER_KEY_KEYSTORE", dir.resolve("master.p12").toString(),
                "KEYHOLD_MASTER_KEY_PASSPHRASE_FILE", dir.resolve("master.pass").toString()));
        assertThat(c.tls().certificate()).isEqualTo(dir.resolve("server.pem"));
        assertThat(c.masterKey().passphraseFile()).isEqualTo(dir.resolve("master.pass"));
    }

    @Test
    void cryptoFipsOnly_defaultsToFalse() throws Exception {
        assertThat(load(MINIMAL, Map.of()).crypto()).isEqualTo(new ServerConfig.Crypto(false));
    }

    @Test
    void cryptoFipsOnly_isReadFromTheFile() throws Exception {
        assertThat(load(MINIMAL + "crypto:\n  fips_only: true\n", Map.of()).crypto().fipsOnly()).isTrue();
        assertThat(load(MINIMAL + "crypto:\n  fips_only: false\n", Map.of()).crypto().fipsOnly()).isFalse();
    }

    @Test
    void cryptoFipsOnly_environmentOverridesTheFile() throws Exception {
        assertThat(load(MINIMAL + "crypto:\n  fips_only: false\n", Map.of("KEYHOLD_CRYPTO_FIPS_ONLY", "true"))
                .crypto().fipsOnly()).isTrue();
        assertThat(load(MINIMAL + "crypto:\n  fips_only: true\n", Map.of("KEYHOLD_CRYPTO_FIPS_ONLY", "off"))
                .crypto().fipsOnly()).isFalse();
    }

    @Test
    void cryptoFipsOnly_refusesANonBoolean() {
        assertThat(error(MINIMAL, Map.of("KEYHOLD_CRYPTO_FIPS_ONLY", "maybe")))
                .isEqualTo("crypto.fips_only (from KEYHOLD_CRYPTO_FIPS_ONLY): must be true or false (was \"maybe\")");
    }

    @Test
    void environmentVariable_isThePathUpperCasedWithUnderscores() {
        assertThat(ConfigLoader.environmentVariable("limits.max_connections")).isEqualTo("KEYHOLD_LIMITS_MAX_CONNECTIONS");
        assertThat(ConfigLoader.environmentVariable("tls.trusted_cas")).isEqualTo("KEYHOLD_TLS_TRUSTED_CAS");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            kmip:\\n  port: 70000                 | kmip.port: must be a whole number from 0 to 65535 (was "70000")
            kmip:\\n  port: five                  | kmip.port: must be a whole number from 0 to 65535 (was "five")
            kmip:\\n  host: 999.1.1.1             | kmip.host: "999.1.1.1" is not a valid address
            kmip:\\n  prot: 1                     | kmip.prot: unknown setting
            kmip:\\n  host: [a, b]                | kmip.host: must be a single value, not a list
            limits:\\n  max-connections: 3        | limits.max-connections: unknown setting (did you mean limits.max_connections?)
            limit:\\n  max_connections: 3         | limit: unknown section (known: kmip, http, tls, storage, limits, logging, crypto, master_key, access, audit)
            limits: 5                             | limits: must be a mapping of settings
            limits:\\n  max_connections: 0        | limits.max_connections: must be a whole number from 1 to 1000000 (was "0")
            limits:\\n  max_message_bytes: 10     | limits.max_message_bytes: must be a whole number from 1024 to 67108864 (was "10")
            limits:\\n  idle_timeout: soon        | limits.idle_timeout: must be a duration such as 500ms, 30s, 10m or 1h (was "soon")
            limits:\\n  idle_timeout: 0s          | limits.idle_timeout: must be longer than 0
            tls:\\n  legacy_cipher_suites: true   | tls.legacy_cipher_suites: was removed; use tls.profile: compatibility for the TLS 1.2 CBC suites old clients need, or tls.profile: modern (the default) for AEAD suites only
            tls:\\n  profile: legacy            | tls.profile: must be one of modern, compatibility (was "legacy")
            tls:\\n  provider: conscrypt        | tls.provider: must be one of jdk, openssl (was "conscrypt")
            tls:\\n  provider: openssl\\n  profile: compatibility | tls.provider: openssl serves tls.profile: modern only: BoringSSL has none of the TLS 1.2 CBC suites the compatibility profile adds; use tls.provider: jdk for them
            tls:\\n  reload_interval: 10ms      | tls.reload_interval: must be 0 (never poll) or at least 1s (was 10ms)
            limits:\\n  read_timeout: 5ms       | limits.read_timeout: must be 0 (no limit) or at least 100ms (was 5ms)
            limits:\\n  max_batch_items: -1     | limits.max_batch_items: must be a whole number from 0 to 1000000 (was "-1")
            limits:\\n  max_connections_per_identity: x | limits.max_connections_per_identity: must be a whole number from 0 to 1000000 (was "x")
            limits:\\n  requests_per_second_per_identity: -5 | limits.requests_per_second_per_identity: must be a whole number from 0 to 100000000 (was "-5")
            tls:\\n  protocols: [TLSv1.1]         | tls.protocols: "TLSv1.1" is not supported (expected: TLSv1.3, TLSv1.2)
            tls:\\n  client_identity: email       | tls.client_identity: must be one of common_name, subject, san_email, san_dns, san_uri (was "email")
            logging:\\n  level: loud              | logging.level: must be one of error, warn, info, debug, trace (was "loud")
            """)
    void badSetting_isNamedInOneMessage(String extra, String message) {
        String yaml = extra.contains("tls:") ? extra.replace("\\n", "\n").replace("tls:\n",
                "tls:\n  certificate: server.pem\n  private_key: server.key\n  trusted_cas: [ca.pem]\n")
                : MINIMAL + extra.replace("\\n", "\n") + "\n";
        assertThat(error(yaml, Map.of())).isEqualTo(message);
    }

    @Test
    void removedLegacyCipherSuites_fromTheEnvironment_pointsToTheProfile() {
        assertThat(error(MINIMAL, Map.of("KEYHOLD_TLS_LEGACY_CIPHER_SUITES", "true")))
                .startsWith("tls.legacy_cipher_suites (from KEYHOLD_TLS_LEGACY_CIPHER_SUITES): was removed; use"
                        + " tls.profile: compatibility");
    }

    @Test
    void provider_fromTheFileAndTheEnvironment() throws Exception {
        String yaml = MINIMAL.replace("tls:\n", "tls:\n  provider: openssl\n");
        assertThat(yaml).contains("provider: openssl");
        assertThat(load(yaml, Map.of()).tls().provider()).isEqualTo(ServerConfig.TlsProvider.OPENSSL);
        assertThat(load(MINIMAL, Map.of("KEYHOLD_TLS_PROVIDER", "openssl")).tls().provider())
                .isEqualTo(ServerConfig.TlsProvider.OPENSSL);
        assertThat(load(yaml, Map.of("KEYHOLD_TLS_PROVIDER", "jdk")).tls().provider())
                .isEqualTo(ServerConfig.TlsProvider.JDK);
    }

    @Test
    void profileAndLimits_fromTheEnvironment() throws Exception {
        ServerConfig c = load(MINIMAL, Map.of("KEYHOLD_TLS_PROFILE", "Compatibility",
                "KEYHOLD_TLS_CRLS", "ca.pem, ca.pem", "KEYHOLD_LIMITS_REQUESTS_PER_SECOND_PER_IDENTITY", "20000"));
        assertThat(c.tls().profile()).isEqualTo(ServerConfig.TlsProfile.COMPATIBILITY);
        assertThat(c.tls().crls()).containsExactly(dir.resolve("ca.pem"), dir.resolve("ca.pem"));
        assertThat(c.limits().requestsPerSecondPerIdentity()).isEqualTo(20000);
    }

    @Test
    void missingCrlFile_isNamed() {
        assertThat(error(MINIMAL.replace("trusted_cas: [ca.pem]", "trusted_cas: [ca.pem]\n  crls: [absent.crl]"),
                Map.of())).isEqualTo("tls.crls: file " + dir.resolve("absent.crl") + " does not exist");
        assertThat(error(MINIMAL, Map.of("KEYHOLD_TLS_CRLS", "absent.crl")))
                .isEqualTo("tls.crls (from KEYHOLD_TLS_CRLS): file " + dir.resolve("absent.crl") + " does not exist");
    }

    @Test
    void missingFile_isNamed() {
        assertThat(error(MINIMAL.replace("server.pem", "/x/server.pem"), Map.of()))
                .isEqualTo("tls.certificate: file /x/server.pem does not exist");
        assertThat(error(MINIMAL.replace("[ca.pem]", "[ca.pem, nope.pem]"), Map.of()))
                .isEqualTo("tls.trusted_cas: file " + dir.resolve("nope.pem") + " does not exist");
    }

    @Test
    void requiredSetting_missing_isNamed() {
        assertThat(error("tls:\n  certificate: server.pem\n  trusted_cas: [ca.pem]\n", Map.of()))
                .isEqualTo("tls.private_key: is required");
        assertThat(error("tls:\n  certificate: server.pem\n  private_key: server.key\n", Map.of()))
                .startsWith("tls.trusted_cas: is required");
    }

    @Test
    void badEnvironmentValue_namesTheVariable() {
        assertThat(error(MINIMAL, Map.of("KEYHOLD_LIMITS_MAX_CONNECTIONS", "many")))
                .isEqualTo("limits.max_connections (from KEYHOLD_LIMITS_MAX_CONNECTIONS): must be a whole number"
                        + " from 1 to 1000000 (was \"many\")");
    }

    @Test
    void dataDirThatIsAFile_isNamed() {
        assertThat(error(MINIMAL + "storage:\n  data_dir: ca.pem\n", Map.of()))
                .isEqualTo("storage.data_dir: " + dir.resolve("ca.pem") + " exists and is not a directory");
    }

    @Test
    void badYaml_givesTheLine() {
        assertThat(error("tls:\n  certificate: [unclosed\n", Map.of()))
                .startsWith(dir.resolve("keyhold.yaml") + ": not valid YAML at line ");
    }

    @Test
    void missingConfigFile_isNamed() {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("absent.yaml"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("absent.yaml") + ": configuration file does not exist");
    }

    @Test
    void topLevelNotAMapping_isReported() {
        assertThat(error("- a\n- b\n", Map.of())).endsWith("the top level must be a mapping of sections"
                + " (kmip, http, tls, storage, limits, logging, crypto, master_key, access, audit)");
    }

    @Test
    void exampleFile_loadsWithTheDefaults() throws Exception {
        Path example = Path.of("..", "keyhold.example.yaml");
        ServerConfig c = ConfigLoader.load(example, Map.of(
                "KEYHOLD_TLS_CERTIFICATE", dir.resolve("server.pem").toString(),
                "KEYHOLD_TLS_PRIVATE_KEY", dir.resolve("server.key").toString(),
                "KEYHOLD_TLS_TRUSTED_CAS", dir.resolve("ca.pem").toString(),
                "KEYHOLD_MASTER_KEY_KEYSTORE", dir.resolve("master.p12").toString(),
                "KEYHOLD_MASTER_PASSPHRASE", "example"));
        ServerConfig defaults = load(MINIMAL, Map.of());

        assertThat(c.kmip()).isEqualTo(defaults.kmip());
        assertThat(c.http()).isEqualTo(defaults.http());
        assertThat(c.tls().protocols()).isEqualTo(defaults.tls().protocols());
        assertThat(c.tls().profile()).isEqualTo(defaults.tls().profile());
        assertThat(c.tls().crls()).isEqualTo(defaults.tls().crls());
        assertThat(c.tls().reloadInterval()).isEqualTo(defaults.tls().reloadInterval());
        assertThat(c.tls().requireClientAuthUsage()).isEqualTo(defaults.tls().requireClientAuthUsage());
        assertThat(c.tls().clientIdentity()).isEqualTo(defaults.tls().clientIdentity());
        assertThat(c.tls().sessionTimeout()).isEqualTo(defaults.tls().sessionTimeout());
        assertThat(c.limits()).isEqualTo(defaults.limits());
        assertThat(c.logging()).isEqualTo(defaults.logging());
        assertThat(c.crypto()).isEqualTo(defaults.crypto());
        String text = Files.readString(example);
        for (String setting : ConfigLoader.SETTINGS) {
            assertThat(text).as(setting).containsPattern("(?m)^ *#? *" + setting.substring(setting.lastIndexOf('.') + 1) + ":");
        }
    }

    @Test
    void http_defaults_onPort8443_onTheKmipHost_metricsAuthenticated() throws Exception {
        ServerConfig c = load(MINIMAL + "kmip:\n  host: 127.0.0.1\n", Map.of());
        assertThat(c.http()).isEqualTo(new ServerConfig.Http(true, "127.0.0.1", 8443, false));
    }

    @Test
    void http_section_isRead_andCanBeTurnedOff() throws Exception {
        ServerConfig c = load(MINIMAL + "http:\n  host: ::1\n  port: 9443\n  open_metrics: true\n",
                Map.of("KEYHOLD_HTTP_ENABLED", "false"));
        assertThat(c.http()).isEqualTo(new ServerConfig.Http(false, "::1", 9443, true));
        assertThat(error(MINIMAL + "http:\n  port: 70000\n", Map.of()))
                .isEqualTo("http.port: must be a whole number from 0 to 65535 (was \"70000\")");
    }

    @Test
    void reprovision_defaults_noCa_andTheSectionIsRead() throws Exception {
        ServerConfig.ReProvision none = load(MINIMAL, Map.of()).reProvision();
        assertThat(none.issues()).isFalse();
        assertThat(none.certificateValidity()).isEqualTo(Duration.ofDays(365));
        assertThat(none.retrievalWindow()).isEqualTo(Duration.ofHours(1));

        ServerConfig.ReProvision r = load(MINIMAL + "reprovision:\n  ca_certificate: ca.pem\n  ca_private_key: server.key\n"
                + "  ca_private_key_password: pw\n  certificate_validity: 720h\n  retrieval_window: 0\n", Map.of())
                .reProvision();
        assertThat(r.caCertificate()).isEqualTo(dir.resolve("ca.pem"));
        assertThat(r.caPrivateKey()).isEqualTo(dir.resolve("server.key"));
        assertThat(r.caPrivateKeyPassword()).isEqualTo("pw");
        assertThat(r.certificateValidity()).isEqualTo(Duration.ofDays(30));
        assertThat(r.retrievalWindow()).isZero();
        assertThat(r.toString()).doesNotContain("pw");
        assertThat(load(MINIMAL, Map.of("KEYHOLD_REPROVISION_RETRIEVAL_WINDOW", "10m")).reProvision().retrievalWindow())
                .isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void reprovision_refusesHalfACaAndValuesOutOfRange() {
        assertThat(error(MINIMAL + "reprovision:\n  ca_certificate: ca.pem\n", Map.of()))
                .isEqualTo("reprovision.ca_private_key: is required with reprovision.ca_certificate");
        assertThat(error(MINIMAL + "reprovision:\n  ca_private_key: server.key\n", Map.of()))
                .isEqualTo("reprovision.ca_certificate: is required with reprovision.ca_private_key");
        assertThat(error(MINIMAL + "reprovision:\n  ca_certificate: missing.pem\n  ca_private_key: server.key\n", Map.of()))
                .startsWith("reprovision.ca_certificate: file ").endsWith("does not exist");
        assertThat(error(MINIMAL + "reprovision:\n  certificate_validity: 10m\n", Map.of()))
                .startsWith("reprovision.certificate_validity: must be from 1h");
        assertThat(error(MINIMAL + "reprovision:\n  retrieval_window: 25h\n", Map.of()))
                .startsWith("reprovision.retrieval_window: must be at most 24h");
    }

    @Test
    void documentation_listsEverySettingWithItsVariable() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
        for (String setting : ConfigLoader.SETTINGS) {
            assertThat(doc).as(setting).contains("| `" + setting + "` |", "`" + ConfigLoader.environmentVariable(setting) + "`");
        }
    }

    @Test
    void access_defaults_noAdministratorsNoGroupsCredentialsDisabled() throws Exception {
        ServerConfig.Access a = load(MINIMAL, Map.of()).access();
        assertThat(a.administrators()).isEmpty();
        assertThat(a.groups()).isEmpty();
        assertThat(a.passwordCredentials()).isEqualTo(ServerConfig.PasswordCredentials.DISABLED);
    }

    @Test
    void access_section_isRead() throws Exception {
        ServerConfig.Access a = load(MINIMAL + """
                access:
                  administrators: [root, "O=Example,CN=admin"]
                  groups:
                    ops: [alice, bob]
                    dba: carol
                  password_credentials: Required
                """, Map.of()).access();
        assertThat(a.administrators()).containsExactly("root", "O=Example,CN=admin");
        assertThat(a.groups()).containsExactly(Map.entry("ops", List.of("alice", "bob")), Map.entry("dba", List.of("carol")));
        assertThat(a.passwordCredentials()).isEqualTo(ServerConfig.PasswordCredentials.REQUIRED);
    }

    @Test
    void access_environment_overridesGroupsAndCredentials() throws Exception {
        ServerConfig.Access a = load(MINIMAL + "access:\n  groups:\n    old: [x]\n", Map.of(
                "KEYHOLD_ACCESS_GROUPS", "ops=alice|O=Example,CN=bob; dba=carol",
                "KEYHOLD_ACCESS_PASSWORD_CREDENTIALS", "accepted")).access();
        assertThat(a.groups()).containsExactly(Map.entry("ops", List.of("alice", "O=Example,CN=bob")),
                Map.entry("dba", List.of("carol")));
        assertThat(a.passwordCredentials()).isEqualTo(ServerConfig.PasswordCredentials.ACCEPTED);
    }

    @Test
    void access_ticketMaxLease_defaultFileAndEnvironment() throws Exception {
        assertThat(load(MINIMAL, Map.of()).access().ticketMaxLease()).isEqualTo(java.time.Duration.ofHours(8));
        assertThat(load(MINIMAL + "access:\n  ticket_max_lease: 30m\n", Map.of()).access().ticketMaxLease())
                .isEqualTo(java.time.Duration.ofMinutes(30));
        assertThat(load(MINIMAL, Map.of("KEYHOLD_ACCESS_TICKET_MAX_LEASE", "2h")).access().ticketMaxLease())
                .isEqualTo(java.time.Duration.ofHours(2));
        assertThat(error(MINIMAL + "access:\n  ticket_max_lease: 500ms\n", Map.of()))
                .isEqualTo("access.ticket_max_lease: must be from 1s to 720h (was \"500ms\")");
        assertThat(error(MINIMAL + "access:\n  ticket_max_lease: 721h\n", Map.of()))
                .isEqualTo("access.ticket_max_lease: must be from 1s to 720h (was \"721h\")");
    }

    @Test
    void access_badValues_areNamed() {
        assertThat(error(MINIMAL + "access:\n  password_credentials: sometimes\n", Map.of()))
                .isEqualTo("access.password_credentials: must be one of disabled, accepted, required (was \"sometimes\")");
        assertThat(error(MINIMAL + "access:\n  groups: [a, b]\n", Map.of()))
                .isEqualTo("access.groups: must be a mapping of group name to a list of identities");
        assertThat(error(MINIMAL + "access:\n  groups:\n    ops: [alice, \"\"]\n", Map.of()))
                .isEqualTo("access.groups: group ops names an empty identity");
        assertThat(error(MINIMAL, Map.of("KEYHOLD_ACCESS_GROUPS", "ops")))
                .isEqualTo("access.groups (from KEYHOLD_ACCESS_GROUPS): \"ops\" must be name=member|member");
    }

    @Test
    void clientIdentity_sanModes() throws Exception {
        for (String mode : List.of("san_email", "san_dns", "san_uri")) {
            assertThat(load(MINIMAL, Map.of("KEYHOLD_TLS_CLIENT_IDENTITY", mode)).tls().clientIdentity().name())
                    .isEqualTo(mode.toUpperCase(java.util.Locale.ROOT));
        }
    }

    @Test
    void host_acceptsAddressesAndNames_refusesBrokenLiterals() throws Exception {
        assertThat(load(MINIMAL + "kmip:\n  host: \"::1\"\n", Map.of()).kmip().host()).isEqualTo("::1");
        assertThat(load(MINIMAL + "kmip:\n  host: kms.example.com\n", Map.of()).kmip().host()).isEqualTo("kms.example.com");
        assertThat(error(MINIMAL + "kmip:\n  host: 10.0.1\n", Map.of())).isEqualTo("kmip.host: \"10.0.1\" is not a valid address");
        assertThat(error(MINIMAL + "kmip:\n  host: \"1:::2:::3\"\n", Map.of())).startsWith("kmip.host: ");
    }
}
