package io.keyhold.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.UsageLimitsUnit;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.dispatch.ResultReasons;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.store.memory.InMemoryObjectStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyUseTest {
    private static final long NOW = 1_700_000_000L;
    private final InMemoryObjectStore store = new InMemoryObjectStore();

    private StoredObject object(TtlvItem... extra) throws KmipException {
        List<KmipAttribute> a = new ArrayList<>(List.of(KmipAttribute.of(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "u1")),
                KmipAttribute.of(TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value())),
                KmipAttribute.of(TtlvItem.enumeration(Tag.STATE, State.ACTIVE.value()))));
        for (TtlvItem e : extra) {
            a.add(KmipAttribute.of(e));
        }
        StoredObject o = new StoredObject("u1", "c", StorageStatus.ONLINE, a, TtlvItem.structure(Tag.SYMMETRIC_KEY));
        store.write(tx -> {
            tx.insert(o);
            return null;
        });
        return o;
    }

    private static TtlvItem limits(long total, Long count, UsageLimitsUnit unit) {
        List<TtlvItem> c = new ArrayList<>(List.of(TtlvItem.longInteger(Tag.USAGE_LIMITS_TOTAL, total)));
        if (count != null) {
            c.add(TtlvItem.longInteger(Tag.USAGE_LIMITS_COUNT, count));
        }
        c.add(TtlvItem.enumeration(Tag.USAGE_LIMITS_UNIT, unit.value()));
        return TtlvItem.structure(Tag.USAGE_LIMITS, c);
    }

    private long count() throws KmipException {
        return store.read(tx -> tx.get("u1")).orElseThrow().attribute("Usage Limits").orElseThrow().value()
                .child(Tag.USAGE_LIMITS_COUNT).orElseThrow().longValue();
    }

    @Test
    void requireUsagePeriod_protectStopAndProcessStart() throws Exception {
        StoredObject o = object(TtlvItem.dateTime(Tag.PROTECT_STOP_DATE, NOW - 1), TtlvItem.dateTime(Tag.PROCESS_START_DATE, NOW + 1));
        KmipException e = catchThrowableOfType(KmipException.class,
                () -> KeyUse.requireUsagePeriod(o, KeyUse.Purpose.PROTECT, NOW));
        assertThat(e.reason()).isEqualTo(ResultReason.WRONG_KEY_LIFECYCLE_STATE);
        // what a 1.x or 2.0 client receives (OASIS CS-BC-M-14)
        assertThat(ResultReasons.forVersion(e.reason(), KmipVersion.V1_4)).isEqualTo(ResultReason.PERMISSION_DENIED);
        e = catchThrowableOfType(KmipException.class, () -> KeyUse.requireUsagePeriod(o, KeyUse.Purpose.PROCESS, NOW));
        assertThat(e.reason()).isEqualTo(ResultReason.WRONG_KEY_LIFECYCLE_STATE);
        // the Protect Stop Date itself is still inside the period; so is the Process Start Date
        KeyUse.requireUsagePeriod(o, KeyUse.Purpose.PROTECT, NOW - 1);
        KeyUse.requireUsagePeriod(o, KeyUse.Purpose.PROCESS, NOW + 1);
    }

    @Test
    void require_withTime_checksStateMaskAndPeriod() throws Exception {
        StoredObject o = object(TtlvItem.dateTime(Tag.PROTECT_STOP_DATE, NOW - 1), TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK,
                CryptographicUsageMask.ENCRYPT.value() | CryptographicUsageMask.DECRYPT.value()));
        KmipException e = catchThrowableOfType(KmipException.class,
                () -> KeyUse.require(o, KeyUse.Purpose.PROTECT, CryptographicUsageMask.ENCRYPT, NOW));
        assertThat(e.reason()).isEqualTo(ResultReason.WRONG_KEY_LIFECYCLE_STATE);
        KeyUse.require(o, KeyUse.Purpose.PROCESS, CryptographicUsageMask.DECRYPT, NOW);
    }

    @Test
    void consumeUsage_withoutLimits_changesNothing() throws Exception {
        StoredObject o = object();
        StoredObject after = store.write(tx -> KeyUse.consumeUsage(tx, o, 1, 1000, NOW));
        assertThat(after).isSameAs(o);
    }

    @Test
    void consumeUsage_objectUnits_countsUses_thenRefuses() throws Exception {
        StoredObject o = object(limits(2, null, UsageLimitsUnit.OBJECT));
        StoredObject once = store.write(tx -> KeyUse.consumeUsage(tx, o, 1, 500, NOW));
        assertThat(count()).isEqualTo(1);
        assertThat(once.attribute("Last Change Date").orElseThrow().value().dateTimeValue()).isEqualTo(NOW);
        StoredObject twice = store.write(tx -> KeyUse.consumeUsage(tx, once, 1, 500, NOW));
        assertThat(count()).isZero();
        KmipException e = catchThrowableOfType(KmipException.class, () -> store.write(tx -> KeyUse.consumeUsage(tx, twice, 1, 0, NOW)));
        assertThat(e.reason()).isEqualTo(ResultReason.PERMISSION_DENIED);
        assertThat(e.getMessage()).isEqualTo("the object's Usage Limits allow 0 more uses; this request needs 1");
    }

    @Test
    void consumeUsage_byteUnits_countsBytes_fromTheCount() throws Exception {
        StoredObject o = object(limits(100, 40L, UsageLimitsUnit.BYTE));
        StoredObject after = store.write(tx -> KeyUse.consumeUsage(tx, o, 1, 32, NOW));
        assertThat(count()).isEqualTo(8);
        KmipException e = catchThrowableOfType(KmipException.class, () -> store.write(tx -> KeyUse.consumeUsage(tx, after, 1, 9, NOW)));
        assertThat(e.reason()).isEqualTo(ResultReason.PERMISSION_DENIED);
        assertThat(count()).as("a refused use stores nothing").isEqualTo(8);
    }
}
