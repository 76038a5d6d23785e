package io.keyhold.server.ops;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ResultReason;
import java.util.Set;

/**
 * Who may set, change and delete each attribute, and how many instances it may have (the rules tables of
 * KMIP 1.4 section 3 and 2.1 section 4).
 */
public final class AttributeRules {
    /** Attributes only the server sets: a client may neither supply nor change them. */
    private static final Set<String> SERVER_ONLY = Set.of(
            "Unique Identifier", "Object Type", "State", "Initial Date", "Last Change Date", "Digest", "Fresh",
            "Original Creation Date", "Certificate Type", "Certificate Length", "Certificate Identifier",
            "Certificate Subject", "Certificate Issuer", "X.509 Certificate Identifier", "X.509 Certificate Subject",
            "X.509 Certificate Issuer", "Digital Signature Algorithm", "Lease Time", "Destroy Date", "Archive Date",
            "Compromise Date", "Compromise Occurrence Date", "Revocation Reason", "Key Value Present",
            "Key Value Location", "Short Unique Identifier", "Random Number Generator");

    private AttributeRules() {}

    /** True when only the server sets the attribute. */
    public static boolean isServerOnly(String name) {
        return SERVER_ONLY.contains(name);
    }

    /**
     * Checks an attribute a client supplies when it creates or registers an object.
     *
     * @throws KmipException when the client may not set it
     */
    public static void checkClientSupplied(KmipAttribute attribute, int objectType, KmipVersion version)
            throws KmipException {
        if (isServerOnly(attribute.name())) {
            throw new KmipException(version.compareTo(KmipVersion.V2_0) >= 0 ? ResultReason.ATTRIBUTE_READ_ONLY
                    : ResultReason.PERMISSION_DENIED, "attribute " + attribute.name() + " is set by the server");
        }
        if (AttributeMapping.isCustomName(attribute.name()) && attribute.name().startsWith("y-")) {
            throw new KmipException(ResultReason.PERMISSION_DENIED, "y- attributes are set by the server");
        }
    }
}
