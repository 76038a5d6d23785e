package io.keyhold.server.store.sql;

import io.keyhold.server.audit.AuditChain;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.audit.AuditRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit chain's head and the rows of the records appended to it, owned by the writer thread. The
 * head advances only once a record's rows are inserted; the writer {@link #reset resets} it when the
 * savepoint or the group holding records is rolled back, so a rolled-back transaction leaves the head
 * as it was.
 */
final class AuditRows {
    private static final String INSERT_RECORD = "INSERT INTO audit_record (sequence, time_millis, identity,"
            + " source_address, protocol_version, operation, object_count, result_status, result_reason, detail,"
            + " previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_OBJECT = "INSERT INTO audit_object (sequence, position, uid) VALUES (?, ?, ?)";
    private static final String READ_HEAD = "SELECT sequence, hash FROM audit_head WHERE id = 1";
    private static final String STORE_HEAD = "INSERT INTO audit_head (id, sequence, hash) VALUES (1, ?, ?)"
            + " ON CONFLICT (id) DO UPDATE SET sequence = excluded.sequence, hash = excluded.hash";

    private final StatementCache statements;
    private AuditChain.Head head;
    private AuditChain.Head storedHead;
    private final List<AuditRecord> appended = new ArrayList<>();

    /** A point to go back to: the head and the records appended so far in the group. */
    record Mark(AuditChain.Head head, int appended) {}

    private AuditRows(AuditChain.Head head, StatementCache statements) {
        this.statements = statements;
        this.head = head;
        this.storedHead = head;
    }

    /** Reads the head kept in the database (the genesis head for an empty log). */
    static AuditRows load(Connection c) throws SQLException {
        return new AuditRows(readHead(c), new StatementCache());
    }

    /**
     * Rows whose head is taken from the database by the first {@link #refresh}, written with the writer's
     * {@code statements}.
     */
    static AuditRows empty(StatementCache statements) {
        return new AuditRows(null, statements);
    }

    static AuditChain.Head readHead(Connection c) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(READ_HEAD)) {
            return readHead(p);
        }
    }

    private static AuditChain.Head readHead(PreparedStatement p) throws SQLException {
        try (ResultSet rs = p.executeQuery()) {
            return rs.next() ? new AuditChain.Head(rs.getLong(1), rs.getBytes(2)) : AuditChain.GENESIS;
        }
    }

    AuditChain.Head head() {
        return head;
    }

    /**
     * Takes the head from the database at the start of a write transaction (which holds the write lock),
     * so that records another process appended since ({@code keyhold grant} and {@code keyhold user} while
     * the server runs) are continued rather than forked.
     */
    void refresh(Connection c) throws SQLException {
        AuditChain.Head stored = readHead(statements.prepared(c, READ_HEAD));
        if (storedHead == null || !stored.equals(storedHead)) {
            head = stored;
            storedHead = stored;
        }
    }

    /** Inserts the record that follows the head and advances the head. */
    AuditRecord append(Connection c, AuditEvent e) throws SQLException {
        AuditRecord r = head.next(e);
        PreparedStatement record = statements.prepared(c, INSERT_RECORD);
        record.setLong(1, r.sequence());
        record.setLong(2, e.time().toEpochMilli());
        record.setString(3, e.identity());
        record.setString(4, e.sourceAddress());
        setText(record, 5, e.protocolVersion());
        setText(record, 6, e.operation());
        record.setLong(7, e.objectCount());
        record.setString(8, e.resultStatus());
        setText(record, 9, e.resultReason());
        setText(record, 10, e.detail());
        record.setBytes(11, r.previousHash());
        record.setBytes(12, r.hash());
        record.executeUpdate();
        if (!e.uniqueIdentifiers().isEmpty()) {
            PreparedStatement objects = statements.prepared(c, INSERT_OBJECT);
            int position = 0;
            for (String uid : e.uniqueIdentifiers()) {
                objects.setLong(1, r.sequence());
                objects.setInt(2, position++);
                objects.setString(3, uid);
                objects.addBatch();
            }
            objects.executeBatch();
        }
        head = AuditChain.Head.of(r);
        appended.add(r);
        return r;
    }

    Mark mark() {
        return new Mark(head, appended.size());
    }

    /** Forgets what was appended after the mark (its transaction was rolled back). */
    void reset(Mark mark) {
        head = mark.head();
        appended.subList(mark.appended(), appended.size()).clear();
    }

    /** Writes the head row if records were appended since it was last written; inside the group's transaction. */
    void storeHead(Connection c) throws SQLException {
        if (head.equals(storedHead)) {
            return;
        }
        PreparedStatement p = statements.prepared(c, STORE_HEAD);
        p.setLong(1, head.sequence());
        p.setBytes(2, head.hash());
        p.executeUpdate();
    }

    /** The group committed: the head row is what it says, and these are the records it made durable. */
    List<AuditRecord> committed() {
        storedHead = head;
        List<AuditRecord> out = List.copyOf(appended);
        appended.clear();
        return out;
    }

    /** The group was rolled back as a whole. */
    void groupRolledBack(Mark start) {
        reset(start);
        appended.clear();
    }

    private static void setText(PreparedStatement p, int index, String value) throws SQLException {
        if (value == null) {
            p.setNull(index, Types.VARCHAR);
        } else {
            p.setString(index, value);
        }
    }
}
