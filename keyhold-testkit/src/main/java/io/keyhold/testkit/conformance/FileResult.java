package io.keyhold.testkit.conformance;

import io.keyhold.protocol.spec.KmipVersion;
import java.util.Optional;

/**
 * The outcome of replaying one vector file.
 *
 * @param name       the file, as reports name it
 * @param version    the protocol version its requests use
 * @param profile    the profile or test-case family ("SKFF", "CS-BC")
 * @param steps      how many request/response steps the file has
 * @param difference the first difference, absent when every response matched
 */
public record FileResult(String name, KmipVersion version, String profile, int steps, Optional<Difference> difference) {
    public boolean passed() {
        return difference.isEmpty();
    }

    /** "PASS name" or "FAIL name: path: expected X, got Y", one line. */
    public String line() {
        return difference.map(d -> "FAIL " + name + ": " + d).orElse("PASS " + name).replaceAll("\\R+", " ");
    }
}
