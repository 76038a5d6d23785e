package io.keyhold.server.store.sql;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.ObjectStoreContract;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.testing.TestMasterKeys;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The child process of {@link SqliteCrashTest}: writes objects from several threads forever and prints
 * each Unique Identifier only after {@code write} returned, until it is killed.
 * Arguments: database file, number of threads.
 */
public final class SqliteCrashLoad {
    private SqliteCrashLoad() {}

    /** The object the load writes under this identifier; the test rebuilds it to compare. */
    static StoredObject objectFor(String uid) {
        return ObjectStoreContract.key(uid, "crash", State.ACTIVE,
                ObjectStoreContract.attr("Name", ObjectStoreContract.name("name-" + uid)),
                ObjectStoreContract.custom("x-payload", 0, TtlvItem.bytes(io.keyhold.protocol.spec.Tag.ATTRIBUTE_VALUE,
                        ("payload-" + uid).repeat(20).getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    }

    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        PrintStream out = System.out;
        SqlObjectStore store = SqlObjectStore.open(db, TestMasterKeys.fixed());
        out.println("ready");
        out.flush();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread writer = new Thread(() -> {
                for (int i = 0; ; i++) {
                    String uid = "c" + thread + "-" + i;
                    try {
                        // two objects per transaction: both or neither must survive
                        store.write(tx -> {
                            tx.insert(objectFor(uid));
                            tx.insert(objectFor(uid + "-pair"));
                            return null;
                        });
                    } catch (KmipException | RuntimeException e) {
                        System.err.println("write failed: " + e.getMessage());
                        return;
                    }
                    synchronized (out) {
                        out.println(uid);
                        out.flush();
                    }
                }
            });
            writer.start();
        }
        Thread.currentThread().join(); // until killed
    }
}
