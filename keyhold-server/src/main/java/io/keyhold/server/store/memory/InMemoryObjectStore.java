package io.keyhold.server.store.memory;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.audit.AuditChain;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.audit.AuditListener;
import io.keyhold.server.audit.AuditRecord;
import io.keyhold.server.store.ApiToken;
import io.keyhold.server.store.Grant;
import io.keyhold.server.store.LocateQuery;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.ReadTransaction;
import io.keyhold.server.store.RetiredCredential;
import io.keyhold.server.store.StoreException;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.store.StoredTicket;
import io.keyhold.server.store.TransactionWork;
import io.keyhold.server.store.ValueKeys;
import io.keyhold.server.store.WriteTransaction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A store in memory, for tests and as the reference for what every store's Locate must answer. Nothing
 * survives the process. Writers are serialized; a failed write changes nothing, its audit records included.
 */
public final class InMemoryObjectStore implements ObjectStore {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private static final Comparator<Grant> GRANT_ORDER = Comparator.comparing(Grant::targetKind)
            .thenComparing(Grant::target).thenComparing(Grant::granteeKind).thenComparing(Grant::grantee)
            .thenComparing(Grant::operation);

    private Map<String, StoredObject> objects = new LinkedHashMap<>();
    private List<AuditRecord> audit = List.of();
    private volatile AuditListener listener = AuditListener.NONE;
    private TreeSet<Grant> grants = new TreeSet<>(GRANT_ORDER);
    private TreeMap<String, String> users = new TreeMap<>();
    private TreeMap<String, ApiToken> apiTokens = new TreeMap<>();
    private ServerState serverState = new ServerState();
    private final java.util.Set<String> heldTasks = new java.util.HashSet<>();

    /**
     * The tickets (by the hex of their lookup key), the Object Defaults (by Object Type), the Constraints and
     * the retired client credentials (by fingerprint); a write works on a copy, kept only when the work
     * returns.
     */
    private static final class ServerState {
        final TreeMap<String, StoredTicket> tickets;
        final TreeMap<Integer, List<KmipAttribute>> objectDefaults;
        final TreeMap<String, io.keyhold.server.store.RotationPolicy> rotationPolicies;
        final TreeMap<String, Long> objectUses;
        final TreeMap<String, RetiredCredential> retiredCredentials;
        TtlvItem constraints;

        ServerState() {
            this(new TreeMap<>(), new TreeMap<>(), null, new TreeMap<>(), new TreeMap<>(), new TreeMap<>());
        }

        private ServerState(TreeMap<String, StoredTicket> tickets, TreeMap<Integer, List<KmipAttribute>> objectDefaults,
                            TtlvItem constraints, TreeMap<String, io.keyhold.server.store.RotationPolicy> rotationPolicies,
                            TreeMap<String, Long> objectUses, TreeMap<String, RetiredCredential> retiredCredentials) {
            this.tickets = tickets;
            this.objectDefaults = objectDefaults;
            this.constraints = constraints;
            this.rotationPolicies = rotationPolicies;
            this.objectUses = objectUses;
            this.retiredCredentials = retiredCredentials;
        }

        ServerState copy() {
            return new ServerState(new TreeMap<>(tickets), new TreeMap<>(objectDefaults), constraints,
                    new TreeMap<>(rotationPolicies), new TreeMap<>(objectUses), new TreeMap<>(retiredCredentials));
        }
    }

    @Override
    public <T> T read(TransactionWork<ReadTransaction, T> work) throws KmipException {
        lock.readLock().lock();
        try {
            return work.run(new View(objects, grants, users, apiTokens, serverState, new ArrayList<>()));
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public <T> T write(TransactionWork<WriteTransaction, T> work) throws KmipException {
        lock.writeLock().lock();
        try {
            Map<String, StoredObject> copy = new LinkedHashMap<>(objects);
            TreeSet<Grant> grantsCopy = new TreeSet<>(grants);
            TreeMap<String, String> usersCopy = new TreeMap<>(users);
            TreeMap<String, ApiToken> apiTokensCopy = new TreeMap<>(apiTokens);
            ServerState stateCopy = serverState.copy();
            View view = new View(copy, grantsCopy, usersCopy, apiTokensCopy, stateCopy, new ArrayList<>(audit));
            T result = work.run(view);
            objects = copy;
            grants = grantsCopy;
            users = usersCopy;
            apiTokens = apiTokensCopy;
            serverState = stateCopy;
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

    /** One process uses an in-memory store: a task is held at most once at a time, within this store. */
    @Override
    public Optional<Exclusive> tryExclusive(String task) {
        synchronized (heldTasks) {
            if (!heldTasks.add(task)) {
                return Optional.empty();
            }
        }
        return Optional.of(() -> {
            synchronized (heldTasks) {
                heldTasks.remove(task);
            }
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

    /** Everything is in this process's memory. */
    @Override
    public boolean readsLocally() {
        return true;
    }

    @Override
    public void close() {
        // nothing to release
    }

    private static final class View implements WriteTransaction {
        private final Map<String, StoredObject> objects;
        private final TreeSet<Grant> grants;
        private final TreeMap<String, String> users;
        private final TreeMap<String, ApiToken> apiTokens;
        private final ServerState state;
        private final List<AuditRecord> audit;

        View(Map<String, StoredObject> objects, TreeSet<Grant> grants, TreeMap<String, String> users,
             TreeMap<String, ApiToken> apiTokens, ServerState state, List<AuditRecord> audit) {
            this.objects = objects;
            this.grants = grants;
            this.users = users;
            this.apiTokens = apiTokens;
            this.state = state;
            this.audit = audit;
        }

        private static String lookupKey(byte[] hash) {
            return HexFormat.of().formatHex(StoredTicket.lookup(hash));
        }

        @Override
        public Optional<StoredTicket> ticket(byte[] hash) {
            StoredTicket t = state.tickets.get(lookupKey(hash));
            return t != null && t.matches(hash) ? Optional.of(t) : Optional.empty();
        }

        @Override
        public long liveTickets(Instant now) {
            return state.tickets.values().stream().filter(t -> t.aliveAt(now)).count();
        }

        @Override
        public long liveTickets(String identity, Instant now) {
            return state.tickets.values().stream().filter(t -> t.identity().equals(identity) && t.aliveAt(now)).count();
        }

        @Override
        public boolean insertTicket(StoredTicket ticket) {
            return state.tickets.putIfAbsent(lookupKey(ticket.hash()), new StoredTicket(ticket.hash(), ticket.identity(),
                    ticket.rights(), milli(ticket.created()), milli(ticket.expires()), ticket.requestsLeft(),
                    ticket.operationsLeft())) == null;
        }

        @Override
        public Optional<StoredTicket> useTicketRequest(byte[] hash, Instant now) {
            Optional<StoredTicket> found = ticket(hash);
            if (found.isEmpty() || !found.get().aliveAt(now)) {
                return Optional.empty();
            }
            StoredTicket t = found.get();
            if (t.requestsLeft().isPresent()) {
                state.tickets.put(lookupKey(hash), t.withRequestsLeft(OptionalLong.of(t.requestsLeft().getAsLong() - 1)));
            }
            return found;
        }

        @Override
        public long useTicketOperations(byte[] hash, long operations) {
            Optional<StoredTicket> found = ticket(hash);
            if (found.isEmpty() || operations <= 0) {
                return 0;
            }
            StoredTicket t = found.get();
            if (t.operationsLeft().isEmpty()) {
                return operations;
            }
            long drawn = Math.min(operations, t.operationsLeft().getAsLong());
            state.tickets.put(lookupKey(hash), t.withOperationsLeft(OptionalLong.of(t.operationsLeft().getAsLong() - drawn)));
            return drawn;
        }

        @Override
        public Optional<StoredTicket> deleteTicket(byte[] hash) {
            Optional<StoredTicket> found = ticket(hash);
            found.ifPresent(t -> state.tickets.remove(lookupKey(hash)));
            return found;
        }

        @Override
        public long deleteEndedTickets(Instant now) {
            int before = state.tickets.size();
            state.tickets.values().removeIf(t -> !t.aliveAt(now));
            return before - state.tickets.size();
        }

        private static Instant milli(Instant t) {
            return Instant.ofEpochMilli(t.toEpochMilli());
        }

        @Override
        public List<KmipAttribute> objectDefaults(int objectType) {
            return state.objectDefaults.getOrDefault(objectType, List.of());
        }

        @Override
        public Optional<TtlvItem> constraints() {
            return Optional.ofNullable(state.constraints);
        }

        @Override
        public List<io.keyhold.server.store.RotationPolicy> rotationPolicies() {
            return List.copyOf(state.rotationPolicies.values());
        }

        @Override
        public boolean insertRotationPolicy(io.keyhold.server.store.RotationPolicy policy) {
            return state.rotationPolicies.putIfAbsent(policy.name(), policy) == null;
        }

        @Override
        public boolean deleteRotationPolicy(String name) {
            return state.rotationPolicies.remove(name) != null;
        }

        @Override
        public long objectUses(String uniqueIdentifier) {
            return state.objectUses.getOrDefault(uniqueIdentifier, 0L);
        }

        @Override
        public void addObjectUses(Map<String, Long> uses) {
            uses.forEach((uid, n) -> state.objectUses.merge(uid, n, Long::sum));
        }

        @Override
        public Optional<RetiredCredential> retiredCredential(String fingerprint) {
            return Optional.ofNullable(state.retiredCredentials.get(fingerprint));
        }

        @Override
        public List<RetiredCredential> retiredCredentialsSince(Instant from) {
            return state.retiredCredentials.values().stream().filter(c -> !c.retiredAt().isBefore(from))
                    .sorted(Comparator.comparing(RetiredCredential::retiredAt)
                            .thenComparing(RetiredCredential::fingerprint)).toList();
        }

        @Override
        public boolean insertRetiredCredential(RetiredCredential credential) {
            return state.retiredCredentials.putIfAbsent(credential.fingerprint(), new RetiredCredential(
                    credential.fingerprint(), credential.identity(), second(credential.retiredAt()),
                    second(credential.retrievableUntil()), credential.replacements())) == null;
        }

        @Override
        public void putObjectDefaults(int objectType, List<KmipAttribute> attributes, long changedAt) {
            if (attributes.isEmpty()) {
                state.objectDefaults.remove(objectType);
            } else {
                state.objectDefaults.put(objectType, List.copyOf(attributes));
            }
        }

        @Override
        public void putConstraints(TtlvItem constraints, long changedAt) {
            state.constraints = java.util.Objects.requireNonNull(constraints, "constraints");
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
                if (matches(o, query, grants)) {
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
            return objects.values().stream().filter(o -> matches(o, query, grants)).count();
        }

        @Override
        public List<Grant> grantsOn(String uniqueIdentifier, Collection<String> objectGroups) {
            List<Grant> out = new ArrayList<>();
            for (Grant g : grants) {
                if (g.targetKind() == Grant.TargetKind.OBJECT ? g.target().equals(uniqueIdentifier)
                        : objectGroups.contains(g.target())) {
                    out.add(g);
                }
            }
            return out;
        }

        @Override
        public List<Grant> grants() {
            return List.copyOf(grants);
        }

        @Override
        public Optional<String> passwordHash(String username) {
            return Optional.ofNullable(users.get(username));
        }

        @Override
        public List<String> usernames() {
            return List.copyOf(users.keySet());
        }

        @Override
        public boolean insertGrant(Grant grant, long grantedAt) {
            return grants.add(grant);
        }

        @Override
        public boolean deleteGrant(Grant grant) {
            return grants.remove(grant);
        }

        @Override
        public boolean putUser(String username, String passwordHash, long changedAt) {
            return users.put(username, passwordHash) != null;
        }

        @Override
        public boolean deleteUser(String username) {
            return users.remove(username) != null;
        }

        @Override
        public Optional<ApiToken> apiToken(String id) {
            return Optional.ofNullable(apiTokens.get(id));
        }

        @Override
        public List<ApiToken> apiTokens() {
            return apiTokens.values().stream().sorted(Comparator.comparing(ApiToken::created)
                    .thenComparing(ApiToken::id)).toList();
        }

        @Override
        public void insertApiToken(ApiToken token) {
            if (apiTokens.containsKey(token.id())) {
                throw new StoreException("API token " + token.id() + " already exists");
            }
            apiTokens.put(token.id(), seconds(token));
        }

        @Override
        public boolean revokeApiToken(String id, long revokedAt) {
            ApiToken t = apiTokens.get(id);
            if (t == null || t.revoked() != null) {
                return false;
            }
            apiTokens.put(id, t.withRevoked(Instant.ofEpochSecond(revokedAt)));
            return true;
        }

        @Override
        public boolean apiTokenUsed(String id, long usedAt) {
            ApiToken t = apiTokens.get(id);
            if (t == null) {
                return false;
            }
            apiTokens.put(id, t.withLastUsed(Instant.ofEpochSecond(usedAt)));
            return true;
        }

        /** The token with its times in whole seconds, as the SQL store keeps them. */
        private static ApiToken seconds(ApiToken t) {
            return new ApiToken(t.id(), t.identity(), t.secretHash(), t.scope(), t.description(), second(t.created()),
                    second(t.expires()), second(t.revoked()), second(t.lastUsed()));
        }

        private static Instant second(Instant t) {
            return t == null ? null : Instant.ofEpochSecond(t.getEpochSecond());
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

    static boolean matches(StoredObject o, LocateQuery q, Collection<Grant> grants) {
        if (q.owner() != null && !q.owner().equals(o.owner())) {
            return false;
        }
        if (q.visibleTo() != null && !visible(o, q.visibleTo(), grants)) {
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

    /** The same rule as the SQL store's Locate: owner, administrator, or any grant to the identity or its groups. */
    private static boolean visible(StoredObject o, LocateQuery.VisibleTo v, Collection<Grant> grants) {
        if (o.owner().isEmpty()) {
            return false;
        }
        if (v.administrator() || o.owner().equals(v.identity())) {
            return true;
        }
        List<String> groups = o.attributes("Object Group").stream()
                .filter(a -> a.value().type() == ItemType.TEXT_STRING).map(a -> a.value().textValue()).toList();
        for (Grant g : grants) {
            boolean target = g.targetKind() == Grant.TargetKind.OBJECT ? g.target().equals(o.uniqueIdentifier())
                    : groups.contains(g.target());
            boolean grantee = g.granteeKind() == Grant.GranteeKind.IDENTITY ? g.grantee().equals(v.identity())
                    : v.groups().contains(g.grantee());
            if (target && grantee) {
                return true;
            }
        }
        return false;
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
