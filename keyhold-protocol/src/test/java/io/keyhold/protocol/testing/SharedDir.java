package io.keyhold.protocol.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared conformance material, from the system property {@code keyhold.shared.dir} (set by surefire),
 * else {@code /work/shared}. Fails loudly when absent: a vector test that silently finds nothing proves
 * nothing.
 */
public final class SharedDir {
    public static final String PROPERTY = "keyhold.shared.dir";

    private SharedDir() {}

    public static Path root() {
        String configured = System.getProperty(PROPERTY);
        Path dir = Path.of(configured == null || configured.isBlank() ? "/work/shared" : configured);
        if (!Files.isDirectory(dir.resolve("conformance"))) {
            throw new IllegalStateException("shared directory " + dir.toAbsolutePath() + " has no conformance/ folder;"
                    + " set -D" + PROPERTY + " to the checkout's shared directory");
        }
        return dir;
    }

    /** {@code conformance/vectors}. */
    public static Path vectors() {
        return root().resolve("conformance").resolve("vectors");
    }
}
