package io.keyhold.server.crypto;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.State;
import io.keyhold.server.ops.Lifecycle;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.UsageLimitsUnit;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.store.WriteTransaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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

    /**
     * {@link #require(StoredObject, Purpose, CryptographicUsageMask)} and then
     * {@link #requireUsagePeriod(StoredObject, Purpose, long)}: the complete check before a key is used.
     *
     * @param now POSIX seconds
     */
    public static void require(StoredObject object, Purpose purpose, CryptographicUsageMask usage, long now)
            throws KmipException {
        require(object, purpose, usage);
        requireUsagePeriod(object, purpose, now);
    }

    /**
     * Checks the object's usage period: no protecting after its Protect Stop Date, no processing before its
     * Process Start Date (KMIP 1.4 sections 3.25 and 3.26, 2.1 sections 4.42 and 4.41). The OASIS test cases
     * CS-BC-M-14 and CS-AC-M-8 answer this with Permission Denied up to KMIP 2.0 and with Wrong Key Lifecycle
     * State in 2.1: this throws Wrong Key Lifecycle State, which the dispatcher maps to Permission Denied for
     * requests before 2.1.
     *
     * @param now POSIX seconds
     * @throws KmipException Wrong Key Lifecycle State outside the period
     */
    public static void requireUsagePeriod(StoredObject object, Purpose purpose, long now) throws KmipException {
        String name = purpose == Purpose.PROTECT ? "Protect Stop Date" : "Process Start Date";
        Optional<Long> date = object.attribute(name).map(a -> a.value()).filter(v -> v.type() == ItemType.DATE_TIME)
                .map(TtlvItem::dateTimeValue);
        if (date.isEmpty()) {
            return;
        }
        if (purpose == Purpose.PROTECT && now > date.get()) {
            throw new KmipException(ResultReason.WRONG_KEY_LIFECYCLE_STATE, "the object's Protect Stop Date has passed:"
                    + " it may no longer protect data");
        }
        if (purpose == Purpose.PROCESS && now < date.get()) {
            throw new KmipException(ResultReason.WRONG_KEY_LIFECYCLE_STATE, "the object's Process Start Date has not"
                    + " come: it may not process data yet");
        }
    }

    /**
     * Consumes usage from the object's Usage Limits (KMIP 1.4 section 3.21, 2.1 section 4.56) inside the write
     * transaction of the operation, so that a failing operation consumes nothing: {@code uses} for Usage
     * Limits Unit Object, {@code bytes} for Unit Byte. Usage Limits Count (else Usage Limits Total) is what
     * remains; it is lowered and stored with a new Last Change Date. An object without Usage Limits is
     * returned unchanged and nothing is written.
     *
     * @return the object as it now is
     * @throws KmipException Usage Limit Exceeded (Permission Denied for 1.x clients) when less remains than
     *                       this use needs
     */
    public static StoredObject consumeUsage(WriteTransaction tx, StoredObject object, long uses, long bytes, long now)
            throws KmipException {
        Optional<TtlvItem> limits = object.attribute("Usage Limits").map(a -> a.value());
        if (limits.isEmpty()) {
            return object;
        }
        TtlvItem value = limits.get();
        Optional<TtlvItem> left = value.child(Tag.USAGE_LIMITS_COUNT).or(() -> value.child(Tag.USAGE_LIMITS_TOTAL))
                .filter(i -> i.type() == ItemType.LONG_INTEGER);
        if (left.isEmpty()) {
            return object;
        }
        boolean byteUnits = value.child(Tag.USAGE_LIMITS_UNIT).map(u -> u.enumValue() == UsageLimitsUnit.BYTE.value()).orElse(false);
        long needed = byteUnits ? bytes : uses;
        long remaining = left.get().longValue();
        if (needed > remaining) {
            // Permission Denied in every version, as the OASIS test case CS-BC-M-7 (1.3 to 2.1) answers a
            // cryptographic operation beyond the limits; the message says which limit
            throw new KmipException(ResultReason.PERMISSION_DENIED, "the object's Usage Limits allow " + remaining
                    + (byteUnits ? " more bytes" : " more uses") + "; this request needs " + needed);
        }
        if (needed == 0) {
            return object;
        }
        List<TtlvItem> children = new ArrayList<>();
        boolean set = false;
        for (TtlvItem i : value.children()) {
            if (i.tag() == Tag.USAGE_LIMITS_COUNT) {
                continue;
            }
            if (i.tag() == Tag.USAGE_LIMITS_UNIT && !set) {
                children.add(TtlvItem.longInteger(Tag.USAGE_LIMITS_COUNT, remaining - needed));
                set = true;
            }
            children.add(i);
        }
        if (!set) {
            children.add(TtlvItem.longInteger(Tag.USAGE_LIMITS_COUNT, remaining - needed));
        }
        StoredObject updated = Lifecycle.touch(Lifecycle.with(object, TtlvItem.structure(Tag.USAGE_LIMITS, children)), now);
        tx.update(updated);
        return updated;
    }
}
