package io.keyhold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConformanceCommandTest {
    @Test
    void conformance_serverWithoutPort_isAUsageError(@TempDir Path tmp) {
        CliRun r = CliRun.run("", "conformance", "--vectors", tmp.toString(), "--server", "localhost", "--certs", tmp.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("Invalid value for option '--server': 'localhost' (expected: HOST:PORT)");
    }

    @Test
    void conformance_unknownEncoding_isAUsageError(@TempDir Path tmp) {
        CliRun r = CliRun.run("", "conformance", "--vectors", tmp.toString(), "--server", "127.0.0.1:5696", "--certs",
                tmp.toString(), "--encoding", "cbor");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("'--encoding': 'cbor' (expected: ttlv, json or xml)");
    }

    @Test
    void conformance_badVersionFilter_isAUsageError(@TempDir Path tmp) {
        CliRun r = CliRun.run("", "conformance", "--vectors", tmp.toString(), "--server", "127.0.0.1:5696", "--certs",
                tmp.toString(), "--version-filter", "one");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("'--version-filter': 'one'");
    }

    @Test
    void conformance_missingCertificates_isOneLineAndExit1(@TempDir Path tmp) {
        CliRun r = CliRun.run("", "conformance", "--vectors", tmp.toString(), "--server", "127.0.0.1:5696", "--certs",
                tmp.resolve("none").toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr().lines()).hasSize(1);
        assertThat(r.stderr()).startsWith("keyhold conformance: ").contains("client.p12");
    }
}
