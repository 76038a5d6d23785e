package io.keyhold.server.store.memory;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.audit.AuditChain;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.audit.AuditListener;
import io.keyhold.server.audit.AuditRecord;
import io.keyhold.server.store.LocateQuery;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.ReadTransaction;
import io.keyhold.server.store.StoreException;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.store.TransactionWork;
import io.keyhold.server.store.ValueKeys;
import io.keyhold.server.store.WriteTransaction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A store in memory, for tests and as the reference for what every store's Locate must answer. Nothing
 * survives the process. Writers are serialized; a failed write changes nothing, its audit records included.
 */
public final class InMemoryObjectStore implements ObjectStore {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private Map<String, StoredObject> objects = new LinkedHashMap<>();
    private List<AuditRecord> audit = List.of();
    private volatile AuditListener listener = AuditListener.NONE;

    @Override
    public <T> T read(TransactionWork<ReadTransaction, T> work) throws KmipException {
        lock.readLock().lock();
        try {
            return work.run(new View(objects));
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public <T> T write(TransactionWork<WriteTransaction, T> work) throws KmipException {
        lock.writeLock().lock();
        try {
            Map<String, StoredObject> copy = new LinkedHashMap<>(objects);
            View view = new View(copy, new ArrayList<>(audit));
            T result = work.run(view);
            objects = copy;
            List<AuditRecord> added = view.audit.subList(audit.size(), view.audit.size());
            audit = List.copyOf(view.audit);
            if (!added.isEmpty()) {
                listener.committed(List.copyOf(added));
            }
            return result;
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void appendAudit(List<AuditEvent> events, boolean waitForCommit) throws KmipException {
        write(tx -> {
            for (AuditEvent e : events) {
                tx.appendAudit(e);
            }
            return null;
        });
    }

    @Override
    public void auditListener(AuditListener l) {
        listener = l == null ? AuditListener.NONE : l;
    }

    /** Every committed audit record, in chain order. */
    public List<AuditRecord> auditRecords() {
        lock.readLock().lock();
        try {
            return audit;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void close() {
        // nothing to release
    }

    private static final class View implements WriteTransaction {
        private final Map<String, StoredObject> objects;
        private final List<AuditRecord> audit;

        View(Map<String, StoredObject> objects) {
            this(objects, new ArrayList<>());
        }

        View(Map<String, StoredObject> objects, List<AuditRecord> audit) {
            this.objects = objects;
            this.audit = audit;
        }

        @Override
        public AuditRecord appendAudit(AuditEvent event) {
            AuditChain.Head head = audit.isEmpty() ? AuditChain.GENESIS : AuditChain.Head.of(audit.get(audit.size() - 1));
            AuditRecord r = head.next(event);
            audit.add(r);
            return r;
        }

        @Override
        public Optional<StoredObject> get(String uniqueIdentifier) {
            return Optional.ofNullable(objects.get(uniqueIdentifier));
        }

        @Override
        public List<String> locate(LocateQuery query) {
            List<String> out = new ArrayList<>();
            int skipped = 0;
            for (StoredObject o : objects.values()) {
                if (query.limit() >= 0 && out.size() >= query.limit()) {
                    break;
                }
                if (matches(o, query)) {
                    if (skipped < query.offset()) {
                        skipped++;
                    } else {
                        out.add(o.uniqueIdentifier());
                    }
                }
            }
            return out;
        }

        @Override
        public long count(LocateQuery query) {
            return objects.values().stream().filter(o -> matches(o, query)).count();
        }

        @Override
        public void insert(StoredObject object) {
            if (objects.containsKey(object.uniqueIdentifier())) {
                throw new StoreException("object " + object.uniqueIdentifier() + " already exists");
            }
            objects.put(object.uniqueIdentifier(), object);
        }

        @Override
        public void update(StoredObject object) {
            StoredObject old = objects.get(object.uniqueIdentifier());
            if (old == null) {
                throw new StoreException("object " + object.uniqueIdentifier() + " does not exist");
            }
            if (!old.owner().equals(object.owner())) {
                throw new StoreException("object " + object.uniqueIdentifier() + ": the owner cannot change");
            }
            objects.put(object.uniqueIdentifier(), object);
        }
    }

    static boolean matches(StoredObject o, LocateQuery q) {
        if (q.owner() != null && !q.owner().equals(o.owner())) {
            return false;
        }
        if (!q.storage().contains(o.storageStatus())) {
            return false;
        }
        for (LocateQuery.Criterion c : q.criteria()) {
            if (!matches(o.attributes(c.name()), c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(List<KmipAttribute> instances, LocateQuery.Criterion c) {
        if (c instanceof LocateQuery.NoneOf n) {
            return instances.stream().noneMatch(a -> n.values().stream().anyMatch(v -> same(a.value(), v)));
        }
        for (KmipAttribute a : instances) {
            TtlvItem v = a.value();
            boolean hit;
            if (c instanceof LocateQuery.Equals e) {
                hit = same(v, e.value());
            } else if (c instanceof LocateQuery.AnyOf any) {
                hit = any.values().stream().anyMatch(x -> same(v, x));
            } else if (c instanceof LocateQuery.Between b) {
                OptionalLong n = ValueKeys.number(v);
                hit = n.isPresent() && n.getAsLong() >= b.from() && n.getAsLong() <= b.to();
            } else if (c instanceof LocateQuery.MaskContains m) {
                hit = v.type() == ItemType.INTEGER && (v.intValue() & m.bits()) == m.bits();
            } else {
                hit = true; // Present
            }
            if (hit) {
                return true;
            }
        }
        return false;
    }

    private static boolean same(TtlvItem a, TtlvItem b) {
        return Arrays.equals(ValueKeys.key(a), ValueKeys.key(b));
    }
}
