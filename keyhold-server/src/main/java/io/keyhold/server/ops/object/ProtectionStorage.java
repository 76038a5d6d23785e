package io.keyhold.server.ops.object;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ProtectionStorageMask;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.OperationContext;
import java.util.List;
import java.util.Optional;

/**
 * Where the server keeps objects, as KMIP 2.x Protection Storage Masks say it (KMIP 2.1 section 4
 * Protection Storage Mask attribute, the Protection Storage Masks request fields of Create, Create Key Pair,
 * Register, Re-key and Re-key Key Pair).
 *
 * <p>Keyhold protects every object in software: the server process itself holds the key material, and the
 * database store encrypts each object at rest under a data key wrapped by the master key; no hardware module
 * holds object keys (a PKCS#11 module may hold the master key only). Its storage is therefore
 * {@link ProtectionStorageMask#SOFTWARE}, and every new object gets the attribute Protection Storage Mask =
 * Software (2.0 and later). A request's Protection Storage Masks list the permissible selections; each mask
 * names acceptable kinds of storage, so a mask with the Software bit can be met. When none of them can,
 * the request fails with Protection Storage Unavailable (Private or Public Protection Storage Unavailable
 * for the masks of one key of a pair).
 */
public final class ProtectionStorage {
    /** The storage the server uses for every object. */
    public static final int SERVER_STORAGE = ProtectionStorageMask.SOFTWARE.value();
    private static final String ATTRIBUTE = "Protection Storage Mask";

    private ProtectionStorage() {}

    /** The Protection Storage Mask attribute of every new object: Software. */
    public static TtlvItem mask() {
        return TtlvItem.integer(Tag.PROTECTION_STORAGE_MASK, SERVER_STORAGE);
    }

    /** Whether a requested mask allows the server's storage. */
    public static boolean allows(int mask) {
        return (mask & SERVER_STORAGE) != 0;
    }

    /**
     * Checks the request's Protection Storage Masks field {@code tag} (2.x; absent: no constraint).
     *
     * @param unavailable the Result Reason when no mask can be met
     * @throws KmipException Invalid Field for a field that holds something else than Protection Storage Mask
     *                       Integers; {@code unavailable} when none of the masks allows Software
     */
    public static void checkRequest(OperationContext context, TtlvItem payload, int tag, ResultReason unavailable)
            throws KmipException {
        if (!context.atLeast(KmipVersion.V2_0) || !payload.isStructure()) {
            return;
        }
        Optional<TtlvItem> field = Payloads.optional(payload, tag, ItemType.STRUCTURE);
        if (field.isEmpty() || field.get().children().isEmpty()) {
            return;
        }
        boolean met = false;
        for (TtlvItem m : field.get().children()) {
            if (m.tag() != Tag.PROTECTION_STORAGE_MASK || m.type() != ItemType.INTEGER) {
                throw new KmipException(ResultReason.INVALID_FIELD, "Protection Storage Masks holds only Protection Storage"
                        + " Mask Integers");
            }
            met |= allows(m.intValue());
        }
        if (!met) {
            throw new KmipException(unavailable, "no requested Protection Storage Mask allows Software, the only storage"
                    + " this server has");
        }
    }

    /**
     * The client's attributes without a Protection Storage Mask it gave (the server records the storage it
     * used instead); a mask that does not allow Software is refused.
     *
     * @throws KmipException Protection Storage Unavailable
     */
    static List<KmipAttribute> withoutRequestedMask(List<KmipAttribute> client, KmipVersion version) throws KmipException {
        boolean given = false;
        for (KmipAttribute a : client) {
            if (a.name().equals(ATTRIBUTE)) {
                given = true;
                if (a.value().type() == ItemType.INTEGER && !allows(a.value().intValue())) {
                    throw new KmipException(ResultReason.PROTECTION_STORAGE_UNAVAILABLE, "Protection Storage Mask does not"
                            + " allow Software, the only storage this server has");
                }
            }
        }
        return given ? client.stream().filter(a -> !a.name().equals(ATTRIBUTE)).toList() : client;
    }
}
