package io.keyhold.server.dispatch;

import static io.keyhold.server.testing.Payloads.createAes;
import static io.keyhold.server.testing.Payloads.payload;
import static io.keyhold.server.testing.Payloads.uid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.message.MessageEncoder;
import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestHeader;
import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ServerAssembly;
import io.keyhold.server.auth.Identity;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.memory.InMemoryObjectStore;
import io.keyhold.server.store.sql.SqlObjectStore;
import io.keyhold.server.testing.TestMasterKeys;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the dispatcher counts as a use of a key, and how the counts reach the store. */
class ObjectUsesTest {
    @TempDir
    Path dir;

    private static ResponseBatchItem call(ServerAssembly.Assembly a, ConnectionSession session, Operation operation,
                                          TtlvItem requestPayload) throws Exception {
        RequestMessage request = new RequestMessage(RequestHeader.of(KmipVersion.V2_1, 1),
                List.of(RequestBatchItem.of(operation, requestPayload)));
        byte[] answer = a.processor().process(new MessageEncoder().encode(request),
                new RequestContext(new Identity("alice"), "127.0.0.1:1", session));
        return ResponseMessage.from(new TtlvDecoder().decode(answer)).batchItems().get(0);
    }

    private static TtlvItem ok(ServerAssembly.Assembly a, ConnectionSession session, Operation operation,
                               TtlvItem requestPayload) throws Exception {
        ResponseBatchItem r = call(a, session, operation, requestPayload);
        assertThat(r.resultStatus()).as(r.resultMessage()).isEqualTo(ResultStatus.SUCCESS.value());
        return r.payload();
    }

    @Test
    void aMultiPartEncryptCountsOnceAtItsLastPartAndFailuresAndOtherOperationsNotAtAll() throws Exception {
        try (ServerAssembly.Assembly a = ServerAssembly.open(new InMemoryObjectStore(), Clock.systemUTC());
             ConnectionSession session = new ConnectionSession()) {
            ObjectUses uses = a.processor().objectUses();
            String key = ok(a, session, Operation.CREATE, createAes(KmipVersion.V2_1, 256))
                    .child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
            ok(a, session, Operation.ACTIVATE, payload(uid(key)));
            ok(a, session, Operation.GET, payload(uid(key)));
            assertThat(uses.pending()).isEmpty();

            TtlvItem first = ok(a, session, Operation.ENCRYPT, payload(uid(key), TtlvItem.bytes(Tag.DATA, new byte[40]),
                    TtlvItem.bool(Tag.INIT_INDICATOR, true)));
            TtlvItem correlation = first.child(Tag.CORRELATION_VALUE).orElseThrow();
            ok(a, session, Operation.ENCRYPT, payload(TtlvItem.bytes(Tag.DATA, new byte[40]), correlation));
            assertThat(uses.pending()).as("parts before the last").isEmpty();
            ok(a, session, Operation.ENCRYPT, payload(TtlvItem.bytes(Tag.DATA, new byte[40]), correlation,
                    TtlvItem.bool(Tag.FINAL_INDICATOR, true)));
            assertThat(uses.pending()).isEqualTo(Map.of(key, 1L));

            TtlvItem once = ok(a, session, Operation.ENCRYPT, payload(uid(key), TtlvItem.bytes(Tag.DATA, new byte[5])));
            ResponseBatchItem failed = call(a, session, Operation.DECRYPT, payload(uid(key),
                    TtlvItem.bytes(Tag.DATA, new byte[5]), once.child(Tag.IV_COUNTER_NONCE).orElseThrow()));
            assertThat(failed.resultStatus()).isEqualTo(ResultStatus.OPERATION_FAILED.value());
            assertThat(uses.pending()).isEqualTo(Map.of(key, 2L));

            assertThat(uses.flush(a.store())).isEqualTo(2);
            assertThat(uses.pending()).isEmpty();
            assertThat((long) a.store().read(tx -> tx.objectUses(key))).isEqualTo(2);
            assertThat(uses.flush(a.store())).as("nothing new").isZero();
        }
    }

    @Test
    void usesAFailedFlushCouldNotStoreAreKeptForTheNext() throws Exception {
        ObjectUses uses = new ObjectUses();
        uses.count("k");
        uses.count("k");
        ObjectStore closed = SqlObjectStore.open(dir.resolve("keyhold.db"), TestMasterKeys.fixed());
        closed.close();
        assertThatThrownBy(() -> uses.flush(closed)).isInstanceOf(RuntimeException.class);
        uses.count("k");
        assertThat(uses.pending()).isEqualTo(Map.of("k", 3L));
        try (ObjectStore store = SqlObjectStore.open(dir.resolve("keyhold.db"), TestMasterKeys.fixed())) {
            assertThat(uses.flush(store)).isEqualTo(3);
            assertThat((long) store.read(tx -> tx.objectUses("k"))).isEqualTo(3);
        }
    }
}
