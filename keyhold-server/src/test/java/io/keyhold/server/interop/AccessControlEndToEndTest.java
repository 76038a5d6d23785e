package io.keyhold.server.interop;

import static io.keyhold.server.testing.KmipAssertions.fails;
import static io.keyhold.server.testing.Payloads.createAes;
import static io.keyhold.server.testing.Payloads.getAttributes;
import static io.keyhold.server.testing.Payloads.name;
import static io.keyhold.server.testing.Payloads.objectGroup;
import static io.keyhold.server.testing.Payloads.payload;
import static io.keyhold.server.testing.Payloads.uid;
import static io.keyhold.server.testing.Payloads.withUid;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestHeader;
import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.CredentialType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ServerAssembly;
import io.keyhold.server.audit.AuditChain;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.audit.AuditVerifier;
import io.keyhold.server.auth.AccessPolicy;
import io.keyhold.server.auth.Actor;
import io.keyhold.server.auth.Grants;
import io.keyhold.server.auth.PasswordHashes;
import io.keyhold.server.auth.Users;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.store.Grant.GranteeKind;
import io.keyhold.server.store.Grant.TargetKind;
import io.keyhold.server.store.sql.SqlAuditLog;
import io.keyhold.server.store.sql.SqlObjectStore;
import io.keyhold.server.testing.KmipTestClient;
import io.keyhold.server.testing.LiveServer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access control over real mutual TLS (client1 and client2 of the development PKI): another client's
 * object is indistinguishable from a missing one until a grant allows an operation; grants and users are
 * changed in the database by a second store, as {@code keyhold grant} and {@code keyhold user} do while
 * the server runs.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AccessControlEndToEndTest {
    private static final KmipVersion V14 = KmipVersion.V1_4;
    private static final KmipVersion V21 = KmipVersion.V2_1;
    private static final Actor OPERATOR = new Actor.Operator("test");

    @TempDir
    Path dir;

    private static String create(KmipTestClient c, KmipAttribute... more) throws Exception {
        return c.ok(V14, Operation.CREATE, createAes(V14, 256, more)).child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
    }

    /** The store of the running server's database, opened separately as the command line does. */
    private static SqlObjectStore database(LiveServer server) {
        return SqlObjectStore.open(server.config().storage().database(),
                ServerAssembly.openMasterKey(server.config().masterKey(), Map.of()));
    }

    private static void grant(LiveServer server, Grants.Target target, Grants.Grantee grantee, String... operations)
            throws KmipException {
        try (SqlObjectStore db = database(server)) {
            new Grants(db, AccessPolicy.DEFAULT, Clock.systemUTC()).grant(OPERATOR, target, grantee, Set.of(operations));
        }
    }

    private static void revoke(LiveServer server, Grants.Target target, Grants.Grantee grantee) throws KmipException {
        try (SqlObjectStore db = database(server)) {
            new Grants(db, AccessPolicy.DEFAULT, Clock.systemUTC()).revoke(OPERATOR, target, grantee, Set.of());
        }
    }

    private static Grants.Target object(String uid) {
        return new Grants.Target(TargetKind.OBJECT, uid);
    }

    private static final Grants.Grantee CLIENT2 = new Grants.Grantee(GranteeKind.IDENTITY, "client2");

    private static TtlvItem locateByName(String name) {
        return payload(TtlvItem.integer(Tag.MAXIMUM_ITEMS, 10),
                AttributeMapping.toAttribute(name(name)));
    }

    private static List<String> located(TtlvItem response) {
        return response.childrenWith(Tag.UNIQUE_IDENTIFIER).stream().map(TtlvItem::textValue).toList();
    }

    private static int locatedItems(TtlvItem response) {
        return response.child(Tag.LOCATED_ITEMS).orElseThrow().intValue();
    }

    /** The same failure as for a missing object: reason and message, the identifier aside. */
    private static void answersAsMissing(KmipTestClient c, Operation op, String uid, java.util.function.Function<String, TtlvItem> request)
            throws Exception {
        String missing = UUID.randomUUID().toString();
        ResponseBatchItem denied = c.call(V14, op, request.apply(uid));
        ResponseBatchItem absent = c.call(V14, op, request.apply(missing));
        fails(absent, ResultReason.ITEM_NOT_FOUND);
        fails(denied, ResultReason.ITEM_NOT_FOUND);
        assertThat(denied.resultMessage()).as(op.specName()).isEqualTo(absent.resultMessage().replace(missing, uid));
    }

    @Test
    void otherClientsObject_isAnsweredAsMissing_untilGranted_andAgainAfterRevoke() throws Exception {
        Path database;
        String key;
        try (LiveServer server = LiveServer.start(dir);
             KmipTestClient c1 = server.client("client1"); KmipTestClient c2 = server.client("client2")) {
            database = server.config().storage().database();
            key = create(c1, name("acl-e2e-key"));

            answersAsMissing(c2, Operation.GET, key, u -> withUid(u));
            answersAsMissing(c2, Operation.GET_ATTRIBUTES, key, u -> getAttributes(V14, u, "State"));
            answersAsMissing(c2, Operation.ENCRYPT, key, u -> payload(uid(u), TtlvItem.bytes(Tag.DATA, new byte[16])));
            answersAsMissing(c2, Operation.DESTROY, key, u -> withUid(u));
            TtlvItem none = c2.ok(V14, Operation.LOCATE, locateByName("acl-e2e-key"));
            assertThat(located(none)).isEmpty();
            assertThat(locatedItems(none)).isZero();

            grant(server, object(key), CLIENT2, "get");
            assertThat(c2.ok(V14, Operation.GET, withUid(key)).child(Tag.SYMMETRIC_KEY)).isPresent();
            TtlvItem found = c2.ok(V14, Operation.LOCATE, locateByName("acl-e2e-key"));
            assertThat(located(found)).containsExactly(key);
            assertThat(locatedItems(found)).isEqualTo(1);
            answersAsMissing(c2, Operation.DESTROY, key, u -> withUid(u));
            answersAsMissing(c2, Operation.ACTIVATE, key, u -> withUid(u));

            revoke(server, object(key), CLIENT2);
            answersAsMissing(c2, Operation.GET, key, u -> withUid(u));
            assertThat(located(c2.ok(V14, Operation.LOCATE, locateByName("acl-e2e-key")))).isEmpty();
            // the owner was never affected
            assertThat(c1.ok(V14, Operation.GET, withUid(key)).child(Tag.SYMMETRIC_KEY)).isPresent();
        }
        // the grant changes, made by a second store while the server ran, sit in the one chain with the requests
        List<AuditEvent> records = new ArrayList<>();
        AuditVerifier verifier = new AuditVerifier();
        try (SqlAuditLog log = SqlAuditLog.open(database)) {
            Optional<AuditChain.Head> head = log.scan(r -> {
                records.add(r.event());
                return verifier.accept(r);
            });
            assertThat(verifier.finish(head).problem()).isEmpty();
        }
        assertThat(records).filteredOn(e -> "local".equals(e.sourceAddress()))
                .extracting(e -> e.identity() + "/" + e.operation() + "/" + e.uniqueIdentifiers() + "/" + e.detail())
                .containsExactly("operator test/Grant/[" + key + "]/granted Get on object " + key + " to identity client2",
                        "operator test/Revoke Grant/[" + key + "]/revoked Get on object " + key + " from identity client2");
        List<AuditEvent> notFound = records.stream().filter(e -> "Item Not Found".equals(e.resultReason())).toList();
        assertThat(notFound).hasSize(14); // 7 denials, each beside a truly missing object
        assertThat(notFound).filteredOn(e -> e.uniqueIdentifiers().contains(key))
                .hasSize(7).allSatisfy(e -> assertThat(e.detail()).isEqualTo("access denied"));
        assertThat(notFound).filteredOn(e -> e.uniqueIdentifiers().isEmpty())
                .hasSize(7).allSatisfy(e -> assertThat(e.detail()).isNull());
    }

    @Test
    void objectGroupGrant_toIdentityGroup_coversTheGroupsObjects() throws Exception {
        ServerConfig.Access access = new ServerConfig.Access(List.of(), Map.of("readers", List.of("client2")),
                ServerConfig.PasswordCredentials.DISABLED);
        try (LiveServer server = LiveServer.start(dir, access);
             KmipTestClient c1 = server.client("client1"); KmipTestClient c2 = server.client("client2")) {
            String inGroup = create(c1, objectGroup("acl-finance"));
            String other = create(c1);
            grant(server, new Grants.Target(TargetKind.OBJECT_GROUP, "acl-finance"),
                    new Grants.Grantee(GranteeKind.GROUP, "readers"), "get", "get-attributes");

            assertThat(c2.ok(V14, Operation.GET, withUid(inGroup)).child(Tag.SYMMETRIC_KEY)).isPresent();
            answersAsMissing(c2, Operation.GET, other, u -> withUid(u));
            answersAsMissing(c2, Operation.DESTROY, inGroup, u -> withUid(u));
            TtlvItem found = c2.ok(V14, Operation.LOCATE, payload(TtlvItem.integer(Tag.MAXIMUM_ITEMS, 10)));
            assertThat(located(found)).containsExactly(inGroup);
            assertThat(locatedItems(found)).isEqualTo(1);
        }
    }

    @Test
    void administrator_mayUseAndDestroyEveryClientsObject() throws Exception {
        try (LiveServer server = LiveServer.start(dir, new ServerConfig.Access(List.of("client2")));
             KmipTestClient c1 = server.client("client1"); KmipTestClient c2 = server.client("client2")) {
            String key = create(c1, name("acl-admin-key"));
            assertThat(located(c2.ok(V14, Operation.LOCATE, locateByName("acl-admin-key")))).containsExactly(key);
            // a replacement made by the administrator still belongs to the owner of the replaced key
            String replacement = c2.ok(V14, Operation.RE_KEY, withUid(create(c1))).child(Tag.UNIQUE_IDENTIFIER)
                    .orElseThrow().textValue();
            assertThat(c1.ok(V14, Operation.GET, withUid(replacement)).child(Tag.SYMMETRIC_KEY)).isPresent();
            assertThat(c2.ok(V14, Operation.GET, withUid(key)).child(Tag.SYMMETRIC_KEY)).isPresent();
            assertThat(c2.ok(V14, Operation.DESTROY, withUid(key)).child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue())
                    .isEqualTo(key);
            // client1, no administrator, still cannot see client2's objects
            String key2 = create(c2);
            answersAsMissing(c1, Operation.GET, key2, u -> withUid(u));
        }
    }

    // ---- Username and Password credentials

    private static TtlvItem credential(String username, String password) {
        return TtlvItem.structure(Tag.AUTHENTICATION, TtlvItem.structure(Tag.CREDENTIAL,
                TtlvItem.enumeration(Tag.CREDENTIAL_TYPE, CredentialType.USERNAME_AND_PASSWORD.value()),
                TtlvItem.structure(Tag.CREDENTIAL_VALUE, TtlvItem.text(Tag.USERNAME, username),
                        TtlvItem.text(Tag.PASSWORD, password))));
    }

    private static ResponseMessage send(KmipTestClient c, KmipVersion v, TtlvItem authentication, RequestBatchItem... items)
            throws Exception {
        RequestHeader header = new RequestHeader(v, null, null, null, null, null, List.of(), authentication, null, null,
                null, items.length);
        return c.send(new RequestMessage(header, List.of(items)));
    }

    private static void addUser(LiveServer server, String name, String password) throws KmipException {
        try (SqlObjectStore db = database(server)) {
            new Users(db, AccessPolicy.DEFAULT, new PasswordHashes(64, 1, 1), Clock.systemUTC())
                    .add(OPERATOR, name, password.toCharArray(), false);
        }
    }

    private static void refusedWholeMessage(ResponseMessage r) {
        assertThat(r.batchItems()).hasSize(1);
        ResponseBatchItem item = r.batchItems().get(0);
        assertThat(item.operationValue()).as("a message-level failure names no operation").isNull();
        fails(item, ResultReason.AUTHENTICATION_NOT_SUCCESSFUL);
        assertThat(item.resultMessage()).doesNotContain("wrong-password").doesNotContain("s3cret");
    }

    @Test
    void acceptedCredentials_nameTheUser_wrongPasswordRefusesTheWholeMessage() throws Exception {
        ServerConfig.Access access = new ServerConfig.Access(List.of(), Map.of(), ServerConfig.PasswordCredentials.ACCEPTED);
        try (LiveServer server = LiveServer.start(dir, access); KmipTestClient c1 = server.client("client1")) {
            addUser(server, "svc-backup", "s3cret");
            for (KmipVersion v : List.of(V14, V21)) {
                ResponseMessage created = send(c1, v, credential("svc-backup", "s3cret"),
                        RequestBatchItem.of(Operation.CREATE, createAes(v, 128, name("acl-svc-" + v))));
                assertThat(created.batchItems().get(0).resultStatus()).isEqualTo(ResultStatus.SUCCESS.value());
                String key = created.batchItems().get(0).payload().child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();

                // the object belongs to the user, not to the certificate's client1
                answersAsMissing(c1, Operation.GET, key, u -> withUid(u));
                ResponseMessage asUser = send(c1, v, credential("svc-backup", "s3cret"),
                        RequestBatchItem.of(Operation.GET, withUid(key)));
                assertThat(asUser.batchItems().get(0).resultStatus()).isEqualTo(ResultStatus.SUCCESS.value());
            }

            ResponseMessage wrong = send(c1, V14, credential("svc-backup", "wrong-password"),
                    RequestBatchItem.of(Operation.CREATE, createAes(V14, 128, name("acl-never-created"))),
                    RequestBatchItem.of(Operation.LOCATE, payload()));
            refusedWholeMessage(wrong);
            refusedWholeMessage(send(c1, V21, credential("nobody", "s3cret"), RequestBatchItem.of(Operation.LOCATE, payload())));
            ResponseMessage noItemRan = send(c1, V14, credential("svc-backup", "s3cret"),
                    RequestBatchItem.of(Operation.LOCATE, locateByName("acl-never-created")));
            assertThat(located(noItemRan.batchItems().get(0).payload())).isEmpty();
        }
    }

    @Test
    void requiredCredentials_requestWithoutOne_isRefused() throws Exception {
        ServerConfig.Access access = new ServerConfig.Access(List.of(), Map.of(), ServerConfig.PasswordCredentials.REQUIRED);
        try (LiveServer server = LiveServer.start(dir, access); KmipTestClient c1 = server.client("client1")) {
            addUser(server, "svc", "s3cret");
            refusedWholeMessage(send(c1, V14, null, RequestBatchItem.of(Operation.CREATE, createAes(V14, 128))));
            ResponseMessage ok = send(c1, V21, credential("svc", "s3cret"), RequestBatchItem.of(Operation.CREATE, createAes(V21, 128)));
            assertThat(ok.batchItems().get(0).resultStatus()).isEqualTo(ResultStatus.SUCCESS.value());
        }
    }
}
