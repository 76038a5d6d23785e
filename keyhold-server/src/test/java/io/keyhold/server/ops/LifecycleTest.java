package io.keyhold.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoredObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LifecycleTest {
    private static final long NOW = 1_700_000_000L;

    private static StoredObject object(State state, TtlvItem... more) {
        List<KmipAttribute> a = new ArrayList<>();
        a.add(KmipAttribute.of(TtlvItem.enumeration(Tag.OBJECT_TYPE, 2)));
        if (state != null) {
            a.add(KmipAttribute.of(TtlvItem.enumeration(Tag.STATE, state.value())));
        }
        a.add(KmipAttribute.of(TtlvItem.dateTime(Tag.INITIAL_DATE, NOW - 1000)));
        a.add(KmipAttribute.of(TtlvItem.dateTime(Tag.LAST_CHANGE_DATE, NOW - 1000)));
        for (TtlvItem m : more) {
            a.add(KmipAttribute.of(m));
        }
        return new StoredObject("id", "owner", StorageStatus.ONLINE, a, TtlvItem.structure(Tag.SYMMETRIC_KEY));
    }

    private static TtlvItem reason(int code) {
        return TtlvItem.structure(Tag.REVOCATION_REASON, TtlvItem.enumeration(Tag.REVOCATION_REASON_CODE, code));
    }

    private static long date(StoredObject o, String name) {
        return o.attribute(name).orElseThrow().value().dateTimeValue();
    }

    @Test
    void applyDueDates_pastActivationDate_activates() {
        StoredObject o = object(State.PRE_ACTIVE, TtlvItem.dateTime(Tag.ACTIVATION_DATE, NOW - 10));
        StoredObject due = Lifecycle.applyDueDates(o, NOW);
        assertThat(due.state()).isEqualTo(State.ACTIVE.value());
        assertThat(date(due, "Last Change Date")).isEqualTo(NOW - 10);
        assertThat(Lifecycle.applyDueDates(object(State.PRE_ACTIVE, TtlvItem.dateTime(Tag.ACTIVATION_DATE, NOW)), NOW).state())
                .isEqualTo(State.ACTIVE.value());
    }

    @Test
    void applyDueDates_futureDate_changesNothing_untilItComes() {
        StoredObject o = object(State.PRE_ACTIVE, TtlvItem.dateTime(Tag.ACTIVATION_DATE, NOW + 10));
        assertThat(Lifecycle.applyDueDates(o, NOW)).isSameAs(o);
        assertThat(Lifecycle.applyDueDates(o, NOW + 10).state()).isEqualTo(State.ACTIVE.value());
    }

    @Test
    void applyDueDates_pastDeactivationDate_deactivatesActiveAndWalksThroughBoth() {
        StoredObject active = object(State.ACTIVE, TtlvItem.dateTime(Tag.DEACTIVATION_DATE, NOW - 1));
        assertThat(Lifecycle.applyDueDates(active, NOW).state()).isEqualTo(State.DEACTIVATED.value());
        StoredObject both = object(State.PRE_ACTIVE, TtlvItem.dateTime(Tag.ACTIVATION_DATE, NOW - 20),
                TtlvItem.dateTime(Tag.DEACTIVATION_DATE, NOW - 5));
        assertThat(Lifecycle.applyDueDates(both, NOW).state()).isEqualTo(State.DEACTIVATED.value());
        StoredObject compromised = object(State.COMPROMISED, TtlvItem.dateTime(Tag.DEACTIVATION_DATE, NOW - 5));
        assertThat(Lifecycle.applyDueDates(compromised, NOW)).isSameAs(compromised);
        StoredObject stateless = object(null, TtlvItem.dateTime(Tag.ACTIVATION_DATE, NOW - 5));
        assertThat(Lifecycle.applyDueDates(stateless, NOW)).isSameAs(stateless);
    }

    @Test
    void activate_onlyFromPreActive_reasonPerVersion() throws Exception {
        StoredObject active = Lifecycle.activate(object(State.PRE_ACTIVE), NOW, KmipVersion.V2_1);
        assertThat(active.state()).isEqualTo(State.ACTIVE.value());
        assertThat(date(active, "Activation Date")).isEqualTo(NOW);
        assertThat(date(active, "Last Change Date")).isEqualTo(NOW);
        KmipException two = catchThrowableOfType(KmipException.class, () -> Lifecycle.activate(active, NOW, KmipVersion.V2_1));
        assertThat(two.reason()).isEqualTo(ResultReason.WRONG_KEY_LIFECYCLE_STATE);
        assertThat(two.getMessage()).contains("Active");
        KmipException one = catchThrowableOfType(KmipException.class, () -> Lifecycle.activate(active, NOW, KmipVersion.V1_4));
        assertThat(one.reason()).isEqualTo(ResultReason.PERMISSION_DENIED);
        KmipException none = catchThrowableOfType(KmipException.class,
                () -> Lifecycle.activate(object(null), NOW, KmipVersion.V2_0));
        assertThat(none.getMessage()).contains("no State");
    }

    @Test
    void deactivate_onlyFromActive() throws Exception {
        StoredObject d = Lifecycle.deactivate(object(State.ACTIVE), reason(6), NOW, KmipVersion.V1_2);
        assertThat(d.state()).isEqualTo(State.DEACTIVATED.value());
        assertThat(date(d, "Deactivation Date")).isEqualTo(NOW);
        assertThat(d.attribute("Revocation Reason").orElseThrow().value()).isEqualTo(reason(6));
        for (State s : List.of(State.PRE_ACTIVE, State.DEACTIVATED, State.COMPROMISED, State.DESTROYED)) {
            KmipException e = catchThrowableOfType(KmipException.class,
                    () -> Lifecycle.deactivate(object(s), reason(1), NOW, KmipVersion.V2_1));
            assertThat(e.reason()).as(s.specName()).isEqualTo(ResultReason.WRONG_KEY_LIFECYCLE_STATE);
        }
    }

    @Test
    void compromise_fromEachState() throws Exception {
        for (State s : List.of(State.PRE_ACTIVE, State.ACTIVE, State.DEACTIVATED)) {
            StoredObject c = Lifecycle.compromise(object(s), reason(2), 42L, NOW, KmipVersion.V1_0);
            assertThat(c.state()).isEqualTo(State.COMPROMISED.value());
            assertThat(date(c, "Compromise Occurrence Date")).isEqualTo(42);
            assertThat(date(c, "Compromise Date")).isEqualTo(NOW);
        }
        assertThat(Lifecycle.compromise(object(State.DESTROYED), reason(3), null, NOW, KmipVersion.V2_1).state())
                .isEqualTo(State.DESTROYED_COMPROMISED.value());
        assertThat(date(Lifecycle.compromise(object(State.ACTIVE), reason(2), null, NOW, KmipVersion.V2_1),
                "Compromise Occurrence Date")).isEqualTo(NOW - 1000);
        KmipException e = catchThrowableOfType(KmipException.class,
                () -> Lifecycle.compromise(object(State.COMPROMISED), reason(2), null, NOW, KmipVersion.V2_1));
        assertThat(e.reason()).isEqualTo(ResultReason.WRONG_KEY_LIFECYCLE_STATE);
    }

    @Test
    void destroy_refusesActive_erasesMaterialOtherwise() throws Exception {
        KmipException e = catchThrowableOfType(KmipException.class,
                () -> Lifecycle.destroy(object(State.ACTIVE), NOW, KmipVersion.V1_0));
        assertThat(e.reason()).isEqualTo(ResultReason.PERMISSION_DENIED);
        StoredObject d = Lifecycle.destroy(object(State.DEACTIVATED), NOW, KmipVersion.V2_1);
        assertThat(d.state()).isEqualTo(State.DESTROYED.value());
        assertThat(d.object()).isNull();
        assertThat(date(d, "Destroy Date")).isEqualTo(NOW);
        assertThat(Lifecycle.destroy(object(State.COMPROMISED), NOW, KmipVersion.V2_1).state())
                .isEqualTo(State.DESTROYED_COMPROMISED.value());
        StoredObject stateless = Lifecycle.destroy(object(null), NOW, KmipVersion.V1_2);
        assertThat(stateless.object()).isNull();
        assertThat(stateless.state()).isEqualTo(-1);
        KmipException again = catchThrowableOfType(KmipException.class, () -> Lifecycle.destroy(d, NOW, KmipVersion.V2_1));
        assertThat(again.reason()).isEqualTo(ResultReason.OBJECT_DESTROYED);
    }

    @Test
    void with_replacesTheAttributeInPlace() {
        StoredObject o = object(State.ACTIVE);
        StoredObject changed = Lifecycle.with(o, TtlvItem.enumeration(Tag.STATE, State.DEACTIVATED.value()));
        assertThat(changed.attributes()).hasSameSizeAs(o.attributes());
        assertThat(changed.attributes().get(1).value().enumValue()).isEqualTo(State.DEACTIVATED.value());
    }
}
