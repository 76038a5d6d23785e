package io.keyhold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyholdCommandTest {
    @Test
    void version_printsKeyholdAndTheProjectVersion() {
        CliRun r = CliRun.run("", "--version");

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).matches("keyhold \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R");
        assertThat(r.stderr()).isEmpty();
    }

    @Test
    void help_listsTheSubcommands() {
        CliRun r = CliRun.run("", "--help");

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).contains("Usage: keyhold").containsPattern("(?m)^\\s+ttlv\\s+Converts");
    }

    @Test
    void helpSubcommand_ttlv_describesTheFormats() {
        CliRun r = CliRun.run("", "help", "ttlv");

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).contains("--from=FORMAT", "ttlv, hex, xml, json");
    }

    @Test
    void noSubcommand_isAUsageError() {
        CliRun r = CliRun.run("");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("Missing required subcommand", "Usage: keyhold");
        assertThat(r.stdout()).isEmpty();
    }

    @Test
    void unknownSubcommand_isAUsageError() {
        CliRun r = CliRun.run("", "frobnicate");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("frobnicate");
    }
}
