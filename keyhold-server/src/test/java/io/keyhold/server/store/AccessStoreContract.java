package io.keyhold.server.store;

import static io.keyhold.server.store.ObjectStoreContract.attr;
import static io.keyhold.server.store.ObjectStoreContract.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.Grant.GranteeKind;
import io.keyhold.server.store.Grant.TargetKind;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Grants, users and Locate's client visibility, the same in every {@link ObjectStore}: each store's test
 * subclasses this with a fresh, empty store.
 */
public abstract class AccessStoreContract {
    private static final Set<StorageStatus> ANY = EnumSet.allOf(StorageStatus.class);

    protected ObjectStore store;

    protected abstract ObjectStore newStore() throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = newStore();
        // a (alice), b (alice, group finance), c (bob, groups finance and hr), d (bob), ca (server object)
        store.write(tx -> {
            tx.insert(key("a", "alice", State.ACTIVE));
            tx.insert(key("b", "alice", State.ACTIVE, group(0, "finance")));
            tx.insert(key("c", "bob", State.ACTIVE, group(0, "finance"), group(1, "hr")));
            tx.insert(key("d", "bob", State.ACTIVE));
            tx.insert(key("ca", "", State.ACTIVE, group(0, "finance")));
            return null;
        });
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static io.keyhold.protocol.message.KmipAttribute group(int index, String name) {
        return attr("Object Group", index, TtlvItem.text(Tag.OBJECT_GROUP, name));
    }

    private static Grant onObject(String uid, String identity, String operation) {
        return new Grant(TargetKind.OBJECT, uid, GranteeKind.IDENTITY, identity, operation);
    }

    private static Grant onGroup(String group, GranteeKind kind, String grantee, String operation) {
        return new Grant(TargetKind.OBJECT_GROUP, group, kind, grantee, operation);
    }

    private void grant(Grant... grants) throws KmipException {
        store.write(tx -> {
            for (Grant g : grants) {
                tx.insertGrant(g, 1_700_000_000L);
            }
            return null;
        });
    }

    private List<String> visible(String identity, Set<String> groups, boolean administrator) throws KmipException {
        LocateQuery q = new LocateQuery(null, new LocateQuery.VisibleTo(identity, groups, administrator), List.of(), ANY, 0, -1);
        return store.read(tx -> tx.locate(q));
    }

    private long visibleCount(String identity, Set<String> groups) throws KmipException {
        LocateQuery q = new LocateQuery(null, new LocateQuery.VisibleTo(identity, groups, false), List.of(), ANY, 0, -1);
        return store.read(tx -> tx.count(q));
    }


    private boolean insertGrant(Grant g, long at) throws KmipException {
        return store.write(tx -> tx.insertGrant(g, at));
    }

    private boolean deleteGrant(Grant g) throws KmipException {
        return store.write(tx -> tx.deleteGrant(g));
    }

    private boolean putUser(String name, String hash, long at) throws KmipException {
        return store.write(tx -> tx.putUser(name, hash, at));
    }

    private boolean deleteUser(String name) throws KmipException {
        return store.write(tx -> tx.deleteUser(name));
    }

    private List<Grant> allGrants() throws KmipException {
        return store.read(ReadTransaction::grants);
    }

    private List<Grant> grantsOn(String uid, List<String> groups) throws KmipException {
        return store.read(tx -> tx.grantsOn(uid, groups));
    }

    private Optional<String> hash(String name) throws KmipException {
        return store.read(tx -> tx.passwordHash(name));
    }

    private List<String> users() throws KmipException {
        return store.read(ReadTransaction::usernames);
    }

    private List<String> locate(LocateQuery q) throws KmipException {
        return store.read(tx -> tx.locate(q));
    }

    private long count(LocateQuery q) throws KmipException {
        return store.read(tx -> tx.count(q));
    }

    @Test
    void insertGrant_sameGrantTwice_isStoredOnce() throws Exception {
        Grant g = onObject("a", "bob", "Get");
        assertThat(insertGrant(g, 1L)).isTrue();
        assertThat(insertGrant(g, 2L)).isFalse();
        assertThat(allGrants()).containsExactly(g);
    }

    @Test
    void deleteGrant_removesOnlyThatOperation() throws Exception {
        grant(onObject("a", "bob", "Get"), onObject("a", "bob", "Encrypt"));
        assertThat(deleteGrant(onObject("a", "bob", "Get"))).isTrue();
        assertThat(deleteGrant(onObject("a", "bob", "Get"))).isFalse();
        assertThat(allGrants()).containsExactly(onObject("a", "bob", "Encrypt"));
    }

    @Test
    void grantsOn_returnsGrantsByIdentifierAndByTheObjectsGroups() throws Exception {
        Grant byUid = onObject("c", "carol", "Get");
        Grant byGroup = onGroup("hr", GranteeKind.GROUP, "ops", "*");
        Grant otherObject = onObject("d", "carol", "Get");
        Grant otherGroup = onGroup("legal", GranteeKind.IDENTITY, "carol", "Get");
        grant(byUid, byGroup, otherObject, otherGroup);
        assertThat(grantsOn("c", List.of("finance", "hr"))).containsExactlyInAnyOrder(byUid, byGroup);
        assertThat(grantsOn("a", List.of())).isEmpty();
    }

    @Test
    void grants_areListedInKeyOrder() throws Exception {
        Grant g1 = onGroup("finance", GranteeKind.IDENTITY, "bob", "Get");
        Grant g2 = onObject("b", "carol", "Get");
        Grant g3 = onObject("a", "carol", "Get");
        grant(g1, g2, g3);
        assertThat(allGrants()).containsExactly(g3, g2, g1);
    }

    @Test
    void grantChange_inFailedWork_isRolledBack() throws Exception {
        assertThatThrownBy(() -> store.write(tx -> {
            tx.insertGrant(onObject("a", "bob", "Get"), 1L);
            tx.putUser("bob", "hash", 1L);
            throw new KmipException(ResultReason.GENERAL_FAILURE, "undo");
        })).isInstanceOf(KmipException.class);
        assertThat(allGrants()).isEmpty();
        assertThat(hash("bob")).isEmpty();
    }

    @Test
    void users_putReplaceListDelete() throws Exception {
        assertThat(putUser("zoe", "h1", 1L)).isFalse();
        assertThat(putUser("adam", "h2", 1L)).isFalse();
        assertThat(putUser("zoe", "h3", 2L)).isTrue();
        assertThat(hash("zoe")).isEqualTo(Optional.of("h3"));
        assertThat(users()).containsExactly("adam", "zoe");
        assertThat(deleteUser("zoe")).isTrue();
        assertThat(deleteUser("zoe")).isFalse();
        assertThat(hash("zoe")).isEmpty();
    }

    @Test
    void locate_visibleTo_withoutGrants_returnsOwnObjectsOnly() throws Exception {
        assertThat(visible("alice", Set.of(), false)).containsExactly("a", "b");
        assertThat(visible("carol", Set.of(), false)).isEmpty();
    }

    @Test
    void locate_visibleTo_addsObjectsGrantedByIdentifierAndByGroup() throws Exception {
        grant(onObject("d", "alice", "Get"), onGroup("hr", GranteeKind.IDENTITY, "alice", "Encrypt"));
        assertThat(visible("alice", Set.of(), false)).containsExactly("a", "b", "c", "d");
        assertThat(visibleCount("alice", Set.of())).isEqualTo(4);
    }

    @Test
    void locate_visibleTo_identityGroupGrant_needsMembership() throws Exception {
        grant(onGroup("finance", GranteeKind.GROUP, "ops", "Get"), onObject("d", "ops", "Get"));
        // a grant to the identity group "ops" is not a grant to an identity named "ops", and vice versa
        assertThat(visible("carol", Set.of("ops"), false)).containsExactly("b", "c");
        assertThat(visible("carol", Set.of(), false)).isEmpty();
        assertThat(visible("ops", Set.of(), false)).containsExactly("d");
    }

    @Test
    void locate_visibleTo_neverReturnsServerObjects() throws Exception {
        grant(onGroup("finance", GranteeKind.IDENTITY, "carol", "*"), onObject("ca", "carol", "*"));
        assertThat(visible("carol", Set.of(), false)).containsExactly("b", "c");
        assertThat(visible("root", Set.of(), true)).containsExactly("a", "b", "c", "d");
    }

    @Test
    void locate_visibleTo_combinesWithOwnerAndCriteriaAndPaging() throws Exception {
        grant(onGroup("finance", GranteeKind.IDENTITY, "alice", "Get"));
        LocateQuery.VisibleTo alice = new LocateQuery.VisibleTo("alice", Set.of(), false);
        LocateQuery inFinance = new LocateQuery(null, alice,
                List.of(new LocateQuery.Equals("Object Group", TtlvItem.text(Tag.OBJECT_GROUP, "finance"))), ANY, 1, 5);
        assertThat(locate(inFinance)).containsExactly("c");
        assertThat(count(inFinance)).isEqualTo(2);
        LocateQuery bobsOnly = new LocateQuery("bob", alice, List.of(), ANY, 0, -1);
        assertThat(locate(bobsOnly)).containsExactly("c");
    }
}
