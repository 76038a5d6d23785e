package io.keyhold.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.store.memory.InMemoryObjectStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class DueDatesTest {
    private static final long T0 = 1_800_000_000L;

    private static StoredObject key(String uid, State state, String dateName, long date) {
        return new StoredObject(uid, "client1", StorageStatus.ONLINE, List.of(
                KmipAttribute.of(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uid)),
                KmipAttribute.of(TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value())),
                KmipAttribute.of(TtlvItem.enumeration(Tag.STATE, state.value())),
                new KmipAttribute(dateName, 0, TtlvItem.dateTime(
                        dateName.equals("Activation Date") ? Tag.ACTIVATION_DATE : Tag.DEACTIVATION_DATE, date))), null);
    }

    private static int stateOf(InMemoryObjectStore store, String uid) throws Exception {
        return store.read(tx -> tx.get(uid).orElseThrow().state());
    }

    @Test
    void datesThatArriveChangeTheStoredState() throws Exception {
        InMemoryObjectStore store = new InMemoryObjectStore();
        store.write(tx -> {
            tx.insert(key("a", State.PRE_ACTIVE, "Activation Date", T0 + 10));
            tx.insert(key("b", State.ACTIVE, "Deactivation Date", T0 + 20));
            tx.insert(key("c", State.PRE_ACTIVE, "Activation Date", T0 + 1000));
            return null;
        });
        DueDates early = DueDates.start(store, Clock.fixed(Instant.ofEpochSecond(T0), ZoneOffset.UTC), 3_600_000);
        assertThat(early.applyNow()).isZero();
        early.close();

        DueDates later = DueDates.start(store, Clock.fixed(Instant.ofEpochSecond(T0 + 30), ZoneOffset.UTC), 3_600_000);
        assertThat(later.applyNow()).isEqualTo(2);
        later.close();
        assertThat(stateOf(store, "a")).isEqualTo(State.ACTIVE.value());
        assertThat(stateOf(store, "b")).isEqualTo(State.DEACTIVATED.value());
        assertThat(stateOf(store, "c")).isEqualTo(State.PRE_ACTIVE.value());
    }

    @Test
    void anActivationAndADeactivationBothPastEndDeactivated() throws Exception {
        InMemoryObjectStore store = new InMemoryObjectStore();
        StoredObject k = key("d", State.PRE_ACTIVE, "Activation Date", T0 + 1);
        store.write(tx -> {
            tx.insert(k.withAttributes(new java.util.ArrayList<>(k.attributes()) {{
                add(new KmipAttribute("Deactivation Date", 0, TtlvItem.dateTime(Tag.DEACTIVATION_DATE, T0 + 2)));
            }}));
            return null;
        });
        DueDates d = DueDates.start(store, Clock.fixed(Instant.ofEpochSecond(T0 + 5), ZoneOffset.UTC), 3_600_000);
        d.applyNow();
        d.close();
        assertThat(stateOf(store, "d")).isEqualTo(State.DEACTIVATED.value());
    }
}
