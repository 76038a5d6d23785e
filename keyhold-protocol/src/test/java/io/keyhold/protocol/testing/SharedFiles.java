package io.keyhold.protocol.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared conformance material (OASIS vectors and spec tables) beside the checkout, located by the
 * system property {@code keyhold.shared.dir} that surefire sets. A missing directory fails the test: the
 * material is part of the build, not optional.
 */
public final class SharedFiles {
    public static final String PROPERTY = "keyhold.shared.dir";

    private SharedFiles() {}

    /** The shared directory itself. */
    public static Path root() {
        String dir = System.getProperty(PROPERTY);
        if (dir == null || dir.isBlank()) {
            throw new IllegalStateException("system property " + PROPERTY + " is not set (surefire sets it; "
                    + "when running from an IDE add -D" + PROPERTY + "=/path/to/shared)");
        }
        Path root = Path.of(dir).toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("conformance"))) {
            throw new IllegalStateException(PROPERTY + "=" + dir + " has no conformance/ directory");
        }
        return root;
    }

    /** A path under {@code conformance/}, which must exist. */
    public static Path conformance(String relative) {
        Path p = root().resolve("conformance").resolve(relative);
        if (!Files.exists(p)) {
            throw new IllegalStateException("shared file " + p + " is missing");
        }
        return p;
    }

    /** The text of a file under {@code conformance/}. */
    public static String read(String relative) {
        try {
            return Files.readString(conformance(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
