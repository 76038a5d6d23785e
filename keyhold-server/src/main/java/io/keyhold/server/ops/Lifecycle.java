package io.keyhold.server.ops;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.VersionRules;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.StoredObject;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The KMIP object lifecycle: states, the transitions between them and the dates that drive them (KMIP 1.4
 * section 3.22, 2.1 section 4.57 State).
 *
 * <p>Transitions that the current state does not allow fail with Wrong Key Lifecycle State where the
 * request's version has that Result Reason (2.0 and later) and with Permission Denied before (the reason
 * the 1.x test cases expect, for example Destroy of an Active key in AKLC-M-2-10). Every transition sets
 * Last Change Date.
 */
public final class Lifecycle {
    private static final VersionRules RULES = VersionRules.standard();

    private Lifecycle() {}

    /**
     * The object with the state its dates call for at {@code now}: a Pre-Active object whose Activation
     * Date has come is Active; an Active one whose Deactivation Date has come is Deactivated. Returns the
     * same instance when nothing is due.
     */
    public static StoredObject applyDueDates(StoredObject object, long now) {
        StoredObject o = object;
        if (o.state() == State.PRE_ACTIVE.value()) {
            OptionalLong activation = date(o, "Activation Date");
            if (activation.isPresent() && activation.getAsLong() <= now) {
                o = withState(o, State.ACTIVE, activation.getAsLong());
            }
        }
        if (o.state() == State.ACTIVE.value()) {
            OptionalLong deactivation = date(o, "Deactivation Date");
            if (deactivation.isPresent() && deactivation.getAsLong() <= now) {
                o = withState(o, State.DEACTIVATED, deactivation.getAsLong());
            }
        }
        return o;
    }

    /** Pre-Active -> Active (Activate); sets Activation Date to now. */
    public static StoredObject activate(StoredObject object, long now, KmipVersion version) throws KmipException {
        if (object.state() != State.PRE_ACTIVE.value()) {
            throw wrongState(version, "Activate needs a Pre-Active object; " + describe(object));
        }
        StoredObject o = with(object, TtlvItem.dateTime(Tag.ACTIVATION_DATE, now));
        return touch(with(o, TtlvItem.enumeration(Tag.STATE, State.ACTIVE.value())), now);
    }

    /**
     * Revoke with Key Compromise or CA Compromise: Pre-Active, Active and Deactivated objects become
     * Compromised, Destroyed ones Destroyed Compromised; Compromise Date is now and Compromise Occurrence
     * Date the given one (the Initial Date when none is given).
     */
    public static StoredObject compromise(StoredObject object, TtlvItem revocationReason, Long occurrence, long now,
                                          KmipVersion version) throws KmipException {
        int s = object.state();
        State next;
        if (s == State.PRE_ACTIVE.value() || s == State.ACTIVE.value() || s == State.DEACTIVATED.value()) {
            next = State.COMPROMISED;
        } else if (s == State.DESTROYED.value()) {
            next = State.DESTROYED_COMPROMISED;
        } else {
            throw wrongState(version, "a compromised Revoke needs a Pre-Active, Active, Deactivated or Destroyed object; "
                    + describe(object));
        }
        long occurred = occurrence != null ? occurrence : date(object, "Initial Date").orElse(now);
        StoredObject o = with(object, TtlvItem.dateTime(Tag.COMPROMISE_OCCURRENCE_DATE, occurred));
        o = with(o, TtlvItem.dateTime(Tag.COMPROMISE_DATE, now));
        o = with(o, revocationReason);
        return touch(with(o, TtlvItem.enumeration(Tag.STATE, next.value())), now);
    }

    /** Revoke with any other reason: Active -> Deactivated, Deactivation Date now. */
    public static StoredObject deactivate(StoredObject object, TtlvItem revocationReason, long now, KmipVersion version)
            throws KmipException {
        if (object.state() != State.ACTIVE.value()) {
            throw wrongState(version, "Revoke with a reason other than a compromise needs an Active object; "
                    + describe(object));
        }
        StoredObject o = with(object, TtlvItem.dateTime(Tag.DEACTIVATION_DATE, now));
        o = with(o, revocationReason);
        return touch(with(o, TtlvItem.enumeration(Tag.STATE, State.DEACTIVATED.value())), now);
    }

    /**
     * Destroy: Pre-Active and Deactivated -> Destroyed, Compromised -> Destroyed Compromised; Active objects
     * are refused. Objects without a State (1.x Templates and Opaque Objects) may always be destroyed. The
     * material is erased and Destroy Date set; the other attributes stay.
     */
    public static StoredObject destroy(StoredObject object, long now, KmipVersion version) throws KmipException {
        int s = object.state();
        StoredObject o = object;
        if (s == State.PRE_ACTIVE.value() || s == State.DEACTIVATED.value()) {
            o = with(o, TtlvItem.enumeration(Tag.STATE, State.DESTROYED.value()));
        } else if (s == State.COMPROMISED.value()) {
            o = with(o, TtlvItem.enumeration(Tag.STATE, State.DESTROYED_COMPROMISED.value()));
        } else if (s == State.ACTIVE.value()) {
            throw wrongState(version, "an Active object cannot be destroyed: revoke it first");
        } else if (s != -1 || object.object() == null) {
            throw destroyed(version, object);
        }
        o = with(o, TtlvItem.dateTime(Tag.DESTROY_DATE, now));
        return touch(o.withObject(null), now);
    }

    /** True for Destroyed and Destroyed Compromised. */
    public static boolean isDestroyed(StoredObject object) {
        int s = object.state();
        return s == State.DESTROYED.value() || s == State.DESTROYED_COMPROMISED.value() || object.object() == null;
    }

    /** The failure for an operation on a destroyed object: Object Destroyed (2.x) or Item Not Found (1.x). */
    public static KmipException destroyed(KmipVersion version, StoredObject object) {
        String message = "object " + ManagedObjects.printable(object.uniqueIdentifier()) + " was destroyed";
        return new KmipException(reason(version, ResultReason.OBJECT_DESTROYED, ResultReason.ITEM_NOT_FOUND), message);
    }

    /**
     * The failure for a transition the state does not allow: Wrong Key Lifecycle State from KMIP 2.1,
     * Permission Denied before, as the OASIS test cases answer (see ResultReasons.forVersion).
     */
    public static KmipException wrongState(KmipVersion version, String message) {
        return new KmipException(version.compareTo(KmipVersion.V2_1) >= 0 ? ResultReason.WRONG_KEY_LIFECYCLE_STATE
                : ResultReason.PERMISSION_DENIED, message);
    }

    /** {@code preferred} when the version defines it, else {@code fallback}. */
    public static ResultReason reason(KmipVersion version, ResultReason preferred, ResultReason fallback) {
        return RULES.hasValue(ResultReason.SPEC_NAME, preferred.value(), version) ? preferred : fallback;
    }

    /** "its state is Active" or "it has no State". */
    public static String describe(StoredObject object) {
        int s = object.state();
        return s < 0 ? "it has no State" : "its state is " + State.fromValue(s).map(State::specName).orElse("0x" + Integer.toHexString(s));
    }

    /** The object with Last Change Date set to now. */
    public static StoredObject touch(StoredObject object, long now) {
        return with(object, TtlvItem.dateTime(Tag.LAST_CHANGE_DATE, now));
    }

    /**
     * The object with the single-instance attribute whose value is {@code value} (its tag names it) set:
     * replaced in place when present, appended otherwise.
     */
    public static StoredObject with(StoredObject object, TtlvItem value) {
        KmipAttribute attribute = KmipAttribute.of(value);
        List<KmipAttribute> out = new ArrayList<>(object.attributes().size() + 1);
        boolean replaced = false;
        for (KmipAttribute a : object.attributes()) {
            if (a.name().equals(attribute.name())) {
                if (!replaced) {
                    out.add(attribute);
                    replaced = true;
                }
            } else {
                out.add(a);
            }
        }
        if (!replaced) {
            out.add(attribute);
        }
        return object.withAttributes(out);
    }

    private static StoredObject withState(StoredObject object, State state, long when) {
        long changed = Math.max(when, date(object, "Last Change Date").orElse(when));
        return touch(with(object, TtlvItem.enumeration(Tag.STATE, state.value())), changed);
    }

    private static OptionalLong date(StoredObject object, String name) {
        return object.attribute(name).map(a -> OptionalLong.of(a.value().dateTimeValue())).orElse(OptionalLong.empty());
    }
}
