package io.keyhold.server.dispatch;

import static io.keyhold.server.dispatch.DispatcherFixture.header;
import static io.keyhold.server.dispatch.DispatcherFixture.item;
import static io.keyhold.server.testing.Payloads.createAes;
import static io.keyhold.server.testing.Payloads.payload;
import static io.keyhold.server.testing.Payloads.uid;
import static io.keyhold.server.testing.Payloads.withUid;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.BatchErrorContinuationOption;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.VersionRules;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ServerAssembly;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.audit.AuditRecord;
import io.keyhold.server.audit.AuditVerifier;
import io.keyhold.server.store.memory.InMemoryObjectStore;
import io.keyhold.server.testing.Payloads;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dispatcher writes one audit record per batch item, and one per message refused as a whole. */
class DispatcherAuditTest {
    private static final KmipVersion V14 = KmipVersion.V1_4;
    private static final KmipVersion V21 = KmipVersion.V2_1;
    private static final String NO_SUCH = "6c1b8f5e-0000-4000-8000-000000000000";

    private final InMemoryObjectStore store = new InMemoryObjectStore();
    private final Clock clock = Clock.fixed(Instant.parse("2026-03-01T12:00:00.123Z"), ZoneOffset.UTC);
    private final ServerAssembly.Assembly assembly = ServerAssembly.open(store, clock);
    private final RequestContext client = new RequestContext(new io.keyhold.server.auth.Identity("client1"),
            "192.0.2.7:40100", new ConnectionSession());

    @AfterEach
    void close() {
        assembly.close();
    }

    private ResponseMessage send(KmipVersion v, RequestBatchItem... items) {
        return sendWith(header(v, items.length), items);
    }

    private final RequestContext client2 = new RequestContext(new io.keyhold.server.auth.Identity("client2"),
            "192.0.2.8:40200", new ConnectionSession());

    private ResponseMessage sendWith(io.keyhold.protocol.message.RequestHeader h, RequestBatchItem... items) {
        return sendAs(client, h, items);
    }

    private ResponseMessage sendAs(RequestContext who, io.keyhold.protocol.message.RequestHeader h, RequestBatchItem... items) {
        return DispatcherFixture.decode(assembly.processor().process(DispatcherFixture.encode(h, List.of(items)), who));
    }

    private static RequestBatchItem request(Operation op, TtlvItem payload) {
        return RequestBatchItem.of(op, payload);
    }

    private List<AuditRecord> records() {
        return store.auditRecords();
    }

    private AuditEvent last() {
        List<AuditRecord> all = records();
        return all.get(all.size() - 1).event();
    }

    private String create(KmipVersion v) {
        ResponseBatchItem r = DispatcherFixture.only(send(v, request(Operation.CREATE, createAes(v, 256))));
        assertThat(r.resultStatus()).as(r.resultMessage()).isEqualTo(ResultStatus.SUCCESS.value());
        return r.payload().child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
    }

    private void assertChainIntact() {
        AuditVerifier v = new AuditVerifier();
        records().forEach(v::accept);
        AuditVerifier.Result result = v.finish(Optional.empty()); // this store keeps no head beside the records
        assertThat(result.problem()).isEmpty();
        assertThat(result.verified()).isEqualTo(records().size());
    }

    @Test
    void everyOperation_oneRecordMatchingItsAnswer() {
        KmipDispatcher dispatcher = (KmipDispatcher) assembly.processor();
        VersionRules rules = VersionRules.standard();
        int checked = 0;
        for (Operation op : dispatcher.registeredOperations()) {
            KmipVersion v = rules.hasOperation(op.value(), V21) ? V21 : V14;
            int before = records().size();
            ResponseBatchItem r = DispatcherFixture.only(send(v, request(op, payload())));
            assertThat(records()).as(op.specName()).hasSize(before + 1);
            AuditEvent e = last();
            assertThat(e.operation()).isEqualTo(op.specName());
            assertThat(e.identity()).isEqualTo("client1");
            assertThat(e.sourceAddress()).isEqualTo("192.0.2.7:40100");
            assertThat(e.protocolVersion()).isEqualTo(v.toString());
            assertThat(e.time()).isEqualTo(Instant.parse("2026-03-01T12:00:00.123Z"));
            assertThat(e.resultStatus()).as(op.specName())
                    .isEqualTo(ResultStatus.fromValue(r.resultStatus()).orElseThrow().specName());
            assertThat(e.resultReason()).as(op.specName()).isEqualTo(r.resultReason() == null ? null
                    : ResultReason.fromValue(r.resultReason()).orElseThrow().specName());
            assertThat(e.detail()).as(op.specName() + ": no object of another client is involved").isNull();
            checked++;
        }
        assertThat(checked).isGreaterThan(40);
        assertChainIntact();
    }

    @Test
    void create_get_activate_encrypt_destroy_recordTheObjectEachTouched() {
        String uid = create(V14);
        AuditEvent created = last();
        assertThat(created.operation()).isEqualTo("Create");
        assertThat(created.uniqueIdentifiers()).containsExactly(uid);
        assertThat(created.objectCount()).isEqualTo(1);
        assertThat(created.resultStatus()).isEqualTo("Success");
        assertThat(created.resultReason()).isNull();

        for (Operation op : List.of(Operation.GET, Operation.ACTIVATE)) {
            int before = records().size();
            assertThat(DispatcherFixture.only(send(V14, request(op, withUid(uid)))).resultStatus())
                    .isEqualTo(ResultStatus.SUCCESS.value());
            assertThat(records()).hasSize(before + 1);
            assertThat(last().operation()).isEqualTo(op.specName());
            assertThat(last().uniqueIdentifiers()).containsExactly(uid);
        }
        int before = records().size();
        ResponseBatchItem enc = DispatcherFixture.only(send(V14, request(Operation.ENCRYPT,
                payload(uid(uid), TtlvItem.bytes(Tag.DATA, new byte[32])))));
        assertThat(enc.resultStatus()).as(enc.resultMessage()).isEqualTo(ResultStatus.SUCCESS.value());
        assertThat(records()).hasSize(before + 1);
        assertThat(last().operation()).isEqualTo("Encrypt");
        assertThat(last().uniqueIdentifiers()).containsExactly(uid);
        assertChainIntact();
    }

    @Test
    void lifecycle_eachItemRecordsItsObjects_reKeyTheOldAndTheNew() {
        String uid = create(V14);
        record Step(Operation op, TtlvItem payload) {}
        List<Step> steps = List.of(
                new Step(Operation.GET_ATTRIBUTES, Payloads.getAttributes(V14, uid, "State")),
                new Step(Operation.ACTIVATE, withUid(uid)),
                new Step(Operation.ADD_ATTRIBUTE, payload(uid(uid), TtlvItem.structure(Tag.ATTRIBUTE,
                        TtlvItem.text(Tag.ATTRIBUTE_NAME, "x-audit"), TtlvItem.text(Tag.ATTRIBUTE_VALUE, "1")))),
                new Step(Operation.REVOKE, Payloads.revoke(uid, 0x00000005)),
                new Step(Operation.DESTROY, withUid(uid)));
        for (Step step : steps) {
            int before = records().size();
            ResponseBatchItem r = DispatcherFixture.only(send(V14, request(step.op(), step.payload())));
            assertThat(r.resultStatus()).as(step.op().specName() + ": " + r.resultMessage())
                    .isEqualTo(ResultStatus.SUCCESS.value());
            assertThat(records()).as(step.op().specName()).hasSize(before + 1);
            assertThat(last().operation()).isEqualTo(step.op().specName());
            assertThat(last().uniqueIdentifiers()).as(step.op().specName()).containsExactly(uid);
        }
        String old = create(V14);
        send(V14, request(Operation.ACTIVATE, withUid(old)));
        ResponseBatchItem reKeyed = DispatcherFixture.only(send(V14, request(Operation.RE_KEY, withUid(old))));
        assertThat(reKeyed.resultStatus()).as(reKeyed.resultMessage()).isEqualTo(ResultStatus.SUCCESS.value());
        String replacement = reKeyed.payload().child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
        assertThat(last().operation()).isEqualTo("Re-key");
        assertThat(last().uniqueIdentifiers()).containsExactlyInAnyOrder(old, replacement);
        assertChainIntact();
    }

    @Test
    void createKeyPair_recordsBothHalves() {
        List<io.keyhold.protocol.message.KmipAttribute> common = List.of(Payloads.algorithm(CryptographicAlgorithm.ECDSA),
                io.keyhold.protocol.message.KmipAttribute.of(TtlvItem.structure(Tag.CRYPTOGRAPHIC_DOMAIN_PARAMETERS,
                        TtlvItem.enumeration(Tag.RECOMMENDED_CURVE, io.keyhold.protocol.spec.RecommendedCurve.P_256.value()))));
        ResponseBatchItem r = DispatcherFixture.only(send(V14, request(Operation.CREATE_KEY_PAIR, payload(
                io.keyhold.protocol.message.AttributeMapping.toTemplateAttribute(Tag.COMMON_TEMPLATE_ATTRIBUTE, common)))));
        assertThat(r.resultStatus()).as(r.resultMessage()).isEqualTo(ResultStatus.SUCCESS.value());
        String privateId = r.payload().child(Tag.PRIVATE_KEY_UNIQUE_IDENTIFIER).orElseThrow().textValue();
        String publicId = r.payload().child(Tag.PUBLIC_KEY_UNIQUE_IDENTIFIER).orElseThrow().textValue();
        assertThat(records()).hasSize(1);
        assertThat(last().uniqueIdentifiers()).containsExactlyInAnyOrder(privateId, publicId);
        assertThat(last().objectCount()).isEqualTo(2);
    }

    @Test
    void locate_manyResults_listsTheFirstAndCountsAll() {
        for (int i = 0; i < AuditEvent.MAX_IDENTIFIERS + 8; i++) {
            create(V14);
        }
        ResponseBatchItem r = DispatcherFixture.only(send(V14, request(Operation.LOCATE, payload())));
        assertThat(r.resultStatus()).isEqualTo(ResultStatus.SUCCESS.value());
        List<String> located = r.payload().children().stream().filter(c -> c.tag() == Tag.UNIQUE_IDENTIFIER).map(TtlvItem::textValue).toList();
        assertThat(located).hasSize(AuditEvent.MAX_IDENTIFIERS + 8);
        AuditEvent e = last();
        assertThat(e.operation()).isEqualTo("Locate");
        assertThat(e.uniqueIdentifiers()).hasSize(AuditEvent.MAX_IDENTIFIERS).isSubsetOf(located);
        assertThat(e.objectCount()).isEqualTo(located.size());
    }

    @Test
    void failures_areRecordedWithTheirReason() {
        DispatcherFixture.only(send(V14, request(Operation.GET, withUid(NO_SUCH))));
        assertThat(last().resultStatus()).isEqualTo("Operation Failed");
        assertThat(last().resultReason()).isEqualTo("Item Not Found");
        assertThat(last().uniqueIdentifiers()).isEmpty();

        ResponseBatchItem unsupported = DispatcherFixture.only(send(V14,
                new RequestBatchItem(0x00000FFF, null, null, payload(), null)));
        assertThat(unsupported.resultReason()).isEqualTo(ResultReason.OPERATION_NOT_SUPPORTED.value());
        assertThat(last().operation()).isEqualTo("0x00000FFF");
        assertThat(last().resultReason()).isEqualTo("Operation Not Supported");

        // an operation the request's version does not have
        DispatcherFixture.only(send(KmipVersion.V1_0, request(Operation.ENCRYPT, withUid(NO_SUCH))));
        assertThat(last().operation()).isEqualTo("Encrypt");
        assertThat(last().protocolVersion()).isEqualTo("1.0");
        assertThat(last().resultReason()).isEqualTo("Operation Not Supported");
        assertThat(records()).hasSize(3);
        assertChainIntact();
    }

    @Test
    void get_anotherClientsObject_answeredAsMissing_recordSaysAccessDenied() {
        String uid = create(V14);
        ResponseBatchItem denied = DispatcherFixture.only(sendAs(client2, header(V14, 1),
                request(Operation.GET, withUid(uid))));
        AuditEvent deniedRecord = last();
        ResponseBatchItem missing = DispatcherFixture.only(sendAs(client2, header(V14, 1),
                request(Operation.GET, withUid(NO_SUCH))));
        AuditEvent missingRecord = last();

        assertThat(denied.resultStatus()).isEqualTo(ResultStatus.OPERATION_FAILED.value());
        assertThat(denied.resultReason()).isEqualTo(ResultReason.ITEM_NOT_FOUND.value());
        assertThat(denied.resultMessage()).as("the answer does not tell a denial from a missing object")
                .isEqualTo(missing.resultMessage().replace(NO_SUCH, uid));
        assertThat(denied.payload()).isEqualTo(missing.payload());

        assertThat(deniedRecord.identity()).isEqualTo("client2");
        assertThat(deniedRecord.sourceAddress()).isEqualTo("192.0.2.8:40200");
        assertThat(deniedRecord.operation()).isEqualTo("Get");
        assertThat(deniedRecord.resultStatus()).isEqualTo("Operation Failed");
        assertThat(deniedRecord.resultReason()).isEqualTo("Item Not Found");
        assertThat(deniedRecord.detail()).isEqualTo(AuditEvent.ACCESS_DENIED);
        assertThat(deniedRecord.uniqueIdentifiers()).containsExactly(uid);

        assertThat(missingRecord.resultReason()).isEqualTo("Item Not Found");
        assertThat(missingRecord.detail()).isNull();
        assertThat(missingRecord.uniqueIdentifiers()).isEmpty();
        assertThat(records()).hasSize(3);
        assertChainIntact();
    }

    @Test
    void destroy_anotherClientsObject_deniedInsideTheWriteTransaction_recordSaysAccessDenied() throws Exception {
        String uid = create(V14);
        ResponseBatchItem r = DispatcherFixture.only(sendAs(client2, header(V14, 1),
                request(Operation.DESTROY, withUid(uid))));
        assertThat(r.resultReason()).isEqualTo(ResultReason.ITEM_NOT_FOUND.value());
        boolean present = store.read(tx -> tx.get(uid).isPresent());
        assertThat(present).isTrue();
        assertThat(records()).hasSize(2);
        assertThat(last().operation()).isEqualTo("Destroy");
        assertThat(last().resultStatus() + "/" + last().resultReason() + "/" + last().detail())
                .isEqualTo("Operation Failed/Item Not Found/access denied");
        assertChainIntact();
    }

    @Test
    void undoBatch_deniedItem_itsRecordSaysAccessDenied_theUndoneItemsDoNot() {
        String uid = create(V14);
        ResponseMessage m = sendAs(client2, DispatcherFixture.header(V14, 2, null, null, null,
                        BatchErrorContinuationOption.UNDO.value()),
                request(Operation.CREATE, createAes(V14, 256)), request(Operation.GET, withUid(uid)));
        assertThat(m.batchItems().get(1).resultReason()).isEqualTo(ResultReason.ITEM_NOT_FOUND.value());
        assertThat(records().subList(1, records().size())).extracting(r -> r.event().operation() + "/"
                + r.event().resultStatus() + "/" + r.event().detail())
                .containsExactly("Create/Operation Undone/null", "Get/Operation Failed/access denied");
        assertChainIntact();
    }

    @Test
    void handlerDeniedInsideItsWrite_recordSaysAccessDenied_andTheChangeIsGone() {
        try (DispatcherFixture f = new DispatcherFixture(List.of(TestHandlers.handler(Operation.CREATE, (context, p) -> {
            context.write(tx -> {
                tx.insert(DispatcherFixture.key("k-3", context.identity().name()));
                throw io.keyhold.server.auth.AccessDenied.objectNotFound("no object with Unique Identifier k-9", "k-9");
            });
            return TtlvItem.structure(Tag.RESPONSE_PAYLOAD);
        })))) {
            ResponseBatchItem r = DispatcherFixture.only(f.send(V14, item(Operation.CREATE)));
            assertThat(r.resultReason()).isEqualTo(ResultReason.ITEM_NOT_FOUND.value());
            assertThat(r.resultMessage()).isEqualTo("no object with Unique Identifier k-9");
            assertThat(f.exists("k-3")).isFalse();
            assertThat(f.store.auditRecords()).extracting(a -> a.event().resultStatus() + "/" + a.event().resultReason()
                    + "/" + a.event().detail()).containsExactly("Operation Failed/Item Not Found/access denied");
        }
    }

    @Test
    void refusedMessages_oneRecordForTheMessage() {
        assembly.processor().process(new byte[] {0x42, 0x00, 0x78, 0x01, 0, 0, 0, 9, 1, 2}, client);
        assertThat(records()).hasSize(1);
        AuditEvent garbage = last();
        assertThat(garbage.operation()).isNull();
        assertThat(garbage.protocolVersion()).isNull();
        assertThat(garbage.resultStatus()).isEqualTo("Operation Failed");
        assertThat(garbage.resultReason()).isEqualTo("Invalid Message");
        assertThat(garbage.identity()).isEqualTo("client1");

        ResponseMessage m = send(new KmipVersion(9, 9), request(Operation.CREATE, createAes(V14, 256)),
                request(Operation.GET, withUid(NO_SUCH)));
        assertThat(m.batchItems()).hasSize(1);
        assertThat(records()).hasSize(2);
        assertThat(last().protocolVersion()).isEqualTo("9.9");
        assertThat(last().operation()).isNull();
        assertThat(last().resultReason()).isEqualTo("Invalid Message");
        assertChainIntact();
    }

    @Test
    void batchOverTheItemLimit_andRequestOverTheRate_oneRecordForTheMessage() {
        try (ServerAssembly.Assembly limited = ServerAssembly.open(store, clock,
                io.keyhold.server.crypto.CryptoPolicy.DEFAULT, 2)) {
            byte[] three = DispatcherFixture.encode(header(V14, 3), List.of(request(Operation.QUERY, payload()),
                    request(Operation.QUERY, payload()), request(Operation.QUERY, payload())));
            limited.processor().process(three, client);
            assertThat(records()).hasSize(1);
            assertThat(last().operation()).isNull();
            assertThat(last().protocolVersion()).isEqualTo("1.4");
            assertThat(last().resultReason()).isEqualTo("Invalid Message");

            byte[] one = DispatcherFixture.encode(header(V14, 1), List.of(request(Operation.QUERY, payload())));
            limited.processor().reject(one, client, ResultReason.SERVER_LIMIT_EXCEEDED, "too many");
            assertThat(records()).hasSize(2);
            assertThat(last().operation()).isNull();
            assertThat(last().resultStatus()).isEqualTo("Operation Failed");
            assertThat(last().resultReason()).isEqualTo(ResultReasons.forVersion(ResultReason.SERVER_LIMIT_EXCEEDED, V14)
                    .specName());
        }
        assertChainIntact();
    }

    @Test
    void authenticationFailure_oneRecordForTheMessage() {
        io.keyhold.server.config.ServerConfig.Access required = new io.keyhold.server.config.ServerConfig.Access(List.of(),
                java.util.Map.of(), io.keyhold.server.config.ServerConfig.PasswordCredentials.REQUIRED);
        try (ServerAssembly.Assembly strict = ServerAssembly.open(store, clock, io.keyhold.server.crypto.CryptoPolicy.DEFAULT,
                required)) {
            ResponseMessage m = DispatcherFixture.decode(strict.processor().process(DispatcherFixture.encode(header(V14, 1),
                    List.of(request(Operation.CREATE, createAes(V14, 256)))), client));
            assertThat(m.batchItems().get(0).resultReason()).isEqualTo(ResultReason.AUTHENTICATION_NOT_SUCCESSFUL.value());
        }
        assertThat(records()).hasSize(1);
        assertThat(last().operation()).isNull();
        assertThat(last().identity()).isEqualTo("client1");
        assertThat(last().resultReason()).isEqualTo("Authentication Not Successful");
    }

    @Test
    void stopBatch_recordsTheItemsThatRan() {
        send(V14, request(Operation.CREATE, createAes(V14, 256)), request(Operation.GET, withUid(NO_SUCH)),
                request(Operation.CREATE, createAes(V14, 256)));
        assertThat(records()).extracting(r -> r.event().operation() + "/" + r.event().resultStatus())
                .containsExactly("Create/Success", "Get/Operation Failed");
    }

    @Test
    void undoBatch_committed_everyItemRecordedOnce() {
        ResponseMessage m = sendWith(DispatcherFixture.header(V14, 3, null, null, null,
                        BatchErrorContinuationOption.UNDO.value()),
                request(Operation.CREATE, createAes(V14, 256)), request(Operation.GET, payload()),
                request(Operation.LOCATE, payload()));
        assertThat(m.batchItems()).extracting(ResponseBatchItem::resultStatus).containsOnly(ResultStatus.SUCCESS.value());
        String uid = m.batchItems().get(0).payload().child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
        assertThat(records()).extracting(r -> r.event().operation()).containsExactly("Create", "Get", "Locate");
        assertThat(records()).allSatisfy(r -> assertThat(r.event().resultStatus()).isEqualTo("Success"));
        assertThat(records().get(1).event().uniqueIdentifiers()).containsExactly(uid);
        assertChainIntact();
    }

    @Test
    void undoBatch_rolledBack_recordsUndoneItemsAndTheFailure() throws Exception {
        ResponseMessage m = sendWith(DispatcherFixture.header(V14, 2, null, null, null,
                        BatchErrorContinuationOption.UNDO.value()),
                request(Operation.CREATE, createAes(V14, 256)), request(Operation.GET, withUid(NO_SUCH)));
        assertThat(m.batchItems().get(0).resultStatus()).isEqualTo(ResultStatus.OPERATION_UNDONE.value());
        String uid = m.batchItems().get(0).payload().child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
        boolean present = store.read(tx -> tx.get(uid).isPresent());
        assertThat(present).isFalse();
        assertThat(records()).extracting(r -> r.event().operation() + "/" + r.event().resultStatus() + "/"
                + r.event().resultReason()).containsExactly("Create/Operation Undone/null",
                        "Get/Operation Failed/Item Not Found");
        assertThat(records().get(0).event().uniqueIdentifiers()).containsExactly(uid);
        assertChainIntact();
    }

    @Test
    void handlerFailingInsideItsWrite_leavesNeitherChangeNorSuccessRecord() {
        try (DispatcherFixture f = new DispatcherFixture(List.of(TestHandlers.handler(Operation.CREATE, (context, p) -> {
            context.write(tx -> {
                tx.insert(DispatcherFixture.key("k-1", context.identity().name()));
                throw new KmipException(ResultReason.PERMISSION_DENIED, "refused after the insert");
            });
            return TtlvItem.structure(Tag.RESPONSE_PAYLOAD);
        })))) {
            ResponseBatchItem r = DispatcherFixture.only(f.send(V14, item(Operation.CREATE)));
            assertThat(r.resultReason()).isEqualTo(ResultReason.PERMISSION_DENIED.value());
            assertThat(f.exists("k-1")).isFalse();
            assertThat(f.store.auditRecords()).extracting(a -> a.event().resultStatus() + "/" + a.event().resultReason()
                    + "/" + a.event().uniqueIdentifiers()).containsExactly("Operation Failed/Permission Denied/[k-1]");
        }
    }

    @Test
    void handlerFailingAfterItsWriteCommitted_changeKeepsItsRecordAndTheFailureIsAdded() {
        try (DispatcherFixture f = new DispatcherFixture(List.of(TestHandlers.handler(Operation.CREATE, (context, p) -> {
            context.write(tx -> {
                tx.insert(DispatcherFixture.key("k-2", context.identity().name()));
                return null;
            });
            throw new KmipException(ResultReason.GENERAL_FAILURE, "failed after the change");
        })))) {
            DispatcherFixture.only(f.send(V14, item(Operation.CREATE)));
            assertThat(f.exists("k-2")).isTrue();
            assertThat(f.store.auditRecords()).extracting(a -> a.event().resultStatus() + "/" + a.event().uniqueIdentifiers())
                    .containsExactly("Success/[k-2]", "Operation Failed/[k-2]");
        }
    }
}
