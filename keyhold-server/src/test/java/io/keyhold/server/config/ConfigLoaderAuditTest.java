package io.keyhold.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit section of the configuration. */
class ConfigLoaderAuditTest {
    @TempDir
    Path dir;

    private static final String MINIMAL = """
            tls:
              certificate: server.pem
              private_key: server.key
              trusted_cas: [ca.pem]
            master_key:
              keystore: master.p12
              passphrase_file: master.pass
            """;

    @BeforeEach
    void files() throws Exception {
        for (String f : List.of("server.pem", "server.key", "ca.pem", "master.p12", "master.pass")) {
            Files.writeString(dir.resolve(f), "placeholder\n");
        }
    }

    private ServerConfig.Audit audit(String section, Map<String, String> env) throws Exception {
        Path file = Files.writeString(dir.resolve("keyhold.yaml"), MINIMAL + section);
        return ConfigLoader.load(file, env).audit();
    }

    private String error(String section) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> audit(section, Map.of()));
        assertThat(t).isInstanceOf(ConfigException.class);
        return t.getMessage();
    }

    @Test
    void absent_defaults_noSyslog() throws Exception {
        ServerConfig.Audit a = audit("", Map.of());
        assertThat(a).isEqualTo(ServerConfig.Audit.defaults());
        assertThat(a.durableReads()).isFalse();
        assertThat(a.maxQueuedRecords()).isEqualTo(10_000);
        assertThat(a.syslog()).isNull();
    }

    @Test
    void everySetting_isRead() throws Exception {
        ServerConfig.Audit a = audit("""
                audit:
                  durable_reads: true
                  max_queued_records: 500
                  syslog:
                    address: "[::1]:6514"
                    protocol: TCP
                    facility: local3
                    app_name: kms-prod
                    queue_size: 64
                """, Map.of());
        assertThat(a).isEqualTo(new ServerConfig.Audit(true, 500, new ServerConfig.Syslog("::1", 6514,
                ServerConfig.SyslogProtocol.TCP, 19, "kms-prod", 64)));
    }

    @Test
    void environment_overrides_andSyslogDefaults() throws Exception {
        ServerConfig.Audit a = audit("", Map.of("KEYHOLD_AUDIT_SYSLOG_ADDRESS", "logs.example.net:514",
                "KEYHOLD_AUDIT_DURABLE_READS", "yes", "KEYHOLD_AUDIT_SYSLOG_FACILITY", "4"));
        assertThat(a.durableReads()).isTrue();
        assertThat(a.syslog()).isEqualTo(new ServerConfig.Syslog("logs.example.net", 514, ServerConfig.SyslogProtocol.UDP,
                4, "keyhold", 10_000));
    }

    @Test
    void badValues_nameTheSetting() {
        assertThat(error("audit:\n  syslog:\n    address: logs.example.net\n")).contains("audit.syslog.address", "host:port");
        assertThat(error("audit:\n  syslog:\n    address: \"h:70000\"\n")).contains("audit.syslog.address");
        assertThat(error("audit:\n  syslog:\n    address: \"h:514\"\n    protocol: tls\n"))
                .contains("audit.syslog.protocol", "udp, tcp");
        assertThat(error("audit:\n  syslog:\n    address: \"h:514\"\n    facility: local9\n"))
                .contains("audit.syslog.facility", "local9");
        assertThat(error("audit:\n  syslog:\n    address: \"h:514\"\n    app_name: \"two words\"\n"))
                .contains("audit.syslog.app_name");
        assertThat(error("audit:\n  syslog:\n    protocol: tcp\n")).contains("audit.syslog.protocol", "audit.syslog.address");
        assertThat(error("audit:\n  max_queued_records: 0\n")).contains("audit.max_queued_records");
        assertThat(error("audit:\n  durable_reads: sometimes\n")).contains("audit.durable_reads");
    }
}
