package io.keyhold.server.store;

import java.util.Objects;

/**
 * A server-side rotation policy: the Active, latest objects that match its filter are rotated (Re-key, Re-key
 * Key Pair, or a new Secret Data) once {@code intervalSeconds} have passed since their last rotation or once
 * they have been used {@code maxUses} times, whichever comes first, and, with a grace period, the replaced
 * object is revoked (Superseded) that long after its replacement was made. An object matches when every
 * filter field that is set equals the object's attribute; at least one filter field is set, and at least one
 * of the interval and the usage limit.
 *
 * @param name                   the policy's name, unique, chosen by the administrator
 * @param objectGroup            Object Group the object must have, or null
 * @param objectType             Object Type (enumeration value) the object must have, or null
 * @param cryptographicAlgorithm Cryptographic Algorithm (enumeration value) the object must have, or null
 * @param intervalSeconds        time between rotations, at least one second, or null: no time limit
 * @param graceSeconds           time after a rotation when the replaced object is revoked, or null: never
 * @param createdAt              when the policy was added (POSIX seconds)
 * @param maxUses                how many uses (cryptographic operations with the object as the key) an object
 *                               may have before it is rotated, at least one, or null: no usage limit
 */
public record RotationPolicy(String name, String objectGroup, Integer objectType, Integer cryptographicAlgorithm,
                             Long intervalSeconds, Long graceSeconds, long createdAt, Long maxUses) {
    /** A policy by time only. */
    public RotationPolicy(String name, String objectGroup, Integer objectType, Integer cryptographicAlgorithm,
                          long intervalSeconds, Long graceSeconds, long createdAt) {
        this(name, objectGroup, objectType, cryptographicAlgorithm, Long.valueOf(intervalSeconds), graceSeconds,
                createdAt, null);
    }

    public RotationPolicy {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a rotation policy needs a name");
        }
        if (objectGroup == null && objectType == null && cryptographicAlgorithm == null) {
            throw new IllegalArgumentException("rotation policy " + name
                    + " has no filter: give an Object Group, an Object Type or a Cryptographic Algorithm");
        }
        if (intervalSeconds == null && maxUses == null) {
            throw new IllegalArgumentException("rotation policy " + name
                    + " has no limit: give an interval, a number of uses or both");
        }
        if (intervalSeconds != null && intervalSeconds < 1) {
            throw new IllegalArgumentException("rotation policy " + name + ": interval " + intervalSeconds
                    + " s (expected: at least 1 s)");
        }
        if (graceSeconds != null && graceSeconds < 0) {
            throw new IllegalArgumentException("rotation policy " + name + ": grace " + graceSeconds
                    + " s (expected: 0 or more)");
        }
        if (maxUses != null && maxUses < 1) {
            throw new IllegalArgumentException("rotation policy " + name + ": max uses " + maxUses
                    + " (expected: at least 1)");
        }
    }
}
