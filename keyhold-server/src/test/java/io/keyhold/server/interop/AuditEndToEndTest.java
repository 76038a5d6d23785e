package io.keyhold.server.interop;

import static io.keyhold.server.testing.Payloads.createAes;
import static io.keyhold.server.testing.Payloads.withUid;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.server.audit.AuditChain;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.audit.AuditRecord;
import io.keyhold.server.audit.AuditVerifier;
import io.keyhold.server.store.sql.SqlAuditLog;
import io.keyhold.server.testing.KmipTestClient;
import io.keyhold.server.testing.LiveServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Over mutual TLS: each request is audited with the client's certificate identity and address. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AuditEndToEndTest {
    private static final KmipVersion V = KmipVersion.V1_4;

    @Test
    void requestsOverTls_recordedWithIdentityAddressAndOutcome(@TempDir Path dir) throws Exception {
        String uid;
        String client1Address;
        String client2Address;
        try (LiveServer server = LiveServer.start(dir)) {
            try (KmipTestClient c1 = server.client("client1"); KmipTestClient c2 = server.client("client2")) {
                client1Address = "127.0.0.1:" + c1.socket().getLocalPort();
                client2Address = "127.0.0.1:" + c2.socket().getLocalPort();
                uid = c1.ok(V, Operation.CREATE, createAes(V, 256)).child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
                c1.ok(V, Operation.GET, withUid(uid));
                ResponseBatchItem missing = c2.call(V, Operation.DESTROY, withUid("no-such-object"));
                assertThat(missing.resultReason()).isEqualTo(ResultReason.ITEM_NOT_FOUND.value());
                // client1's object: answered exactly as a missing one, recorded as denied
                ResponseBatchItem deniedGet = c2.call(V, Operation.GET, withUid(uid));
                ResponseBatchItem deniedDestroy = c2.call(V, Operation.DESTROY, withUid(uid));
                for (ResponseBatchItem denied : List.of(deniedGet, deniedDestroy)) {
                    assertThat(denied.resultReason()).isEqualTo(ResultReason.ITEM_NOT_FOUND.value());
                    assertThat(denied.resultMessage()).isEqualTo(missing.resultMessage().replace("no-such-object", uid));
                }
                byte[] garbage = {0x42, 0x00, 0x78, 0x01, 0, 0, 0, 8, 0x42, 0x00, 0x77, 0x01, 0, 0, 0, 0};
                c2.exchange(garbage);
            }
        }
        List<AuditRecord> records = new ArrayList<>();
        AuditVerifier verifier = new AuditVerifier();
        Optional<AuditChain.Head> head;
        try (SqlAuditLog log = SqlAuditLog.open(dir.resolve("keyhold.db"))) {
            head = log.scan(r -> {
                records.add(r);
                return verifier.accept(r);
            });
        }
        assertThat(verifier.finish(head).problem()).isEmpty();
        assertThat(records).hasSize(6);

        AuditEvent create = records.get(0).event();
        assertThat(create.identity()).isEqualTo("client1");
        assertThat(create.sourceAddress()).isEqualTo(client1Address);
        assertThat(create.protocolVersion()).isEqualTo("1.4");
        assertThat(create.operation()).isEqualTo("Create");
        assertThat(create.uniqueIdentifiers()).containsExactly(uid);
        assertThat(create.resultStatus()).isEqualTo("Success");

        AuditEvent get = records.get(1).event();
        assertThat(get.operation()).isEqualTo("Get");
        assertThat(get.uniqueIdentifiers()).containsExactly(uid);

        AuditEvent destroy = records.get(2).event();
        assertThat(destroy.identity()).isEqualTo("client2");
        assertThat(destroy.sourceAddress()).isEqualTo(client2Address);
        assertThat(destroy.operation()).isEqualTo("Destroy");
        assertThat(destroy.resultStatus()).isEqualTo("Operation Failed");
        assertThat(destroy.resultReason()).isEqualTo("Item Not Found");
        assertThat(destroy.detail()).as("a missing object is no denial").isNull();

        assertThat(records.subList(3, 5)).extracting(r -> r.event().identity() + "/" + r.event().operation() + "/"
                + r.event().resultReason() + "/" + r.event().detail() + "/" + r.event().uniqueIdentifiers())
                .containsExactly("client2/Get/Item Not Found/access denied/[" + uid + "]",
                        "client2/Destroy/Item Not Found/access denied/[" + uid + "]");
        assertThat(create.detail()).isNull();

        AuditEvent refused = records.get(5).event();
        assertThat(refused.identity()).isEqualTo("client2");
        assertThat(refused.operation()).isNull();
        assertThat(refused.resultReason()).isEqualTo("Invalid Message");
    }
}
