package io.keyhold.server.auth;

import static io.keyhold.server.store.ObjectStoreContract.attr;
import static io.keyhold.server.store.ObjectStoreContract.key;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.Grant;
import io.keyhold.server.store.Grant.GranteeKind;
import io.keyhold.server.store.Grant.TargetKind;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.store.memory.InMemoryObjectStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link AccessPolicy}: owner, administrators, grants by object or Object Group to identities or groups. */
class AccessPolicyTest {
    private final InMemoryObjectStore store = new InMemoryObjectStore();
    private final AccessPolicy policy = new AccessPolicy(Set.of("root"), Map.of("ops", List.of("carol", "dave")));
    private final Identity alice = new Identity("alice");
    private final Identity bob = new Identity("bob");
    private final Identity carol = new Identity("carol");
    private final Identity root = new Identity("root");
    private StoredObject key;
    private StoredObject financeKey;
    private StoredObject serverKey;

    @BeforeEach
    void objects() throws Exception {
        key = key("k1", "alice", State.ACTIVE);
        financeKey = key("k2", "alice", State.ACTIVE, attr("Object Group", TtlvItem.text(Tag.OBJECT_GROUP, "finance")));
        serverKey = key("ca", "", State.ACTIVE);
        store.write(tx -> {
            tx.insert(key);
            tx.insert(financeKey);
            tx.insert(serverKey);
            return null;
        });
    }

    private void grant(Grant g) throws KmipException {
        store.write(tx -> tx.insertGrant(g, 0L));
    }

    private boolean permits(Identity who, Operation op, StoredObject o) throws KmipException {
        return store.read(tx -> policy.permits(who, Optional.ofNullable(op), o, tx));
    }

    @Test
    void permits_owner_everyOperation() throws Exception {
        for (Operation op : List.of(Operation.GET, Operation.DESTROY, Operation.ENCRYPT, Operation.MODIFY_ATTRIBUTE)) {
            assertThat(permits(alice, op, key)).as(op.specName()).isTrue();
        }
        assertThat(permits(alice, null, key)).isTrue();
    }

    @Test
    void permits_otherIdentityWithoutGrant_nothing() throws Exception {
        assertThat(permits(bob, Operation.GET, key)).isFalse();
        assertThat(permits(bob, Operation.LOCATE, key)).isFalse();
        assertThat(permits(bob, null, key)).isFalse();
    }

    @Test
    void permits_administrator_everyOperationOnEveryClientObject() throws Exception {
        assertThat(permits(root, Operation.DESTROY, key)).isTrue();
        assertThat(permits(root, Operation.GET, financeKey)).isTrue();
        assertThat(policy.isAdministrator(root)).isTrue();
        assertThat(policy.isAdministrator(alice)).isFalse();
    }

    @Test
    void permits_serverObject_neverEvenForAdministratorsOrGrants() throws Exception {
        grant(new Grant(TargetKind.OBJECT, "ca", GranteeKind.IDENTITY, "bob", Grant.ALL_OPERATIONS));
        assertThat(permits(root, Operation.GET, serverKey)).isFalse();
        assertThat(permits(bob, Operation.GET, serverKey)).isFalse();
    }

    @Test
    void permits_grantByIdentifier_onlyTheGrantedOperationAndObject() throws Exception {
        grant(new Grant(TargetKind.OBJECT, "k1", GranteeKind.IDENTITY, "bob", "Get"));
        assertThat(permits(bob, Operation.GET, key)).isTrue();
        assertThat(permits(bob, Operation.DESTROY, key)).isFalse();
        assertThat(permits(bob, Operation.GET, financeKey)).isFalse();
        assertThat(permits(carol, Operation.GET, key)).isFalse();
        assertThat(permits(bob, null, key)).as("no operation named: only grants of every operation").isFalse();
    }

    @Test
    void permits_grantOfAllOperations_coversEveryOperation() throws Exception {
        grant(new Grant(TargetKind.OBJECT, "k1", GranteeKind.IDENTITY, "bob", Grant.ALL_OPERATIONS));
        assertThat(permits(bob, Operation.DESTROY, key)).isTrue();
        assertThat(permits(bob, null, key)).isTrue();
    }

    @Test
    void permits_grantByObjectGroup_coversObjectsOfThatGroupOnly() throws Exception {
        grant(new Grant(TargetKind.OBJECT_GROUP, "finance", GranteeKind.IDENTITY, "bob", "Encrypt"));
        assertThat(permits(bob, Operation.ENCRYPT, financeKey)).isTrue();
        assertThat(permits(bob, Operation.ENCRYPT, key)).isFalse();
    }

    @Test
    void permits_grantToIdentityGroup_coversItsMembersOnly() throws Exception {
        grant(new Grant(TargetKind.OBJECT_GROUP, "finance", GranteeKind.GROUP, "ops", "Get"));
        assertThat(permits(carol, Operation.GET, financeKey)).isTrue();
        assertThat(permits(new Identity("dave"), Operation.GET, financeKey)).isTrue();
        assertThat(permits(bob, Operation.GET, financeKey)).isFalse();
        assertThat(permits(new Identity("ops"), Operation.GET, financeKey)).as("a group is not an identity").isFalse();
        assertThat(policy.groupsOf(carol)).containsExactly("ops");
    }

    @Test
    void permits_revokedGrant_isNoLongerHonoured() throws Exception {
        Grant g = new Grant(TargetKind.OBJECT, "k1", GranteeKind.IDENTITY, "bob", "Get");
        grant(g);
        assertThat(permits(bob, Operation.GET, key)).isTrue();
        store.write(tx -> tx.deleteGrant(g));
        assertThat(permits(bob, Operation.GET, key)).isFalse();
    }

    @Test
    void mayManageGrants_ownerOnOwnObjects_administratorEverywhere_granteeNever() throws Exception {
        grant(new Grant(TargetKind.OBJECT, "k1", GranteeKind.IDENTITY, "bob", Grant.ALL_OPERATIONS));
        assertThat(policy.mayManageGrants(alice, TargetKind.OBJECT, Optional.of(key))).isTrue();
        assertThat(policy.mayManageGrants(alice, TargetKind.OBJECT_GROUP, Optional.empty())).isFalse();
        assertThat(policy.mayManageGrants(bob, TargetKind.OBJECT, Optional.of(key))).isFalse();
        assertThat(policy.mayManageGrants(root, TargetKind.OBJECT_GROUP, Optional.empty())).isTrue();
        assertThat(policy.mayManageGrants(alice, TargetKind.OBJECT, Optional.of(serverKey))).isFalse();
    }

    @Test
    void visibleTo_carriesIdentityGroupsAndAdministrator() {
        assertThat(policy.visibleTo(carol).groups()).containsExactly("ops");
        assertThat(policy.visibleTo(carol).administrator()).isFalse();
        assertThat(policy.visibleTo(root).administrator()).isTrue();
    }
}
