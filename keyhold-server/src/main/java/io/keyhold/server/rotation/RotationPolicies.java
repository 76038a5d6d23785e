package io.keyhold.server.rotation;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.auth.Actor;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.RotationPolicy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Adds and removes rotation policies as {@code keyhold rotation policy} and {@code /v1/rotation-policies} do:
 * each change in one transaction with its audit record ("Add Rotation Policy", "Remove Rotation Policy"),
 * attributed to the actor.
 */
public final class RotationPolicies {
    private RotationPolicies() {
    }

    /** Stores the policy; Object Already Exists when one has its name. */
    public static void add(ObjectStore store, Actor actor, Clock clock, RotationPolicy policy) throws KmipException {
        store.write(tx -> {
            if (!tx.insertRotationPolicy(policy)) {
                throw new KmipException(ResultReason.OBJECT_ALREADY_EXISTS, "a rotation policy named " + policy.name()
                        + " exists: remove it first");
            }
            tx.appendAudit(AuditEvent.change(clock.instant(), actor.describe(), actor.source(), "Add Rotation Policy",
                    List.of(), "added rotation policy " + describe(policy)));
            return null;
        });
    }

    /** Removes the policy; Item Not Found when none has that name. */
    public static void remove(ObjectStore store, Actor actor, Clock clock, String name) throws KmipException {
        store.write(tx -> {
            if (!tx.deleteRotationPolicy(name)) {
                throw new KmipException(ResultReason.ITEM_NOT_FOUND, "no rotation policy is named " + name);
            }
            tx.appendAudit(AuditEvent.change(clock.instant(), actor.describe(), actor.source(),
                    "Remove Rotation Policy", List.of(), "removed rotation policy " + name));
            return null;
        });
    }

    /** Whether a policy may name this Object Type: the types scheduled rotation replaces. */
    public static boolean rotatedType(int objectType) {
        return RotationSchedule.ROTATED_TYPES.contains(objectType);
    }

    /**
     * "payments: Object Group payments, every 90d, revoke replaced keys after 7d"; with a usage limit
     * "every 90d or after 1000000 uses" or "after 1000000 uses".
     */
    public static String describe(RotationPolicy p) {
        List<String> filter = new ArrayList<>();
        if (p.objectGroup() != null) {
            filter.add("Object Group " + p.objectGroup());
        }
        if (p.objectType() != null) {
            filter.add("Object Type " + ObjectType.fromValue(p.objectType()).map(ObjectType::specName)
                    .orElse(String.valueOf(p.objectType())));
        }
        if (p.cryptographicAlgorithm() != null) {
            filter.add("Cryptographic Algorithm " + CryptographicAlgorithm.fromValue(p.cryptographicAlgorithm())
                    .map(CryptographicAlgorithm::specName).orElse(String.valueOf(p.cryptographicAlgorithm())));
        }
        String limits = p.intervalSeconds() == null ? "after " + p.maxUses() + " uses"
                : "every " + duration(p.intervalSeconds()) + (p.maxUses() == null ? "" : " or after " + p.maxUses() + " uses");
        return p.name() + ": " + String.join(", ", filter) + ", " + limits
                + (p.graceSeconds() == null ? ", replaced keys stay Active" : ", revoke replaced keys after "
                + duration(p.graceSeconds()));
    }

    /** Seconds as the largest whole unit: 7776000 is "90d", 5400 is "90m". */
    public static String duration(long seconds) {
        if (seconds % 86_400 == 0) {
            return seconds / 86_400 + "d";
        }
        if (seconds % 3_600 == 0) {
            return seconds / 3_600 + "h";
        }
        return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    }
}
