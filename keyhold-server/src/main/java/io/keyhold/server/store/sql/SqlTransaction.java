package io.keyhold.server.store.sql;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.audit.AuditRecord;
import io.keyhold.server.store.ApiToken;
import io.keyhold.server.store.Grant;
import io.keyhold.server.store.LocateQuery;
import io.keyhold.server.store.RetiredCredential;
import io.keyhold.server.store.RotationPolicy;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoreException;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.store.StoredTicket;
import io.keyhold.server.store.ValueKeys;
import io.keyhold.server.store.WriteTransaction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One transaction on one connection: a read transaction on a pooled read-only connection, or one work of
 * a commit group on the writer's connection (reads then see the writer's uncommitted state). Valid only
 * while its work runs.
 */
final class SqlTransaction implements WriteTransaction {
    private final Connection connection;
    private final boolean writable;
    private final ObjectEnvelope envelope;
    private final AuditRows audit;
    private final StatementCache statements;
    private boolean finished;
    /** Inside a savepoint its caller rolls back when any statement fails (see {@link #enclosed}). */
    private boolean enclosed;
    /** A statement of an enclosed transaction failed: its caller must roll it back. */
    private boolean failedStatement;

    SqlTransaction(Connection connection, boolean writable, ObjectEnvelope envelope) {
        this(connection, writable, envelope, null, null);
    }

    /**
     * A transaction whose statements the cache keeps for reuse ({@code statements}, null for none), with
     * the audit chain of the writer's group ({@code audit}, null for none).
     */
    SqlTransaction(Connection connection, boolean writable, ObjectEnvelope envelope, AuditRows audit,
            StatementCache statements) {
        this.connection = connection;
        this.writable = writable;
        this.envelope = envelope;
        this.audit = audit;
        this.statements = statements;
    }

    void finish() {
        finished = true;
    }

    /**
     * Marks this transaction as run inside a savepoint that its caller rolls back whenever one of its
     * statements fails ({@link #failedStatement()}), even if the work caught the failure and went on: its
     * inserts and updates then need no savepoint of their own.
     */
    SqlTransaction enclosed() {
        enclosed = true;
        return this;
    }

    /** Whether a statement of this {@link #enclosed} transaction failed. */
    boolean failedStatement() {
        return failedStatement;
    }

    @Override
    public Optional<StoredObject> get(String uniqueIdentifier) {
        checkOpen();
        try {
            return withStatement("SELECT owner, storage_status, attributes, object FROM managed_object WHERE uid = ?",
                    p -> {
                        p.setString(1, uniqueIdentifier);
                        try (ResultSet rs = p.executeQuery()) {
                            if (!rs.next()) {
                                return Optional.<StoredObject>empty();
                            }
                            return Optional.of(new StoredObject(uniqueIdentifier, rs.getString(1),
                                    storageStatus(rs.getInt(2)), RowCodec.decodeAttributes(rs.getBytes(3), uniqueIdentifier),
                                    RowCodec.decodeObject(rs.getBytes(4), uniqueIdentifier, envelope)));
                        }
                    });
        } catch (SQLException e) {
            throw failure("get of object " + uniqueIdentifier, e);
        }
    }

    @Override
    public List<String> locate(LocateQuery query) {
        checkOpen();
        LocateSql sql = LocateSql.select(query);
        try (PreparedStatement p = connection.prepareStatement(sql.text())) {
            sql.bind(p);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure("locate", e);
        }
    }

    @Override
    public long count(LocateQuery query) {
        checkOpen();
        LocateSql sql = LocateSql.count(query);
        try (PreparedStatement p = connection.prepareStatement(sql.text())) {
            sql.bind(p);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw failure("count", e);
        }
    }

    @Override
    public void insert(StoredObject object) {
        checkWritable();
        String uid = object.uniqueIdentifier();
        atomically("insert of object " + uid, () -> {
            if (find(uid) != null) {
                throw new StoreException("object " + uid + " already exists");
            }
            long seq = withStatement("INSERT INTO managed_object (uid, owner, object_type, state, storage_status,"
                    + " attributes, object) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING seq", p -> {
                p.setString(1, uid);
                p.setString(2, object.owner());
                bindColumns(p, 3, object);
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            insertValues(seq, object.attributes());
        });
    }

    @Override
    public void update(StoredObject object) {
        checkWritable();
        String uid = object.uniqueIdentifier();
        atomically("update of object " + uid, () -> {
            Row row = find(uid);
            if (row == null) {
                throw new StoreException("object " + uid + " does not exist");
            }
            if (!row.owner().equals(object.owner())) {
                throw new StoreException("object " + uid + ": the owner cannot change");
            }
            withStatement("UPDATE managed_object SET object_type = ?, state = ?, storage_status = ?, attributes = ?,"
                    + " object = ? WHERE seq = ?", p -> {
                bindColumns(p, 1, object);
                p.setLong(6, row.seq());
                return p.executeUpdate();
            });
            withStatement("DELETE FROM attribute_value WHERE seq = ?", p -> {
                p.setLong(1, row.seq());
                return p.executeUpdate();
            });
            insertValues(row.seq(), object.attributes());
        });
    }

    @Override
    public AuditRecord appendAudit(AuditEvent event) {
        checkWritable();
        if (audit == null) {
            throw new IllegalStateException("this transaction keeps no audit chain");
        }
        AuditRecord[] appended = new AuditRecord[1];
        AuditRows.Mark before = audit.mark();
        try {
            atomically("append of audit record " + (audit.head().sequence() + 1), () -> appended[0] = audit.append(connection, event));
        } catch (RuntimeException e) {
            audit.reset(before);
            throw e;
        }
        return appended[0];
    }

    // ---- access control (AccessSql)

    @Override
    public List<Grant> grantsOn(String uniqueIdentifier, Collection<String> objectGroups) {
        checkOpen();
        try {
            return AccessSql.grantsOn(connection, uniqueIdentifier, objectGroups);
        } catch (SQLException e) {
            throw failure("grants of object " + uniqueIdentifier, e);
        }
    }

    @Override
    public List<Grant> grants() {
        checkOpen();
        try {
            return AccessSql.grants(connection);
        } catch (SQLException e) {
            throw failure("list of grants", e);
        }
    }

    @Override
    public Optional<String> passwordHash(String username) {
        checkOpen();
        try {
            return AccessSql.passwordHash(connection, username);
        } catch (SQLException e) {
            throw failure("read of a user", e);
        }
    }

    @Override
    public List<String> usernames() {
        checkOpen();
        try {
            return AccessSql.usernames(connection);
        } catch (SQLException e) {
            throw failure("list of users", e);
        }
    }

    @Override
    public boolean insertGrant(Grant grant, long grantedAt) {
        checkWritable();
        try {
            return AccessSql.insertGrant(connection, grant, grantedAt);
        } catch (SQLException e) {
            throw failure("insert of a grant", e);
        }
    }

    @Override
    public boolean deleteGrant(Grant grant) {
        checkWritable();
        try {
            return AccessSql.deleteGrant(connection, grant);
        } catch (SQLException e) {
            throw failure("delete of a grant", e);
        }
    }

    @Override
    public boolean putUser(String username, String passwordHash, long changedAt) {
        checkWritable();
        boolean[] existed = new boolean[1];
        atomically("store of a user", () -> existed[0] = AccessSql.putUser(connection, username, passwordHash, changedAt));
        return existed[0];
    }

    @Override
    public boolean deleteUser(String username) {
        checkWritable();
        try {
            return AccessSql.deleteUser(connection, username);
        } catch (SQLException e) {
            throw failure("delete of a user", e);
        }
    }

    // ---- rotation policies (RotationPolicySql)

    @Override
    public List<RotationPolicy> rotationPolicies() {
        checkOpen();
        try {
            return RotationPolicySql.all(connection);
        } catch (SQLException e) {
            throw failure("list of rotation policies", e);
        }
    }

    @Override
    public boolean insertRotationPolicy(RotationPolicy policy) {
        checkWritable();
        try {
            return RotationPolicySql.insert(connection, policy);
        } catch (SQLException e) {
            throw failure("insert of a rotation policy", e);
        }
    }

    @Override
    public boolean deleteRotationPolicy(String name) {
        checkWritable();
        try {
            return RotationPolicySql.delete(connection, name);
        } catch (SQLException e) {
            throw failure("removal of a rotation policy", e);
        }
    }

    @Override
    public long objectUses(String uniqueIdentifier) {
        checkOpen();
        try {
            return RotationPolicySql.uses(connection, uniqueIdentifier);
        } catch (SQLException e) {
            throw failure("read of an object's uses", e);
        }
    }

    @Override
    public void addObjectUses(Map<String, Long> uses) {
        checkWritable();
        try {
            RotationPolicySql.addUses(connection, uses);
        } catch (SQLException e) {
            throw failure("update of object uses", e);
        }
    }

    // ---- API tokens (ApiTokenSql)

    @Override
    public Optional<ApiToken> apiToken(String id) {
        checkOpen();
        try {
            return ApiTokenSql.get(connection, id);
        } catch (SQLException e) {
            throw failure("read of an API token", e);
        }
    }

    @Override
    public List<ApiToken> apiTokens() {
        checkOpen();
        try {
            return ApiTokenSql.all(connection);
        } catch (SQLException e) {
            throw failure("list of API tokens", e);
        }
    }

    @Override
    public void insertApiToken(ApiToken token) {
        checkWritable();
        boolean inserted;
        try {
            inserted = ApiTokenSql.insert(connection, token);
        } catch (SQLException e) {
            throw failure("insert of an API token", e);
        }
        if (!inserted) {
            throw new StoreException("API token " + token.id() + " already exists");
        }
    }

    @Override
    public boolean revokeApiToken(String id, long revokedAt) {
        checkWritable();
        try {
            return ApiTokenSql.revoke(connection, id, revokedAt);
        } catch (SQLException e) {
            throw failure("revocation of an API token", e);
        }
    }

    @Override
    public boolean apiTokenUsed(String id, long usedAt) {
        checkWritable();
        try {
            return ApiTokenSql.used(connection, id, usedAt);
        } catch (SQLException e) {
            throw failure("update of an API token", e);
        }
    }

    // ---- retired client credentials of Re-Provision (RetiredCredentialSql)

    @Override
    public Optional<RetiredCredential> retiredCredential(String fingerprint) {
        checkOpen();
        try {
            return RetiredCredentialSql.get(connection, fingerprint);
        } catch (SQLException e) {
            throw failure("read of a retired credential", e);
        }
    }

    @Override
    public List<RetiredCredential> retiredCredentialsSince(Instant from) {
        checkOpen();
        try {
            return RetiredCredentialSql.since(connection, from);
        } catch (SQLException e) {
            throw failure("list of retired credentials", e);
        }
    }

    @Override
    public boolean insertRetiredCredential(RetiredCredential credential) {
        checkWritable();
        boolean[] inserted = new boolean[1];
        atomically("insert of a retired credential",
                () -> inserted[0] = RetiredCredentialSql.insert(connection, credential));
        return inserted[0];
    }

    // ---- tickets of Login and Delegated Login (TicketSql)

    @Override
    public Optional<StoredTicket> ticket(byte[] hash) {
        checkOpen();
        try {
            return TicketSql.find(connection, hash);
        } catch (SQLException e) {
            throw failure("read of a ticket", e);
        }
    }

    @Override
    public long liveTickets(Instant now) {
        checkOpen();
        try {
            return TicketSql.live(connection, null, now);
        } catch (SQLException e) {
            throw failure("count of tickets", e);
        }
    }

    @Override
    public long liveTickets(String identity, Instant now) {
        checkOpen();
        try {
            return TicketSql.live(connection, identity, now);
        } catch (SQLException e) {
            throw failure("count of tickets", e);
        }
    }

    @Override
    public boolean insertTicket(StoredTicket ticket) {
        checkWritable();
        try {
            return TicketSql.insert(connection, ticket);
        } catch (SQLException e) {
            throw failure("insert of a ticket", e);
        }
    }

    @Override
    public Optional<StoredTicket> useTicketRequest(byte[] hash, Instant now) {
        checkWritable();
        try {
            return TicketSql.useRequest(connection, hash, now);
        } catch (SQLException e) {
            throw failure("use of a ticket", e);
        }
    }

    @Override
    public long useTicketOperations(byte[] hash, long operations) {
        checkWritable();
        try {
            return TicketSql.useOperations(connection, hash, operations);
        } catch (SQLException e) {
            throw failure("use of a ticket", e);
        }
    }

    @Override
    public Optional<StoredTicket> deleteTicket(byte[] hash) {
        checkWritable();
        try {
            return TicketSql.delete(connection, hash);
        } catch (SQLException e) {
            throw failure("delete of a ticket", e);
        }
    }

    @Override
    public long deleteEndedTickets(Instant now) {
        checkWritable();
        try {
            return TicketSql.deleteEnded(connection, now);
        } catch (SQLException e) {
            throw failure("delete of ended tickets", e);
        }
    }

    // ---- Object Defaults and Constraints (CreationRuleSql)

    @Override
    public List<KmipAttribute> objectDefaults(int objectType) {
        checkOpen();
        try {
            return withStatement(CreationRuleSql.SELECT_VALUE, p -> CreationRuleSql.objectDefaults(p, objectType));
        } catch (SQLException e) {
            throw failure("read of the Object Defaults", e);
        }
    }

    @Override
    public Optional<TtlvItem> constraints() {
        checkOpen();
        try {
            return withStatement(CreationRuleSql.SELECT_VALUE, CreationRuleSql::constraints);
        } catch (SQLException e) {
            throw failure("read of the Constraints", e);
        }
    }

    @Override
    public void putObjectDefaults(int objectType, List<KmipAttribute> attributes, long changedAt) {
        checkWritable();
        try {
            CreationRuleSql.putObjectDefaults(connection, objectType, attributes, changedAt);
        } catch (SQLException e) {
            throw failure("store of the Object Defaults", e);
        }
    }

    @Override
    public void putConstraints(TtlvItem constraints, long changedAt) {
        checkWritable();
        try {
            CreationRuleSql.putConstraints(connection, constraints, changedAt);
        } catch (SQLException e) {
            throw failure("store of the Constraints", e);
        }
    }

    private interface SqlSteps {
        void run() throws SQLException;
    }

    /**
     * Runs the statements of one insert or update inside a savepoint, so that a failure halfway leaves
     * nothing behind even if the work catches the exception and goes on. An {@link #enclosed} transaction
     * runs them without one and records the failure, for its caller to roll back the enclosing savepoint.
     */
    private void atomically(String operation, SqlSteps steps) {
        if (enclosed) {
            try {
                steps.run();
            } catch (SQLException e) {
                failedStatement = true;
                throw failure(operation, e);
            } catch (RuntimeException e) {
                failedStatement = true;
                throw e;
            }
            return;
        }
        try {
            savepoint("SAVEPOINT operation");
            try {
                steps.run();
            } catch (SQLException | RuntimeException e) {
                savepoint("ROLLBACK TO operation");
                savepoint("RELEASE operation");
                throw e;
            }
            savepoint("RELEASE operation");
        } catch (SQLException e) {
            throw failure(operation, e);
        }
    }

    private void savepoint(String sql) throws SQLException {
        withStatement(sql, PreparedStatement::execute);
    }

    /** The value of a connection setting (journal_mode, synchronous, foreign_keys, busy_timeout), for tests. */
    String pragma(String name) {
        if (!name.matches("[a-z_]+")) {
            throw new IllegalArgumentException("pragma name: " + name);
        }
        try (PreparedStatement p = connection.prepareStatement("PRAGMA " + name); ResultSet rs = p.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw failure("pragma " + name, e);
        }
    }

    private record Row(long seq, String owner) {}

    private Row find(String uid) throws SQLException {
        return withStatement("SELECT seq, owner FROM managed_object WHERE uid = ?", p -> {
            p.setString(1, uid);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? new Row(rs.getLong(1), rs.getString(2)) : null;
            }
        });
    }

    /** A use of a prepared statement. */
    @FunctionalInterface
    private interface StatementUse<T> {
        T use(PreparedStatement p) throws SQLException;
    }

    /**
     * Runs {@code use} with the statement for {@code sql}: in the writer's group, the one its cache keeps
     * prepared (left open for the next use); otherwise one prepared for this use alone and closed after.
     */
    private <T> T withStatement(String sql, StatementUse<T> use) throws SQLException {
        if (statements != null) {
            return use.use(statements.prepared(connection, sql));
        }
        try (PreparedStatement p = connection.prepareStatement(sql)) {
            return use.use(p);
        }
    }

    /** Binds object_type, state, storage_status, attributes, object from {@code first} on. */
    private void bindColumns(PreparedStatement p, int first, StoredObject object) throws SQLException {
        p.setInt(first, object.objectType());
        int state = object.state();
        if (object.attribute("State").isPresent()) {
            p.setInt(first + 1, state);
        } else {
            p.setNull(first + 1, Types.INTEGER);
        }
        p.setInt(first + 2, object.storageStatus() == StorageStatus.ARCHIVED ? 1 : 0);
        p.setBytes(first + 3, RowCodec.encodeAttributes(object.attributes()));
        byte[] material = RowCodec.encodeObject(object.object(), object.uniqueIdentifier(), envelope);
        if (material == null) {
            p.setNull(first + 4, Types.BINARY);
        } else {
            p.setBytes(first + 4, material);
        }
    }

    private void insertValues(long seq, List<KmipAttribute> attributes) throws SQLException {
        if (attributes.isEmpty()) {
            return;
        }
        withStatement("INSERT INTO attribute_value (seq, name, idx, value_key, value_num) VALUES (?, ?, ?, ?, ?)", p -> {
            for (KmipAttribute a : attributes) {
                p.setLong(1, seq);
                p.setString(2, a.name());
                p.setInt(3, a.index());
                p.setBytes(4, ValueKeys.key(a.value()));
                OptionalLong n = ValueKeys.number(a.value());
                if (n.isPresent()) {
                    p.setLong(5, n.getAsLong());
                } else {
                    p.setNull(5, Types.INTEGER);
                }
                p.addBatch();
            }
            return p.executeBatch();
        });
    }

    static StorageStatus storageStatus(int code) {
        return code == 1 ? StorageStatus.ARCHIVED : StorageStatus.ONLINE;
    }

    private void checkOpen() {
        if (finished) {
            throw new IllegalStateException("transaction used after its work returned");
        }
    }

    private void checkWritable() {
        checkOpen();
        if (!writable) {
            throw new IllegalStateException("read transaction cannot write");
        }
    }

    /** SQLite's messages name the failure (busy, full, corrupt, constraint), never bound values. */
    static StoreException failure(String operation, SQLException e) {
        return new StoreException("store: " + operation + " failed: " + e.getMessage(), e);
    }
}
