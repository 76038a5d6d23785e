package io.keyhold.server.store;

import java.util.Objects;

/**
 * A server-side rotation policy: the Active, latest objects that match its filter are rotated (Re-key, Re-key
 * Key Pair) once {@code intervalSeconds} have passed since their last rotation, and, with a grace period, the
 * replaced object is revoked (Superseded) that long after its replacement was made. An object matches when
 * every filter field that is set equals the object's attribute; at least one filter field is set.
 *
 * @param name                   the policy's name, unique, chosen by the administrator
 * @param objectGroup            Object Group the object must have, or null
 * @param objectType             Object Type (enumeration value) the object must have, or null
 * @param cryptographicAlgorithm Cryptographic Algorithm (enumeration value) the object must have, or null
 * @param intervalSeconds        time between rotations, at least one second
 * @param graceSeconds           time after a rotation when the replaced object is revoked, or null: never
 * @param createdAt              when the policy was added (POSIX seconds)
 */
public record RotationPolicy(String name, String objectGroup, Integer objectType, Integer cryptographicAlgorithm,
                             long intervalSeconds, Long graceSeconds, long createdAt) {
    public RotationPolicy {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a rotation policy needs a name");
        }
        if (objectGroup == null && objectType == null && cryptographicAlgorithm == null) {
            throw new IllegalArgumentException("rotation policy " + name
                    + " has no filter: give an Object Group, an Object Type or a Cryptographic Algorithm");
        }
        if (intervalSeconds < 1) {
            throw new IllegalArgumentException("rotation policy " + name + ": interval " + intervalSeconds
                    + " s (expected: at least 1 s)");
        }
        if (graceSeconds != null && graceSeconds < 0) {
            throw new IllegalArgumentException("rotation policy " + name + ": grace " + graceSeconds
                    + " s (expected: 0 or more)");
        }
    }
}
