package io.keyhold.server.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.BatchErrorContinuationOption;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.audit.AuditListener;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.ReadTransaction;
import io.keyhold.server.store.StoreException;
import io.keyhold.server.store.TransactionWork;
import io.keyhold.server.store.WriteTransaction;
import io.keyhold.server.store.memory.InMemoryObjectStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An Undo batch whose transaction cannot even start (the database is gone) answers every item with a
 * failure and records every item, rather than answering with fewer items than were asked.
 */
class UndoBatchStoreFailureTest {

    /** The in-memory store, with writes that fail as a lost database makes them fail. */
    private static final class UnwritableStore implements ObjectStore {
        final InMemoryObjectStore delegate = new InMemoryObjectStore();

        @Override
        public <T> T read(TransactionWork<ReadTransaction, T> work) throws KmipException {
            return delegate.read(work);
        }

        @Override
        public <T> T write(TransactionWork<WriteTransaction, T> work) {
            throw new StoreException("store: connection to the database lost");
        }

        @Override
        public void appendAudit(List<AuditEvent> events, boolean waitForCommit) throws KmipException {
            delegate.appendAudit(events, waitForCommit);
        }

        @Override
        public void auditListener(AuditListener listener) {
            delegate.auditListener(listener);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    @Test
    void undoBatch_whoseTransactionCannotStart_failsEveryItem_andRecordsEach() throws Exception {
        UnwritableStore store = new UnwritableStore();
        KmipDispatcher dispatcher = new KmipDispatcher(store, Clock.fixed(Instant.ofEpochSecond(1_700_000_000L),
                ZoneOffset.UTC), List.of(TestHandlers.handler(Operation.CREATE,
                        (context, p) -> TtlvItem.structure(Tag.RESPONSE_PAYLOAD))));
        byte[] first = {1};
        byte[] second = {2};
        List<RequestBatchItem> items = List.of(DispatcherFixture.item(Operation.CREATE, first),
                DispatcherFixture.item(Operation.CREATE, second));
        byte[] request = DispatcherFixture.encode(DispatcherFixture.header(KmipVersion.V1_4, 2, null, null, null,
                BatchErrorContinuationOption.UNDO.value()), items);
        ResponseMessage m = DispatcherFixture.decode(dispatcher.process(request, DispatcherFixture.context("client1")));

        assertThat(m.batchItems()).hasSize(2);
        for (int i = 0; i < 2; i++) {
            ResponseBatchItem r = m.batchItems().get(i);
            assertThat(r.resultStatus()).isEqualTo(ResultStatus.OPERATION_FAILED.value());
            assertThat(r.resultReason()).isEqualTo(ResultReason.GENERAL_FAILURE.value());
            assertThat(r.uniqueBatchItemId()).isEqualTo(i == 0 ? first : second);
            assertThat(r.resultMessage()).doesNotContain("connection to the database");
        }
        assertThat(store.delegate.auditRecords()).extracting(a -> a.event().operation() + "/" + a.event().resultStatus())
                .containsExactly("Create/Operation Failed", "Create/Operation Failed");
    }
}
