package io.keyhold.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The scanner finds a secret in each spelling a leak takes, inside longer text, and nothing in clean text. */
class SecretScannerTest {
    private final byte[] key = new byte[32];
    private final SecretScanner scanner;

    SecretScannerTest() {
        new Random(42).nextBytes(key);
        scanner = new SecretScanner().add("key", key).add("password", "s3cret-pass-phrase");
    }

    @Test
    void scan_everySpelling_isFound() {
        byte[] around = new byte[64];
        for (int shift = 0; shift < 3; shift++) {
            System.arraycopy(key, 0, around, 7 + shift, key.length);
            assertThat(scanner.scan("b64", "x " + Base64.getEncoder().encodeToString(around) + " y")).as("shift " + shift)
                    .anyMatch(f -> f.startsWith("key found in b64"));
            assertThat(scanner.scan("url", Base64.getUrlEncoder().encodeToString(around))).anyMatch(f -> f.startsWith("key"));
        }
        assertThat(scanner.scan("hex", "material=" + HexFormat.of().formatHex(key))).hasSize(1);
        assertThat(scanner.scan("HEX", HexFormat.of().withUpperCase().formatHex(key))).hasSize(1);
        assertThat(scanner.scan("raw", new String(key, StandardCharsets.ISO_8859_1))).hasSize(1);
        assertThat(scanner.scan("array", "bytes " + Arrays.toString(key))).hasSize(1);
        assertThat(scanner.scan("part", HexFormat.of().formatHex(Arrays.copyOfRange(key, 10, 22)))).hasSize(1);
        assertThat(scanner.scan("text", "login with s3cret-pass-phrase")).containsExactly(
                "password found in text: ...login with s3cret-pass-phrase...");
    }

    @Test
    void scan_stackTraceFrame_isFound() {
        assertThat(scanner.scan("log", "java.lang.IllegalStateException: x\n\tat io.keyhold.Foo.bar(Foo.java:1)\n"))
                .singleElement().asString().startsWith("stack trace frame in log");
    }

    @Test
    void scan_cleanText_findsNothing() {
        assertThat(scanner.scan("log", "DEBUG Get from client1 (127.0.0.1:4000): Success, key of 32 bytes")).isEmpty();
        assertThat(scanner.scan("log", HexFormat.of().formatHex(key, 0, 8))).as("8 bytes are too few to count").isEmpty();
    }
}
