package io.keyhold.server.auth;

import static io.keyhold.server.store.ObjectStoreContract.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.State;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.audit.AuditRecord;
import io.keyhold.server.audit.AuditVerifier;
import io.keyhold.server.store.Grant;
import io.keyhold.server.store.Grant.GranteeKind;
import io.keyhold.server.store.Grant.TargetKind;
import io.keyhold.server.store.memory.InMemoryObjectStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link Grants} and {@link Users}: who may change what, and that refused changes store nothing. */
class GrantsTest {
    private final InMemoryObjectStore store = new InMemoryObjectStore();
    private final AccessPolicy policy = new AccessPolicy(Set.of("root"), Map.of());
    private final Grants grants = new Grants(store, policy, Clock.systemUTC());
    private final Users users = new Users(store, policy, new PasswordHashes(64, 1, 1), Clock.systemUTC());
    private final Actor operator = new Actor.Operator("ops");
    private final Grants.Target k1 = new Grants.Target(TargetKind.OBJECT, "k1");
    private final Grants.Grantee bob = new Grants.Grantee(GranteeKind.IDENTITY, "bob");

    @BeforeEach
    void objects() throws Exception {
        store.write(tx -> {
            tx.insert(key("k1", "alice", State.ACTIVE));
            tx.insert(key("ca", "", State.ACTIVE));
            return null;
        });
    }

    private static Actor client(String name) {
        return new Actor.Client(new Identity(name), "127.0.0.1:4242");
    }

    /** The audit records written after the test's objects were stored. */
    private List<AuditEvent> records() {
        return store.auditRecords().stream().map(AuditRecord::event).toList();
    }

    private void assertChainVerifies() {
        AuditVerifier v = new AuditVerifier();
        store.auditRecords().forEach(v::accept);
        assertThat(v.finish(Optional.empty()).problem()).isEmpty();
    }

    private static KmipException failure(ThrowingCall call) {
        KmipException e = catchThrowableOfType(KmipException.class, call::run);
        assertThat(e).as("expected a KmipException").isNotNull();
        return e;
    }

    private interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void grant_operator_storesOneGrantPerOperation() throws Exception {
        List<Grant> added = grants.grant(operator, k1, bob, Set.of("get", "Get-Attributes"));
        assertThat(added).extracting(Grant::operation).containsExactlyInAnyOrder("Get", "Get Attributes");
        assertThat(records()).singleElement().satisfies(e -> {
            assertThat(e.identity()).isEqualTo("operator ops");
            assertThat(e.sourceAddress()).isEqualTo("local");
            assertThat(e.protocolVersion()).isNull();
            assertThat(e.operation()).isEqualTo("Grant");
            assertThat(e.uniqueIdentifiers()).containsExactly("k1");
            assertThat(e.resultStatus()).isEqualTo("Success");
            assertThat(e.detail()).isIn("granted Get, Get Attributes on object k1 to identity bob",
                    "granted Get Attributes, Get on object k1 to identity bob");
        });
        assertThat(grants.grant(operator, k1, bob, Set.of("GET"))).isEmpty();
        assertThat(records()).as("a grant that already existed changes nothing").hasSize(1);
        assertThat(grants.list(Optional.of("k1"), Optional.empty())).hasSize(2);
        assertThat(grants.list(Optional.empty(), Optional.of("carol"))).isEmpty();
    }

    @Test
    void grant_all_isTheWildcard() throws Exception {
        assertThat(grants.grant(operator, k1, bob, Set.of("all"))).extracting(Grant::operation).containsExactly("*");
    }

    @Test
    void grant_unknownOperation_isInvalidFieldAndStoresNothing() throws Exception {
        KmipException e = failure(() -> grants.grant(operator, k1, bob, Set.of("get", "teleport")));
        assertThat(e.reason()).isEqualTo(ResultReason.INVALID_FIELD);
        assertThat(e.getMessage()).contains("\"teleport\"");
        assertThat(grants.list(Optional.empty(), Optional.empty())).isEmpty();
        assertThat(records()).isEmpty();
    }

    @Test
    void grant_unknownOrServerObject_isObjectNotFound() throws Exception {
        assertThat(failure(() -> grants.grant(operator, new Grants.Target(TargetKind.OBJECT, "nope"), bob, Set.of("get")))
                .reason()).isEqualTo(ResultReason.OBJECT_NOT_FOUND);
        assertThat(failure(() -> grants.grant(operator, new Grants.Target(TargetKind.OBJECT, "ca"), bob, Set.of("get")))
                .reason()).isEqualTo(ResultReason.OBJECT_NOT_FOUND);
        assertThat(grants.list(Optional.empty(), Optional.empty())).isEmpty();
        assertThat(records()).as("a refused change leaves no record").isEmpty();
    }

    @Test
    void grant_ownerClient_mayGrantItsObject_butNotAnObjectGroup() throws Exception {
        assertThat(grants.grant(client("alice"), k1, bob, Set.of("get"))).hasSize(1);
        KmipException e = failure(() -> grants.grant(client("alice"), new Grants.Target(TargetKind.OBJECT_GROUP, "finance"),
                bob, Set.of("get")));
        assertThat(e.reason()).isEqualTo(ResultReason.PERMISSION_DENIED);
        assertThat(records()).singleElement().satisfies(r -> {
            assertThat(r.identity()).isEqualTo("client alice");
            assertThat(r.sourceAddress()).isEqualTo("127.0.0.1:4242");
            assertThat(r.detail()).isEqualTo("granted Get on object k1 to identity bob");
        });
    }

    @Test
    void grant_granteeClient_cannotPassItOn_andAnOutsiderSeesNoObject() throws Exception {
        grants.grant(operator, k1, bob, Set.of("all"));
        KmipException byGrantee = failure(() -> grants.grant(client("bob"), k1,
                new Grants.Grantee(GranteeKind.IDENTITY, "carol"), Set.of("get")));
        assertThat(byGrantee.reason()).isEqualTo(ResultReason.PERMISSION_DENIED);
        KmipException byOutsider = failure(() -> grants.grant(client("carol"), k1,
                new Grants.Grantee(GranteeKind.IDENTITY, "carol"), Set.of("get")));
        assertThat(byOutsider).isInstanceOf(AccessDenied.class);
        assertThat(byOutsider.reason()).isEqualTo(ResultReason.OBJECT_NOT_FOUND);
        assertThat(grants.list(Optional.empty(), Optional.empty())).hasSize(1);
        assertThat(records()).extracting(AuditEvent::detail).containsExactly("granted all operations on object k1 to identity bob");
    }

    @Test
    void grant_administratorClient_mayGrantObjectGroups() throws Exception {
        assertThat(grants.grant(client("root"), new Grants.Target(TargetKind.OBJECT_GROUP, "finance"),
                new Grants.Grantee(GranteeKind.GROUP, "ops"), Set.of("encrypt"))).hasSize(1);
        assertThat(records()).singleElement().satisfies(e -> {
            assertThat(e.uniqueIdentifiers()).as("an Object Group is not an object").isEmpty();
            assertThat(e.objectCount()).isZero();
            assertThat(e.detail()).isEqualTo("granted Encrypt on object group finance to group ops");
        });
    }

    @Test
    void revoke_someOperations_thenTheRest() throws Exception {
        grants.grant(operator, k1, bob, Set.of("get", "encrypt", "decrypt"));
        assertThat(grants.revoke(operator, k1, bob, Set.of("encrypt"))).extracting(Grant::operation).containsExactly("Encrypt");
        assertThat(grants.revoke(operator, k1, bob, Set.of())).extracting(Grant::operation)
                .containsExactlyInAnyOrder("Get", "Decrypt");
        assertThat(failure(() -> grants.revoke(operator, k1, bob, Set.of())).reason()).isEqualTo(ResultReason.ITEM_NOT_FOUND);
        List<AuditEvent> r = records();
        assertThat(r).extracting(AuditEvent::operation).containsExactly("Grant", "Revoke Grant", "Revoke Grant");
        assertThat(r.get(1).detail()).isEqualTo("revoked Encrypt on object k1 from identity bob");
        assertThat(r.get(2).detail()).startsWith("revoked ").contains("Get", "Decrypt")
                .endsWith(" on object k1 from identity bob");
        assertThat(r.get(2).uniqueIdentifiers()).containsExactly("k1");
        assertChainVerifies();
    }

    @Test
    void users_addReplaceRemove_andOnlyAdministratorClients() throws Exception {
        users.add(operator, "svc", "pw1".toCharArray(), false);
        assertThat(failure(() -> users.add(operator, "svc", "pw2".toCharArray(), false)).reason())
                .isEqualTo(ResultReason.OBJECT_ALREADY_EXISTS);
        String before = store.read(tx -> tx.passwordHash("svc")).orElseThrow();
        users.add(client("root"), "svc", "pw2".toCharArray(), true);
        String after = store.read(tx -> tx.passwordHash("svc")).orElseThrow();
        assertThat(PasswordHashes.matches("pw1".toCharArray(), before)).isTrue();
        assertThat(PasswordHashes.matches("pw2".toCharArray(), after)).isTrue();
        assertThat(failure(() -> users.remove(client("alice"), "svc")).reason()).isEqualTo(ResultReason.PERMISSION_DENIED);
        assertThat(users.list()).containsExactly("svc");
        users.remove(operator, "svc");
        assertThat(users.list()).isEmpty();
        assertThat(failure(() -> users.remove(operator, "svc")).reason()).isEqualTo(ResultReason.ITEM_NOT_FOUND);
        List<AuditEvent> r = records();
        assertThat(r).extracting(AuditEvent::operation).containsExactly("Add User", "Change Password", "Remove User");
        assertThat(r).extracting(AuditEvent::detail).containsExactly("user svc added", "password of user svc changed",
                "user svc removed");
        assertThat(r).extracting(AuditEvent::identity).containsExactly("operator ops", "client root", "operator ops");
        assertThat(r).extracting(AuditEvent::sourceAddress).containsExactly("local", "127.0.0.1:4242", "local");
        assertThat(r).allSatisfy(e -> {
            assertThat(e.uniqueIdentifiers()).isEmpty();
            assertThat(e.toString()).doesNotContain("pw1", "pw2", before, after);
        });
        assertChainVerifies();
    }

    @Test
    void users_badNameOrPassword_isInvalidField() throws Exception {
        assertThat(failure(() -> users.add(operator, " svc", "pw".toCharArray(), false)).reason())
                .isEqualTo(ResultReason.INVALID_FIELD);
        assertThat(failure(() -> users.add(operator, "svc", new char[0], false)).reason())
                .isEqualTo(ResultReason.INVALID_FIELD);
        assertThat(failure(() -> users.add(operator, "a\nb", "pw".toCharArray(), false)).reason())
                .isEqualTo(ResultReason.INVALID_FIELD);
        assertThat(records()).isEmpty();
    }
}
