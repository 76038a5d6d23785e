package io.keyhold.server.ops.object;

import static io.keyhold.server.ops.object.Fixture.payload;
import static io.keyhold.server.ops.object.Fixture.uid;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoredObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Activate, Revoke, Destroy, Archive, Recover, Check, Obtain Lease and Get Usage Allocation. */
class LifecycleHandlersTest {

    static TtlvItem reason(int code) {
        return TtlvItem.structure(Tag.REVOCATION_REASON, TtlvItem.enumeration(Tag.REVOCATION_REASON_CODE, code),
                TtlvItem.text(Tag.REVOCATION_MESSAGE, "test"));
    }

    private static long date(StoredObject o, String name) {
        return o.attribute(name).orElseThrow().value().dateTimeValue();
    }

    @Test
    void activate_preActive_becomesActiveWithActivationDate_andAgainIsWrongState() throws Exception {
        Fixture f = new Fixture(KmipVersion.V2_1);
        String id = f.createAes();
        f.clock.advance(5);
        TtlvItem response = f.run(Operation.ACTIVATE, payload(uid(id)));
        assertThat(response.children()).extracting(TtlvItem::tag).containsExactly(Tag.UNIQUE_IDENTIFIER);
        StoredObject o = f.stored(id);
        assertThat(o.state()).isEqualTo(State.ACTIVE.value());
        assertThat(date(o, "Activation Date")).isEqualTo(Fixture.T0 + 5);
        assertThat(date(o, "Last Change Date")).isEqualTo(Fixture.T0 + 5);
        KmipExceptionMessage.assertNames(f.fails(ResultReason.WRONG_KEY_LIFECYCLE_STATE, Operation.ACTIVATE, payload(uid(id))),
                "Active");
    }

    @Test
    void activate_in1x_wrongStateIsPermissionDenied_andOtherOwnerIsItemNotFound() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_0);
        String id = f.createAes();
        f.run(Operation.ACTIVATE, payload(uid(id)));
        f.fails(ResultReason.PERMISSION_DENIED, Operation.ACTIVATE, payload(uid(id)));
        f.client = "client2";
        f.fails(ResultReason.OBJECT_NOT_FOUND, Operation.ACTIVATE, payload(uid(id)));
        f.fails(ResultReason.OBJECT_NOT_FOUND, Operation.REVOKE, payload(uid(id), reason(1)));
        f.fails(ResultReason.OBJECT_NOT_FOUND, Operation.DESTROY, payload(uid(id)));
        f.fails(ResultReason.OBJECT_NOT_FOUND, Operation.ARCHIVE, payload(uid(id)));
        f.fails(ResultReason.OBJECT_NOT_FOUND, Operation.RECOVER, payload(uid(id)));
        f.fails(ResultReason.OBJECT_NOT_FOUND, Operation.CHECK, payload(uid(id)));
        f.fails(ResultReason.OBJECT_NOT_FOUND, Operation.OBTAIN_LEASE, payload(uid(id)));
    }

    @Test
    void revoke_cessationOfOperation_deactivatesTheKey_mongoDbPolling() throws Exception {
        for (KmipVersion v : List.of(KmipVersion.V1_0, KmipVersion.V1_2, KmipVersion.V2_1)) {
            Fixture f = new Fixture(v);
            String id = f.createAes();
            f.run(Operation.ACTIVATE, payload(uid(id)));
            f.clock.advance(7);
            f.run(Operation.REVOKE, payload(uid(id), reason(6)));
            StoredObject o = f.stored(id);
            assertThat(o.state()).isEqualTo(3);
            assertThat(date(o, "Deactivation Date")).isEqualTo(Fixture.T0 + 7);
            assertThat(o.attribute("Revocation Reason").orElseThrow().value()).isEqualTo(reason(6));
            assertThat(date(o, "Last Change Date")).isEqualTo(Fixture.T0 + 7);
        }
    }

    @Test
    void revoke_keyCompromise_compromisesWithOccurrenceDate() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_4);
        String id = f.createAes();
        f.clock.advance(3);
        f.run(Operation.REVOKE, payload(uid(id), reason(2), TtlvItem.dateTime(Tag.COMPROMISE_OCCURRENCE_DATE, 6)));
        StoredObject o = f.stored(id);
        assertThat(o.state()).isEqualTo(State.COMPROMISED.value());
        assertThat(date(o, "Compromise Occurrence Date")).isEqualTo(6);
        assertThat(date(o, "Compromise Date")).isEqualTo(Fixture.T0 + 3);

        String other = f.createAes();
        f.clock.advance(100);
        f.run(Operation.REVOKE, payload(uid(other), reason(3)));
        assertThat(date(f.stored(other), "Compromise Occurrence Date")).isEqualTo(date(f.stored(other), "Initial Date"))
                .isEqualTo(Fixture.T0 + 3);
    }

    @Test
    void revoke_nonCompromiseOfPreActive_isWrongState_andWithoutReasonMissingData() throws Exception {
        Fixture f = new Fixture(KmipVersion.V2_1);
        String id = f.createAes();
        f.fails(ResultReason.WRONG_KEY_LIFECYCLE_STATE, Operation.REVOKE, payload(uid(id), reason(1)));
        assertThat(f.stored(id).state()).isEqualTo(State.PRE_ACTIVE.value());
        f.fails(ResultReason.MISSING_DATA, Operation.REVOKE, payload(uid(id)));
        f.fails(ResultReason.INVALID_FIELD, Operation.REVOKE, payload(uid(id), reason(0x77)));
    }

    @Test
    void revoke_compromiseOfDestroyed_isDestroyedCompromised() throws Exception {
        Fixture f = new Fixture(KmipVersion.V2_0);
        String id = f.createAes();
        f.run(Operation.DESTROY, payload(uid(id)));
        f.run(Operation.REVOKE, payload(uid(id), reason(2)));
        assertThat(f.stored(id).state()).isEqualTo(State.DESTROYED_COMPROMISED.value());
    }

    @Test
    void destroy_active_isRefused_thenRevokedKeyIsDestroyedKeepingAttributes() throws Exception {
        Fixture f = new Fixture(KmipVersion.V2_1);
        String id = f.createAes(Fixture.name("k"));
        f.run(Operation.ACTIVATE, payload(uid(id)));
        f.fails(ResultReason.WRONG_KEY_LIFECYCLE_STATE, Operation.DESTROY, payload(uid(id)));
        assertThat(f.stored(id).object()).isNotNull();
        f.run(Operation.REVOKE, payload(uid(id), reason(1)));
        f.clock.advance(9);
        TtlvItem response = f.run(Operation.DESTROY, payload(uid(id)));
        assertThat(response.children()).extracting(TtlvItem::tag).containsExactly(Tag.UNIQUE_IDENTIFIER);
        StoredObject o = f.stored(id);
        assertThat(o.object()).isNull();
        assertThat(o.state()).isEqualTo(State.DESTROYED.value());
        assertThat(date(o, "Destroy Date")).isEqualTo(Fixture.T0 + 9);
        assertThat(o.attribute("Name")).isPresent();
        f.fails(ResultReason.OBJECT_DESTROYED, Operation.DESTROY, payload(uid(id)));
    }

    @Test
    void destroy_activeIn1x_isPermissionDenied_compromisedBecomesDestroyedCompromised() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_0);
        String id = f.createAes();
        f.run(Operation.ACTIVATE, payload(uid(id)));
        f.fails(ResultReason.PERMISSION_DENIED, Operation.DESTROY, payload(uid(id)));
        f.run(Operation.REVOKE, payload(uid(id), reason(2), TtlvItem.dateTime(Tag.COMPROMISE_OCCURRENCE_DATE, 6)));
        f.run(Operation.DESTROY, payload(uid(id)));
        assertThat(f.stored(id).state()).isEqualTo(State.DESTROYED_COMPROMISED.value());
        f.fails(ResultReason.ITEM_NOT_FOUND, Operation.DESTROY, payload(uid(id)));
    }

    @Test
    void archive_andRecover_moveTheObjectBetweenStorages() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_2);
        String id = f.createAes();
        f.clock.advance(2);
        f.run(Operation.ARCHIVE, payload(uid(id)));
        assertThat(f.stored(id).storageStatus()).isEqualTo(StorageStatus.ARCHIVED);
        assertThat(date(f.stored(id), "Archive Date")).isEqualTo(Fixture.T0 + 2);
        f.fails(ResultReason.OBJECT_ARCHIVED, Operation.ACTIVATE, payload(uid(id)));
        f.run(Operation.RECOVER, payload(uid(id)));
        assertThat(f.stored(id).storageStatus()).isEqualTo(StorageStatus.ONLINE);
        f.run(Operation.ACTIVATE, payload(uid(id)));
        f.fails(ResultReason.OBJECT_NOT_FOUND, Operation.ARCHIVE, payload(uid("missing")));
    }

    @Test
    void check_usageMask_passesWhenAllowedAndFailsPerVersion() throws Exception {
        Fixture f = new Fixture(KmipVersion.V2_1);
        String id = f.createAes();
        TtlvItem ok = f.run(Operation.CHECK, payload(uid(id), Fixture.mask(4)));
        assertThat(ok.children()).extracting(TtlvItem::tag).containsExactly(Tag.UNIQUE_IDENTIFIER);
        f.fails(ResultReason.INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK, Operation.CHECK, payload(uid(id), Fixture.mask(1)));
        Fixture one = new Fixture(KmipVersion.V1_2);
        String id1 = one.createAes();
        one.fails(ResultReason.PERMISSION_DENIED, Operation.CHECK, payload(uid(id1), Fixture.mask(16)));
    }

    @Test
    void obtainLease_activeKey_grantsDefaultLease_preActiveIsWrongState() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_4);
        String id = f.createAes();
        f.fails(ResultReason.PERMISSION_DENIED, Operation.OBTAIN_LEASE, payload(uid(id)));
        f.clock.advance(4);
        f.run(Operation.ACTIVATE, payload(uid(id)));
        TtlvItem response = f.run(Operation.OBTAIN_LEASE, payload(uid(id)));
        assertThat(response.children()).extracting(TtlvItem::tag)
                .containsExactly(Tag.UNIQUE_IDENTIFIER, Tag.LEASE_TIME, Tag.LAST_CHANGE_DATE);
        assertThat(response.child(Tag.LEASE_TIME).orElseThrow().intervalValue()).isEqualTo(ObjectOperations.DEFAULT_LEASE_SECONDS);
        assertThat(response.child(Tag.LAST_CHANGE_DATE).orElseThrow().dateTimeValue()).isEqualTo(Fixture.T0 + 4);
    }

    @Test
    void getUsageAllocation_lowersTheCount_andRefusesTooMuch() throws Exception {
        for (KmipVersion v : List.of(KmipVersion.V1_2, KmipVersion.V2_1)) {
            Fixture f = new Fixture(v);
            TtlvItem limits = TtlvItem.structure(Tag.USAGE_LIMITS, TtlvItem.longInteger(Tag.USAGE_LIMITS_TOTAL, 10),
                    TtlvItem.longInteger(Tag.USAGE_LIMITS_COUNT, 10), TtlvItem.enumeration(Tag.USAGE_LIMITS_UNIT, 2));
            String id = f.createAes(limits);
            f.run(Operation.GET_USAGE_ALLOCATION, payload(uid(id), TtlvItem.longInteger(Tag.USAGE_LIMITS_COUNT, 4)));
            assertThat(f.stored(id).attribute("Usage Limits").orElseThrow().value().child(Tag.USAGE_LIMITS_COUNT)
                    .orElseThrow().longValue()).isEqualTo(6);
            f.fails(v.compareTo(KmipVersion.V2_0) >= 0 ? ResultReason.USAGE_LIMIT_EXCEEDED : ResultReason.PERMISSION_DENIED,
                    Operation.GET_USAGE_ALLOCATION, payload(uid(id), TtlvItem.longInteger(Tag.USAGE_LIMITS_COUNT, 7)));
            f.fails(v.compareTo(KmipVersion.V2_0) >= 0 ? ResultReason.USAGE_LIMIT_EXCEEDED : ResultReason.PERMISSION_DENIED,
                    Operation.CHECK, payload(uid(id), TtlvItem.longInteger(Tag.USAGE_LIMITS_COUNT, 7)));
            String unlimited = f.createAes();
            f.fails(ResultReason.PERMISSION_DENIED, Operation.GET_USAGE_ALLOCATION,
                    payload(uid(unlimited), TtlvItem.longInteger(Tag.USAGE_LIMITS_COUNT, 1)));
            f.fails(ResultReason.MISSING_DATA, Operation.GET_USAGE_ALLOCATION, payload(uid(id)));
        }
    }
}
