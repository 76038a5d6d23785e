package io.keyhold.server.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.handler.ssl.OpenSsl;
import java.util.List;
import java.util.Locale;

/** For the tests of {@code tls.provider: openssl}. */
public final class BoringSsl {
    private BoringSsl() {
    }

    /**
     * Keyhold ships BoringSSL for Linux x86-64: there it must load (a test that needs it fails otherwise);
     * elsewhere such a test cannot run and is skipped.
     */
    public static void requireWhereShipped() {
        boolean shipped = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
                && List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
        if (shipped) {
            assertThat(OpenSsl.isAvailable()).as("BoringSSL loads: %s", OpenSsl.unavailabilityCause()).isTrue();
        }
        assumeTrue(OpenSsl.isAvailable(), "no BoringSSL for this platform");
    }
}
