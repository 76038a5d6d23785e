package io.keyhold.server.crypto;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.State;
import io.keyhold.server.ops.Lifecycle;
import io.keyhold.server.store.StoredObject;

/**
 * Whether a managed object may be used for a cryptographic operation: its State and its Cryptographic
 * Usage Mask. Every cryptographic handler calls this before it touches key material.
 *
 * <p>Protecting (Encrypt, Sign, MAC, wrapping, deriving, certifying) needs an Active object. Processing
 * what was protected earlier (Decrypt, Signature Verify, MAC Verify, unwrapping) is also allowed on
 * Deactivated and Compromised objects (KMIP 1.4 section 3.22, 2.1 section 4.57). The dispatcher maps the
 * 2.x Result Reasons thrown here to their 1.x equivalents for 1.x requests.
 */
public final class KeyUse {
    private KeyUse() {}

    /** What the use does to data. */
    public enum Purpose {
        /** Applies protection: needs an Active object. */
        PROTECT,
        /** Processes protected data: Active, Deactivated or Compromised. */
        PROCESS
    }

    /**
     * Checks the object's state for the purpose and that its Cryptographic Usage Mask has the bit.
     *
     * @throws KmipException Wrong Key Lifecycle State, Incompatible Cryptographic Usage Mask, or Object
     *                       Destroyed when the material is gone
     */
    public static void require(StoredObject object, Purpose purpose, CryptographicUsageMask usage) throws KmipException {
        int state = object.state();
        if (object.object() == null) {
            throw new KmipException(ResultReason.OBJECT_DESTROYED, "the object's key material has been destroyed");
        }
        boolean allowed = state == State.ACTIVE.value()
                || (purpose == Purpose.PROCESS && (state == State.DEACTIVATED.value() || state == State.COMPROMISED.value()));
        if (!allowed) {
            throw new KmipException(ResultReason.WRONG_KEY_LIFECYCLE_STATE, "the object must be "
                    + (purpose == Purpose.PROTECT ? "Active" : "Active, Deactivated or Compromised") + " for this use; "
                    + Lifecycle.describe(object));
        }
        int mask = object.attribute("Cryptographic Usage Mask").map(a -> a.value().intValue()).orElse(0);
        if ((mask & usage.value()) == 0) {
            throw new KmipException(ResultReason.INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK,
                    "the object's Cryptographic Usage Mask does not allow " + usage.specName());
        }
    }
}
