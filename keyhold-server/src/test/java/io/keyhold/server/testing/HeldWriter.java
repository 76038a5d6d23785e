package io.keyhold.server.testing;

import io.keyhold.protocol.KmipException;
import io.keyhold.server.store.sql.SqlObjectStore;
import java.util.concurrent.CountDownLatch;

/** Holds a store's writer thread for a test: whatever else is queued for it waits until released. */
public final class HeldWriter {
    private HeldWriter() {
    }

    /**
     * Holds the store's writer in a group of its own until {@code release} counts down; returns once it
     * is held, with the thread holding it (join it after the release).
     */
    public static Thread hold(SqlObjectStore store, CountDownLatch release) throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        Thread blocker = new Thread(() -> {
            try {
                store.write(tx -> {
                    held.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return null;
                });
            } catch (KmipException e) {
                throw new IllegalStateException(e);
            }
        });
        blocker.start();
        held.await();
        return blocker;
    }
}
