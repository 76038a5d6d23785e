package io.keyhold.server.store;

import java.util.Objects;

/**
 * One stored permission: the grantee may run one operation (or every operation) on one object or on every
 * object of an Object Group. A grant that names several operations is stored as one row per operation, so
 * that granting and revoking single operations needs no read-modify-write.
 *
 * @param targetKind  whether {@code target} is a Unique Identifier or an Object Group name
 * @param target      the Unique Identifier or the Object Group
 * @param granteeKind whether {@code grantee} is an identity or an identity group of the configuration
 * @param grantee     the identity or group name
 * @param operation   a KMIP operation's specification name ("Get", "Get Attributes"), or {@link #ALL_OPERATIONS}
 */
public record Grant(TargetKind targetKind, String target, GranteeKind granteeKind, String grantee, String operation) {
    /** The operation name that stands for every operation. */
    public static final String ALL_OPERATIONS = "*";

    /** What a grant is on. */
    public enum TargetKind {
        /** One object, by Unique Identifier. */
        OBJECT,
        /** Every object whose Object Group attribute has this value. */
        OBJECT_GROUP
    }

    /** Whom a grant is to. */
    public enum GranteeKind {
        /** One identity (certificate identity or user name). */
        IDENTITY,
        /** Every member of an identity group of {@code access.groups}. */
        GROUP
    }

    public Grant {
        Objects.requireNonNull(targetKind, "targetKind");
        Objects.requireNonNull(granteeKind, "granteeKind");
        requireText(target, "target");
        requireText(grantee, "grantee");
        requireText(operation, "operation");
    }

    private static void requireText(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty");
        }
    }

    /** Whether this grant allows the operation (by specification name). */
    public boolean allows(String operationName) {
        return operation.equals(ALL_OPERATIONS) || operation.equals(operationName);
    }
}
