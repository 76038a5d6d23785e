package io.keyhold.server.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestHeader;
import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ServerAssembly;
import io.keyhold.server.auth.Identity;
import io.keyhold.server.dispatch.ConnectionSession;
import io.keyhold.server.dispatch.RequestContext;
import io.keyhold.server.store.sqlite.SqliteObjectStore;
import io.keyhold.server.testing.Payloads;
import io.keyhold.server.testing.TestMasterKeys;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading operations do not write: a write costs a disk sync, so Get, Get Attributes and Locate must
 * commit nothing unless they change something (the first Get clears Fresh; a due lifecycle date is stored).
 */
class ReadsDoNotWriteTest {
    private static final KmipVersion V = KmipVersion.V1_2;

    private static TtlvItem call(ServerAssembly.Assembly a, Operation op, TtlvItem payload) throws Exception {
        byte[] request = new TtlvEncoder().encode(new RequestMessage(RequestHeader.of(V, 1),
                List.of(RequestBatchItem.of(op, payload))).toTtlv());
        ResponseMessage r = ResponseMessage.from(new TtlvDecoder().decode(a.processor().process(request,
                new RequestContext(new Identity("client1"), "127.0.0.1:1", new ConnectionSession()))));
        assertThat(r.batchItems().get(0).resultStatus()).as(r.batchItems().get(0).resultMessage())
                .isEqualTo(ResultStatus.SUCCESS.value());
        return r.batchItems().get(0).payload();
    }

    @Test
    void repeatedReadsCommitNothing(@TempDir Path dir) throws Exception {
        SqliteObjectStore store = SqliteObjectStore.open(dir.resolve("k.db"), TestMasterKeys.ephemeral());
        try (ServerAssembly.Assembly a = ServerAssembly.open(store, Clock.systemUTC())) {
            String uid = call(a, Operation.CREATE, Payloads.createAes(V, 256)).child(Tag.UNIQUE_IDENTIFIER).orElseThrow()
                    .textValue();
            call(a, Operation.GET, Payloads.withUid(uid)); // clears Fresh: one write
            long before = store.stats().transactions();
            for (int i = 0; i < 20; i++) {
                call(a, Operation.GET, Payloads.withUid(uid));
                call(a, Operation.GET_ATTRIBUTES, Payloads.getAttributes(V, uid, "State"));
                call(a, Operation.LOCATE, Payloads.payload());
            }
            assertThat(store.stats().transactions()).as("write transactions during 60 reads").isEqualTo(before);
        }
    }
}
