package io.keyhold.server.ops.object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.ManagedObjects;
import org.junit.jupiter.api.Test;

/** {@link ManagedObjects#loadWithStored}: one read gives the stored object and its view with due dates applied. */
class ManagedObjectsLoadTest {

    @Test
    void loadWithStored_dueDeactivationDate_reportsStateChangeWithoutWriting() throws Exception {
        Fixture f = new Fixture(KmipVersion.V2_1);
        String id = f.createAes(TtlvItem.dateTime(Tag.ACTIVATION_DATE, Fixture.T0 - 10),
                TtlvItem.dateTime(Tag.DEACTIVATION_DATE, Fixture.T0 + 50));
        ManagedObjects.Loaded now = f.store.read(tx -> ManagedObjects.loadWithStored(f.context(), tx, id));
        assertThat(now.stored().state()).isEqualTo(State.ACTIVE.value());
        assertThat(now.stateChanged()).isFalse();

        f.clock.advance(60);
        ManagedObjects.Loaded later = f.store.read(tx -> ManagedObjects.loadWithStored(f.context(), tx, id));
        assertThat(later.stored().state()).isEqualTo(State.ACTIVE.value());
        assertThat(later.current().state()).isEqualTo(State.DEACTIVATED.value());
        assertThat(later.stateChanged()).isTrue();
        assertThat(f.stored(id).state()).isEqualTo(State.ACTIVE.value());
        assertThat(f.store.read(tx -> ManagedObjects.load(f.context(), tx, id)).state()).isEqualTo(State.DEACTIVATED.value());
    }

    @Test
    void loadWithStored_otherOwner_isObjectNotFound() throws Exception {
        Fixture f = new Fixture(KmipVersion.V2_1);
        String id = f.createAes();
        f.client = "someone-else";
        KmipException e = catchThrowableOfType(KmipException.class,
                () -> f.store.read(tx -> ManagedObjects.loadWithStored(f.context(), tx, id)));
        assertThat(e.reason()).isEqualTo(ResultReason.OBJECT_NOT_FOUND);
    }

    @Test
    void load_otherOwner_isAccessDeniedAnsweredExactlyAsMissing() throws Exception {
        Fixture f = new Fixture(KmipVersion.V2_1);
        String id = f.createAes();
        f.client = "someone-else";
        KmipException denied = catchThrowableOfType(KmipException.class,
                () -> f.store.read(tx -> ManagedObjects.load(f.context(), tx, id)));
        KmipException missing = catchThrowableOfType(KmipException.class,
                () -> f.store.read(tx -> ManagedObjects.load(f.context(), tx, "no-such-id")));
        assertThat(denied).isInstanceOf(io.keyhold.server.auth.AccessDenied.class);
        assertThat(missing).isNotInstanceOf(io.keyhold.server.auth.AccessDenied.class);
        assertThat(denied.reason()).isEqualTo(missing.reason());
        assertThat(denied.getMessage()).isEqualTo(missing.getMessage().replace("no-such-id", id));
        assertThat(((io.keyhold.server.auth.AccessDenied) denied).uniqueIdentifier()).isEqualTo(id);
    }
}
