package io.keyhold.server.ops.object;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.KmipException;

/** Checks on the Result Message a failure carries. */
final class KmipExceptionMessage {
    private KmipExceptionMessage() {}

    static void assertNames(KmipException e, String... parts) {
        for (String p : parts) {
            assertThat(e.getMessage()).contains(p);
        }
    }
}
