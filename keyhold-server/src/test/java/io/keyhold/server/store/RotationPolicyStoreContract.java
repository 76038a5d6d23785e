package io.keyhold.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rotation policies and cluster-wide holds, the same in every {@link ObjectStore}: each store's test subclasses
 * this with a fresh, empty store.
 */
public abstract class RotationPolicyStoreContract {
    protected ObjectStore store;

    protected abstract ObjectStore newStore() throws Exception;

    /** A second store on the same database (another node), or null when the store cannot be shared. */
    protected abstract ObjectStore sameDatabase() throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void policiesAreStoredListedInNameOrderAndRemoved() throws Exception {
        RotationPolicy b = new RotationPolicy("b-group", "payments", null, null, 86_400, 3_600L, 1_700_000_000L);
        RotationPolicy a = new RotationPolicy("a-aes", null, 2, 3, 7_200, null, 1_700_000_001L);
        assertThat((boolean) store.write(tx -> tx.insertRotationPolicy(b))).isTrue();
        assertThat((boolean) store.write(tx -> tx.insertRotationPolicy(a))).isTrue();
        assertThat(store.read(ReadTransaction::rotationPolicies)).containsExactly(a, b);

        RotationPolicy again = new RotationPolicy("b-group", "other", null, null, 60, null, 1L);
        assertThat((boolean) store.write(tx -> tx.insertRotationPolicy(again))).isFalse();
        assertThat(store.read(ReadTransaction::rotationPolicies)).containsExactly(a, b);

        assertThat((boolean) store.write(tx -> tx.deleteRotationPolicy("b-group"))).isTrue();
        assertThat((boolean) store.write(tx -> tx.deleteRotationPolicy("b-group"))).isFalse();
        assertThat(store.read(ReadTransaction::rotationPolicies)).containsExactly(a);
    }

    @Test
    void aUsageLimitAndNoIntervalAreStored() throws Exception {
        RotationPolicy uses = new RotationPolicy("uses", null, 7, null, null, 60L, 1L, 1_000_000L);
        RotationPolicy both = new RotationPolicy("both", "g", null, null, 3_600L, null, 2L, 5L);
        store.write(tx -> tx.insertRotationPolicy(uses) && tx.insertRotationPolicy(both));
        assertThat(store.read(ReadTransaction::rotationPolicies)).containsExactly(both, uses);
    }

    @Test
    void usesAddUpAcrossWritesAndNodesAndARolledBackWriteAddsNone() throws Exception {
        assertThat((long) store.read(tx -> tx.objectUses("k1"))).isZero();
        store.write(tx -> {
            tx.addObjectUses(java.util.Map.of("k1", 3L, "k2", 1L));
            return null;
        });
        store.write(tx -> {
            tx.addObjectUses(java.util.Map.of("k1", 4L));
            return null;
        });
        assertThatThrownBy(() -> store.write(tx -> {
            tx.addObjectUses(java.util.Map.of("k1", 100L));
            throw new IllegalStateException("rolled back");
        })).isInstanceOf(IllegalStateException.class);
        assertThat((long) store.read(tx -> tx.objectUses("k1"))).isEqualTo(7);
        assertThat((long) store.read(tx -> tx.objectUses("k2"))).isEqualTo(1);
        try (ObjectStore other = sameDatabase()) {
            if (other == null) {
                return;
            }
            other.write(tx -> {
                tx.addObjectUses(java.util.Map.of("k1", 5L));
                return null;
            });
            assertThat((long) other.read(tx -> tx.objectUses("k1"))).isEqualTo(12);
        }
        assertThat((long) store.read(tx -> tx.objectUses("k1"))).isEqualTo(12);
    }

    @Test
    void aFailedWriteKeepsNoPolicy() throws Exception {
        RotationPolicy p = new RotationPolicy("p", "g", null, null, 60, null, 1L);
        assertThatThrownBy(() -> store.write(tx -> {
            tx.insertRotationPolicy(p);
            throw new IllegalStateException("rolled back");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(store.read(ReadTransaction::rotationPolicies)).isEmpty();
    }

    @Test
    void aPolicyNeedsAFilterAndAPositiveInterval() {
        assertThatThrownBy(() -> new RotationPolicy("p", null, null, null, 60, null, 1L))
                .hasMessageContaining("no filter");
        assertThatThrownBy(() -> new RotationPolicy("p", "g", null, null, 0, null, 1L))
                .hasMessageContaining("interval");
        assertThatThrownBy(() -> new RotationPolicy("p", "g", null, null, null, null, 1L, null))
                .hasMessageContaining("no limit");
        assertThatThrownBy(() -> new RotationPolicy("p", "g", null, null, null, null, 1L, 0L))
                .hasMessageContaining("max uses 0");
    }

    @Test
    void aHoldIsExclusiveAcrossStoresOnOneDatabaseUntilClosed() throws Exception {
        Optional<ObjectStore.Exclusive> first = store.tryExclusive("rotation");
        assertThat(first).isPresent();
        assertThat(store.tryExclusive("rotation")).as("the same task again in the same store").isEmpty();
        try (ObjectStore other = sameDatabase()) {
            if (other == null) {
                first.get().close();
                return;
            }
            assertThat(other.tryExclusive("rotation")).as("another node").isEmpty();
            Optional<ObjectStore.Exclusive> otherTask = other.tryExclusive("another-task");
            assertThat(otherTask).isPresent();
            otherTask.get().close();
            first.get().close();
            Optional<ObjectStore.Exclusive> taken = other.tryExclusive("rotation");
            assertThat(taken).as("after release").isPresent();
            assertThat(store.tryExclusive("rotation")).isEmpty();
            taken.get().close();
        }
        Optional<ObjectStore.Exclusive> back = store.tryExclusive("rotation");
        assertThat(back).isPresent();
        back.get().close();
    }
}
