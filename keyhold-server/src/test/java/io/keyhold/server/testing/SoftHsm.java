package io.keyhold.server.testing;

import static org.junit.jupiter.api.Assertions.fail;

import io.keyhold.server.config.ServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * SoftHSM2 tokens for the PKCS#11 tests. The JVM must start with SOFTHSM2_CONF naming a file under the
 * build directory (the pom sets it); the first call writes that file, and creates the tokens with
 * softhsm2-util before any test loads the library, because SoftHSM reads its configuration and tokens when
 * the library initialises. Without softhsm2 the tests are skipped with the reason, unless
 * KEYHOLD_REQUIRE_SOFTHSM=1 (as in CI), where they fail.
 */
public final class SoftHsm {
    public static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    public static final String PIN = "1234-keyhold";
    public static final String SO_PIN = "5678-keyhold";

    /** A token: its label and the slot id SoftHSM gave it. */
    public record Token(String label, long slot) {
        /** Master key settings for this token, the PIN read from variable {@link #PIN_VARIABLE}. */
        public ServerConfig.MasterKeyStore settings(String keyLabel) {
            return ServerConfig.MasterKeyStore.token(
                    new ServerConfig.Pkcs11(LIBRARY, slot, 0, PIN_VARIABLE, null), keyLabel);
        }
    }

    /** The environment variable the settings of {@link Token#settings} read the PIN from. */
    public static final String PIN_VARIABLE = "KEYHOLD_TEST_TOKEN_PIN";

    private static final List<String> LABELS = List.of("keyhold-main", "keyhold-pin");
    private static Map<String, Token> tokens;

    private SoftHsm() {}

    /** The environment holding the PIN for {@link Token#settings}. */
    public static Map<String, String> environment() {
        return Map.of(PIN_VARIABLE, PIN);
    }

    /** The token most tests share; keys in it are told apart by their labels. */
    public static Token main() {
        return tokens().get("keyhold-main");
    }

    /** A token nobody logs in to with the right PIN (the login state of a token is per process). */
    public static Token forWrongPin() {
        return tokens().get("keyhold-pin");
    }

    private static synchronized Map<String, Token> tokens() {
        if (tokens != null) {
            return tokens;
        }
        String conf = System.getenv("SOFTHSM2_CONF");
        if (!Files.isRegularFile(LIBRARY) || !onPath("softhsm2-util")) {
            unavailable("softhsm2 is not installed (" + LIBRARY + " and softhsm2-util; Debian package softhsm2)");
        }
        if (conf == null || !conf.contains("softhsm")) {
            unavailable("SOFTHSM2_CONF is not set for this JVM (the keyhold-server pom sets it for surefire)");
        }
        try {
            Path confFile = Path.of(conf);
            Path tokenDir = confFile.resolveSibling("tokens");
            if (Files.exists(tokenDir)) {
                try (var walk = Files.walk(tokenDir)) {
                    walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            Files.createDirectories(tokenDir);
            Files.writeString(confFile, "directories.tokendir = " + tokenDir + "\nobjectstore.backend = file\n"
                    + "log.level = ERROR\nslots.removable = false\n", StandardCharsets.UTF_8);
            Map<String, Token> made = new HashMap<>();
            for (String label : LABELS) {
                made.put(label, new Token(label, initToken(label, conf)));
            }
            tokens = made;
            return tokens;
        } catch (IOException | InterruptedException e) {
            fail("softhsm2 token set-up failed: " + e);
            throw new AssertionError(e);
        }
    }

    private static long initToken(String label, String conf) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", label,
                "--pin", PIN, "--so-pin", SO_PIN).redirectErrorStream(true);
        pb.environment().put("SOFTHSM2_CONF", conf);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail("softhsm2-util --init-token failed: " + output.strip());
        }
        Matcher m = Pattern.compile("slot (\\d+)").matcher(output);
        if (!m.find()) {
            fail("softhsm2-util did not say which slot it used: " + output.strip());
        }
        return Long.parseLong(m.group(1));
    }

    private static void unavailable(String reason) {
        if ("1".equals(System.getenv("KEYHOLD_REQUIRE_SOFTHSM"))) {
            fail(reason + ", and KEYHOLD_REQUIRE_SOFTHSM=1");
        }
        Assumptions.abort(reason);
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
