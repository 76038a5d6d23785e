package io.keyhold.server.dispatch;

import static io.keyhold.server.dispatch.DispatcherFixture.encode;
import static io.keyhold.server.dispatch.DispatcherFixture.header;
import static io.keyhold.server.dispatch.DispatcherFixture.item;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.security.MasterKeyRing;
import io.keyhold.server.store.sql.SqlObjectStore;
import io.keyhold.server.testing.TestMasterKeys;
import io.keyhold.server.testing.TestPostgres;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickRequestsTest {
    @TempDir
    Path dir;

    private static byte[] one(Operation op, TtlvItem... payload) {
        return encode(header(KmipVersion.V1_4, 1), List.of(item(op, payload)));
    }

    private static TtlvItem uid() {
        return TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "0190f6a2-5c1e-7d2e-9f43-5be3c2d8a1f0");
    }

    @Test
    void oneShortReadOrSymmetricItem_isQuick() {
        for (Operation op : List.of(Operation.GET, Operation.GET_ATTRIBUTES, Operation.GET_ATTRIBUTE_LIST,
                Operation.QUERY, Operation.DISCOVER_VERSIONS, Operation.ENCRYPT, Operation.DECRYPT)) {
            assertThat(QuickRequests.quick(one(op, uid()))).as(op.toString()).isTrue();
        }
        assertThat(QuickRequests.quick(encode(header(KmipVersion.V2_1, 1), List.of(item(Operation.GET, uid())))))
                .isTrue();
    }

    @Test
    void writesAndLongerWork_areNotQuick() {
        for (Operation op : List.of(Operation.CREATE, Operation.CREATE_KEY_PAIR, Operation.REGISTER, Operation.LOCATE,
                Operation.DESTROY, Operation.SIGN, Operation.ACTIVATE, Operation.REVOKE)) {
            assertThat(QuickRequests.quick(one(op, uid()))).as(op.toString()).isFalse();
        }
    }

    @Test
    void twoItems_orALargeMessage_areNotQuick() {
        byte[] twoGets = encode(header(KmipVersion.V1_4, 2), List.of(item(Operation.GET, uid()), item(Operation.GET, uid())));
        assertThat(QuickRequests.quick(twoGets)).isFalse();

        byte[] big = one(Operation.ENCRYPT, uid(), TtlvItem.bytes(Tag.DATA, new byte[QuickRequests.MAX_BYTES]));
        assertThat(big.length).isGreaterThan(QuickRequests.MAX_BYTES);
        assertThat(QuickRequests.quick(big)).isFalse();
        byte[] small = one(Operation.ENCRYPT, uid(), TtlvItem.bytes(Tag.DATA, new byte[1024]));
        assertThat(QuickRequests.quick(small)).isTrue();
    }

    @Test
    void malformedBytes_areNotQuick() {
        byte[] get = one(Operation.GET, uid());
        assertThat(QuickRequests.quick(new byte[0])).isFalse();
        assertThat(QuickRequests.quick(Arrays.copyOf(get, get.length - 8))).as("truncated").isFalse();
        assertThat(QuickRequests.quick(Arrays.copyOf(get, get.length + 8))).as("trailing bytes").isFalse();
        byte[] wrongTag = get.clone();
        wrongTag[2] = 0x7B; // Response Message
        assertThat(QuickRequests.quick(wrongTag)).isFalse();
        byte[] hugeChild = get.clone();
        // the Request Header's length made to run past the message
        hugeChild[12] = 0x7F;
        assertThat(QuickRequests.quick(hugeChild)).isFalse();
        for (int i = 0; i < get.length; i++) { // no single corrupted byte makes the scan fail or loop
            byte[] corrupt = get.clone();
            corrupt[i] ^= (byte) 0xA5;
            QuickRequests.quick(corrupt);
        }
    }

    @Test
    void theDispatcherRunsQuickRequestsInline_onlyOnALocalStore() {
        byte[] get = one(Operation.GET, uid());
        DispatcherFixture memory = new DispatcherFixture(List.of());
        assertThat(memory.dispatcher.quick(get)).isTrue();
        assertThat(memory.dispatcher.quick(one(Operation.CREATE, uid()))).isFalse();

        try (SqlObjectStore sqlite = SqlObjectStore.open(dir.resolve("keyhold.db"), MasterKeyRing.of(TestMasterKeys.fixed()));
             KmipDispatcher dispatcher = new KmipDispatcher(sqlite, memory.clock, List.of())) {
            assertThat(sqlite.readsLocally()).isTrue();
            assertThat(dispatcher.quick(get)).isTrue();
        }
        // PostgreSQL is reached over the network: nothing runs on the event loops
        TestPostgres postgres = TestPostgres.create();
        try (SqlObjectStore shared = SqlObjectStore.open(postgres.database(), MasterKeyRing.of(TestMasterKeys.fixed()),
                SqlObjectStore.Options.DEFAULTS.withReaderPoolSize(1));
             KmipDispatcher dispatcher = new KmipDispatcher(shared, memory.clock, List.of())) {
            assertThat(shared.readsLocally()).isFalse();
            assertThat(dispatcher.quick(get)).isFalse();
        } finally {
            postgres.close();
        }
    }
}
