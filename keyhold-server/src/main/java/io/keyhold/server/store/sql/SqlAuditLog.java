package io.keyhold.server.store.sql;

import io.keyhold.server.audit.AuditChain;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.audit.AuditQuery;
import io.keyhold.server.audit.AuditRecord;
import io.keyhold.server.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sqlite.SQLiteConfig;

/**
 * The audit log of a store's database (SQLite or PostgreSQL), read-only, for {@code keyhold audit} (verify,
 * export, query) and the REST audit routes. It connects to the database directly, needs no master key
 * (records hold no key material) and may run while servers do: each call reads one consistent snapshot.
 */
public final class SqlAuditLog implements AutoCloseable {
    private static final String COLUMNS = "r.sequence, r.time_millis, r.identity, r.source_address, r.protocol_version,"
            + " r.operation, r.object_count, r.result_status, r.result_reason, r.detail, r.previous_hash,"
            + " r.hash";

    private final Connection connection;
    private final String name;

    private SqlAuditLog(Connection connection, String name) {
        this.connection = connection;
        this.name = name;
    }

    /** Receives records one at a time; returns false to stop. */
    @FunctionalInterface
    public interface Visitor {
        boolean visit(AuditRecord record);
    }

    /** Opens the SQLite database read-only; a missing file or one without an audit log is a StoreException. */
    public static SqlAuditLog open(Path database) {
        return open(Database.sqlite(database));
    }

    /** Opens the database read-only; a missing SQLite file or a database without an audit log is a StoreException. */
    public static SqlAuditLog open(Database database) {
        Connection c = null;
        try {
            String tables;
            if (database instanceof Database.Sqlite sqlite) {
                if (!Files.isRegularFile(sqlite.file())) {
                    throw new StoreException("no database at " + sqlite.file());
                }
                SQLiteConfig config = new SQLiteConfig();
                config.setReadOnly(true);
                config.setBusyTimeout(5000);
                c = config.createConnection("jdbc:sqlite:" + sqlite.file());
                tables = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name";
            } else {
                c = PostgresConnections.connect((Database.Postgres) database);
                c.setReadOnly(true);
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                tables = "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
                        + " AND table_name";
            }
            c.setAutoCommit(false);
            try (PreparedStatement p = c.prepareStatement(
                    tables + " IN ('audit_record', 'audit_object', 'audit_head')");
                 ResultSet rs = p.executeQuery()) {
                rs.next();
                if (rs.getInt(1) != 3) {
                    throw new StoreException("database " + database + " has no audit log (start the server on it once"
                            + " to bring its schema up to date)");
                }
            }
            c.rollback();
            return new SqlAuditLog(c, database.name());
        } catch (SQLException e) {
            SqlObjectStore.closeQuietly(c);
            throw new StoreException("cannot open database " + database + ": " + PostgresConnections.message(e), e);
        } catch (RuntimeException e) {
            SqlObjectStore.closeQuietly(c);
            throw e;
        }
    }

    /**
     * Every record in sequence order, from one snapshot; returns the head the database keeps beside them
     * (the genesis head when it keeps none).
     */
    public Optional<AuditChain.Head> scan(Visitor visitor) {
        try {
            try (PreparedStatement p = connection.prepareStatement("SELECT " + COLUMNS + ", o.uid FROM audit_record r"
                    + " LEFT JOIN audit_object o ON o.sequence = r.sequence ORDER BY r.sequence, o.position")) {
                p.setFetchSize(1000); // PostgreSQL streams the rows instead of holding the whole log
                try (ResultSet rs = p.executeQuery()) {
                    Reader reader = new Reader(rs);
                    AuditRecord r;
                    while ((r = reader.next()) != null) {
                        if (!visitor.visit(r)) {
                            break;
                        }
                    }
                }
            }
            Optional<AuditChain.Head> head = headRow();
            return head;
        } catch (SQLException e) {
            throw SqlTransaction.failure("read of the audit log of " + name, e);
        } finally {
            endSnapshot();
        }
    }

    /** The records that match, oldest first. */
    public List<AuditRecord> query(AuditQuery q) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (q.uniqueIdentifier() != null) {
            where.append(" AND r.sequence IN (SELECT sequence FROM audit_object WHERE uid = ?)");
            args.add(q.uniqueIdentifier());
        }
        if (q.identity() != null) {
            where.append(" AND r.identity = ?");
            args.add(q.identity());
        }
        if (q.since() != null) {
            where.append(" AND r.time_millis >= ?");
            args.add(q.since().toEpochMilli());
        }
        if (q.until() != null) {
            where.append(" AND r.time_millis < ?");
            args.add(q.until().toEpochMilli());
        }
        if (q.operation() != null) {
            where.append(" AND r.operation = ?");
            args.add(q.operation());
        }
        String sql = "SELECT " + COLUMNS + ", o.uid FROM (SELECT * FROM audit_record r" + where + " ORDER BY r.sequence"
                + (q.limit() > 0 ? " LIMIT " + q.limit() : "") + ") r"
                + " LEFT JOIN audit_object o ON o.sequence = r.sequence ORDER BY r.sequence, o.position";
        try (PreparedStatement p = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                p.setObject(i + 1, args.get(i));
            }
            List<AuditRecord> out = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                Reader reader = new Reader(rs);
                AuditRecord r;
                while ((r = reader.next()) != null) {
                    out.add(r);
                }
            }
            return out;
        } catch (SQLException e) {
            throw SqlTransaction.failure("query of the audit log of " + name, e);
        } finally {
            endSnapshot();
        }
    }

    /** The head the database keeps beside the records (the genesis head when there are none), unverified. */
    public AuditChain.Head head() {
        try {
            return headRow().orElse(AuditChain.GENESIS);
        } catch (SQLException e) {
            throw SqlTransaction.failure("read of the audit head of " + name, e);
        } finally {
            endSnapshot();
        }
    }

    private Optional<AuditChain.Head> headRow() throws SQLException {
        try (PreparedStatement p = connection.prepareStatement("SELECT sequence, hash FROM audit_head WHERE id = 1");
             ResultSet rs = p.executeQuery()) {
            if (!rs.next()) {
                return Optional.of(AuditChain.GENESIS); // written with the first record: its absence means none or removed
            }
            byte[] hash = rs.getBytes(2);
            if (hash == null || hash.length != 32) {
                return Optional.of(new AuditChain.Head(rs.getLong(1), new byte[32]));
            }
            return Optional.of(new AuditChain.Head(rs.getLong(1), hash));
        }
    }

    private void endSnapshot() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // read-only: nothing to undo
        }
    }

    @Override
    public void close() {
        SqlObjectStore.closeQuietly(connection);
    }

    /** Folds the joined rows (one per identifier) back into records. */
    private static final class Reader {
        private final ResultSet rs;
        private boolean more;

        Reader(ResultSet rs) throws SQLException {
            this.rs = rs;
            this.more = rs.next();
        }

        AuditRecord next() throws SQLException {
            if (!more) {
                return null;
            }
            long seq = rs.getLong(1);
            long time = rs.getLong(2);
            String identity = rs.getString(3);
            String source = rs.getString(4);
            String version = rs.getString(5);
            String operation = rs.getString(6);
            long count = rs.getLong(7);
            String status = rs.getString(8);
            String reason = rs.getString(9);
            String detail = rs.getString(10);
            byte[] previous = rs.getBytes(11);
            byte[] hash = rs.getBytes(12);
            List<String> uids = new ArrayList<>();
            do {
                String uid = rs.getString(13);
                if (uid != null) {
                    uids.add(uid);
                }
                more = rs.next();
            } while (more && rs.getLong(1) == seq);
            // taken exactly as stored, so that the hash check sees any change
            AuditEvent e = new AuditEvent(Instant.ofEpochMilli(time), nonNull(identity), nonNull(source), version,
                    operation, uids, count, nonNull(status), reason, detail);
            return new AuditRecord(seq, e, fixed(previous), fixed(hash));
        }

        private static String nonNull(String s) {
            return s == null ? "" : s;
        }

        private static byte[] fixed(byte[] b) {
            return b == null ? new byte[0] : b;
        }
    }
}
