package io.keyhold.server.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

class FailuresTest {
    private static void fail() {
        throw new IllegalStateException("store is closed", new UncheckedIOException(new java.io.IOException("disk")));
    }

    @Test
    void oneLineWithTypeMessageAndKeyholdFrameButNoStackTrace() {
        try {
            fail();
        } catch (IllegalStateException e) {
            String line = Failures.describe(e);
            assertThat(line).startsWith("java.lang.IllegalStateException: store is closed (at io.keyhold.server.dispatch.FailuresTest.fail:")
                    .endsWith("; caused by java.io.UncheckedIOException")
                    .doesNotContain("\n").doesNotContain("disk");
        }
    }
}
