package io.keyhold.server.crypto.signature;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.server.crypto.KeyUse;
import io.keyhold.server.store.StoredObject;

/**
 * The usage periods of a key beside its State: after its Protect Stop Date it may no longer apply protection,
 * before its Process Start Date it may not yet process protected data (KMIP 1.4 sections 3.26-3.27, 2.1
 * sections 4.46-4.47; OASIS test case CS-AC-M-8 answers Wrong Key Lifecycle State for both).
 */
public final class UsagePeriods {
    private UsagePeriods() {}

    /** @throws KmipException Wrong Key Lifecycle State outside the period for the purpose */
    public static void require(StoredObject key, KeyUse.Purpose purpose, long nowSeconds) throws KmipException {
        if (purpose == KeyUse.Purpose.PROTECT) {
            Long stop = date(key, "Protect Stop Date");
            if (stop != null && nowSeconds >= stop) {
                throw new KmipException(ResultReason.WRONG_KEY_LIFECYCLE_STATE, "the key's Protect Stop Date has passed;"
                        + " it may only process (verify) now");
            }
        } else {
            Long start = date(key, "Process Start Date");
            if (start != null && nowSeconds < start) {
                throw new KmipException(ResultReason.WRONG_KEY_LIFECYCLE_STATE, "the key's Process Start Date has not come yet");
            }
        }
    }

    private static Long date(StoredObject key, String name) {
        return key.attribute(name).map(a -> a.value().dateTimeValue()).orElse(null);
    }
}
