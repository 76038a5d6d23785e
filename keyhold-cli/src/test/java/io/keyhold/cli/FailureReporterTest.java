package io.keyhold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.ttlv.CodecException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class FailureReporterTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final CommandLine ttlv = KeyholdCommand.commandLine(new ByteArrayInputStream(new byte[0]),
            new ByteArrayOutputStream(), err).getSubcommands().get("ttlv");

    private String report(Exception e) {
        int exit = new FailureReporter().handleExecutionException(e, ttlv, null);
        assertThat(exit).isEqualTo(1);
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void codecException_printsItsMessageOnOneLine() {
        assertThat(report(new CodecException("item 0x420020 at offset 8:\nlength 4 exceeds remaining 0", 8)))
                .isEqualTo("keyhold ttlv: item 0x420020 at offset 8: length 4 exceeds remaining 0" + System.lineSeparator());
    }

    @Test
    void missingFile_namesTheFile() {
        assertThat(report(new NoSuchFileException("/no/such.ttlv"))).startsWith("keyhold ttlv: no such file: /no/such.ttlv");
    }

    @Test
    void unexpectedException_printsAGenericLineWithoutItsMessage() {
        String line = report(new IllegalStateException("internal detail"));

        assertThat(line).isEqualTo("keyhold ttlv: internal error (IllegalStateException); please report it"
                + System.lineSeparator());
    }
}
