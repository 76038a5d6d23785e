package io.keyhold.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The list of open KMIP connections: what is listed, request counts, removal, and concurrent use. */
class ConnectionRegistryTest {
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    /** A clock that moves one second each time it is read. */
    private static Clock ticking() {
        return new Clock() {
            private long reads;

            @Override
            public synchronized Instant instant() {
                return T0.plusSeconds(reads++);
            }

            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
    }

    @Test
    void listsOpenConnections_oldestFirst_withTheirRequestCounts() {
        ConnectionRegistry registry = new ConnectionRegistry(ticking());
        ConnectionRegistry.Registration first = registry.opened(7, "client1", "127.0.0.1:5000", "TLSv1.3",
                "TLS_AES_256_GCM_SHA384");
        ConnectionRegistry.Registration second = registry.opened(3, "client2", "127.0.0.1:5001", null, null);
        first.requestReceived();
        first.requestReceived();
        second.requestReceived();

        List<ConnectionRegistry.Connection> open = registry.list();
        assertThat(open).containsExactly(
                new ConnectionRegistry.Connection(7, "client1", "127.0.0.1:5000", "TLSv1.3", "TLS_AES_256_GCM_SHA384",
                        T0, 2),
                new ConnectionRegistry.Connection(3, "client2", "127.0.0.1:5001", "unknown", "unknown",
                        T0.plusSeconds(1), 1));
        assertThat(registry.size()).isEqualTo(2);
    }

    @Test
    void closedConnections_leaveTheList_closeIsIdempotent_andIdsAreUnique() {
        ConnectionRegistry registry = new ConnectionRegistry();
        ConnectionRegistry.Registration a = registry.opened(1, "client1", "127.0.0.1:5000", "TLSv1.3", "S");
        registry.opened(2, "client2", "127.0.0.1:5001", "TLSv1.3", "S");
        assertThatThrownBy(() -> registry.opened(1, "client1", "127.0.0.1:5002", "TLSv1.3", "S"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("1");

        a.closed();
        a.closed();
        assertThat(registry.list()).extracting(ConnectionRegistry.Connection::id).containsExactly(2L);
        a.requestReceived(); // a late count on a closed connection changes nothing listed
        assertThat(registry.list()).extracting(ConnectionRegistry.Connection::requests).containsExactly(0L);

        ConnectionRegistry.Registration again = registry.opened(1, "client1", "127.0.0.1:5003", "TLSv1.2", "S");
        a.closed(); // the old registration does not remove the new one with the same id
        assertThat(registry.list()).extracting(ConnectionRegistry.Connection::remote)
                .containsExactlyInAnyOrder("127.0.0.1:5001", "127.0.0.1:5003");
        again.closed();
        assertThat(registry.size()).isEqualTo(1);
    }

    @Test
    void manyThreadsOpeningCountingAndClosing_leaveItConsistent() throws Exception {
        ConnectionRegistry registry = new ConnectionRegistry();
        int threads = 8;
        int perThread = 500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        List<ConnectionRegistry.Registration> kept = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            for (int t = 0; t < threads; t++) {
                int base = t * perThread;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        ConnectionRegistry.Registration r = registry.opened(base + i, "c" + base, "127.0.0.1:" + i,
                                "TLSv1.3", "S");
                        r.requestReceived();
                        registry.list();
                        if (i % 2 == 0) {
                            r.closed();
                        } else {
                            kept.add(r);
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(registry.size()).isEqualTo(threads * perThread / 2);
        assertThat(registry.list()).allMatch(c -> c.id() % 2 == 1 && c.requests() == 1);
        kept.forEach(ConnectionRegistry.Registration::closed);
        assertThat(registry.list()).isEmpty();
    }
}
