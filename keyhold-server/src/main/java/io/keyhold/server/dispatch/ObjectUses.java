package io.keyhold.server.dispatch;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.ObjectStore;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts, in memory, how many times each object is used as the key of a cryptographic operation on this
 * node, and adds those counts to the store's per-object counters ({@link #flush}) now and then, so that a
 * request never waits for a database write of its own. A use is one successful Encrypt, Decrypt, Sign,
 * Signature Verify, MAC or MAC Verify, counted for the Unique Identifier its response names; a multi-part
 * operation counts once, at its last part (the parts before it answer a Correlation Value). Counts not yet
 * flushed when the process ends abruptly are lost: the stored count can only be lower than the true one.
 */
public final class ObjectUses {
    /** The operations counted as a use of their key. */
    public static final Set<Operation> COUNTED = Set.of(Operation.ENCRYPT, Operation.DECRYPT, Operation.SIGN,
            Operation.SIGNATURE_VERIFY, Operation.MAC, Operation.MAC_VERIFY);

    private final ConcurrentHashMap<String, Long> pending = new ConcurrentHashMap<>();

    /** Counts one use of the object. */
    public void count(String uniqueIdentifier) {
        pending.merge(uniqueIdentifier, 1L, Long::sum);
    }

    /** Counts the item's use, if it is a successful, complete cryptographic operation. */
    void itemDone(Operation operation, ResponseBatchItem r) {
        if (operation == null || !COUNTED.contains(operation) || r.resultStatus() != ResultStatus.SUCCESS.value()) {
            return;
        }
        TtlvItem payload = r.payload();
        if (payload == null || payload.child(Tag.CORRELATION_VALUE).isPresent()) {
            return;
        }
        payload.child(Tag.UNIQUE_IDENTIFIER).filter(i -> i.type() == ItemType.TEXT_STRING)
                .ifPresent(i -> count(i.textValue()));
    }

    /** The uses counted on this node and not flushed yet, by Unique Identifier (a copy). */
    public Map<String, Long> pending() {
        return Map.copyOf(pending);
    }

    /**
     * Adds the uses counted since the last flush to the store's counters, in one transaction, and forgets
     * them; when the write fails they are kept for the next flush. Returns how many uses were added.
     */
    public long flush(ObjectStore store) throws KmipException {
        Map<String, Long> taken = new HashMap<>();
        for (String uid : pending.keySet()) {
            Long n = pending.remove(uid);
            if (n != null) {
                taken.put(uid, n);
            }
        }
        if (taken.isEmpty()) {
            return 0;
        }
        try {
            store.write(tx -> {
                tx.addObjectUses(taken);
                return null;
            });
        } catch (KmipException | RuntimeException e) {
            taken.forEach((uid, n) -> pending.merge(uid, n, Long::sum));
            throw e;
        }
        return taken.values().stream().mapToLong(Long::longValue).sum();
    }
}
