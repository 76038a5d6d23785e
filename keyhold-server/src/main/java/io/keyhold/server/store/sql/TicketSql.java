package io.keyhold.server.store.sql;

import io.keyhold.server.store.StoredTicket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The login_ticket table (migration V6) for {@link SqlTransaction}. A ticket is found by the lookup half of
 * its hash; the whole hash is compared here, in constant time, before any row is read out or changed.
 */
final class TicketSql {
    private static final String COLUMNS = "lookup, hash, identity, rights, created_at, expires_at, requests_left, "
            + "operations_left";
    private static final String ALIVE = "expires_at > ? AND (requests_left IS NULL OR requests_left > 0)";

    private TicketSql() {
    }

    static Optional<StoredTicket> find(Connection c, byte[] hash) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM login_ticket WHERE lookup = ?")) {
            p.setBytes(1, StoredTicket.lookup(hash));
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                StoredTicket t = new StoredTicket(rs.getBytes(2), rs.getString(3), rs.getString(4),
                        Instant.ofEpochMilli(rs.getLong(5)), Instant.ofEpochMilli(rs.getLong(6)), count(rs, 7), count(rs, 8));
                return t.matches(hash) ? Optional.of(t) : Optional.empty();
            }
        }
    }

    static long live(Connection c, String identity, Instant now) throws SQLException {
        String sql = "SELECT COUNT(*) FROM login_ticket WHERE " + ALIVE + (identity == null ? "" : " AND identity = ?");
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setLong(1, now.toEpochMilli());
            if (identity != null) {
                p.setString(2, identity);
            }
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Inserts the ticket; false when its lookup key exists already. */
    static boolean insert(Connection c, StoredTicket t) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO login_ticket (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            p.setBytes(1, t.lookup());
            p.setBytes(2, t.hash());
            p.setString(3, t.identity());
            p.setString(4, t.rights());
            p.setLong(5, t.created().toEpochMilli());
            p.setLong(6, t.expires().toEpochMilli());
            setCount(p, 7, t.requestsLeft());
            setCount(p, 8, t.operationsLeft());
            return p.executeUpdate() == 1;
        }
    }

    static Optional<StoredTicket> useRequest(Connection c, byte[] hash, Instant now) throws SQLException {
        Optional<StoredTicket> found = find(c, hash);
        if (found.isEmpty() || !found.get().aliveAt(now)) {
            return Optional.empty();
        }
        if (found.get().requestsLeft().isPresent()) {
            try (PreparedStatement p = c.prepareStatement(
                    "UPDATE login_ticket SET requests_left = requests_left - 1 WHERE lookup = ? AND requests_left > 0")) {
                p.setBytes(1, found.get().lookup());
                if (p.executeUpdate() != 1) {
                    return Optional.empty();
                }
            }
        }
        return found;
    }

    static long useOperations(Connection c, byte[] hash, long operations) throws SQLException {
        Optional<StoredTicket> found = find(c, hash);
        if (found.isEmpty() || operations <= 0) {
            return 0;
        }
        OptionalLong left = found.get().operationsLeft();
        if (left.isEmpty()) {
            return operations;
        }
        long drawn = Math.min(operations, left.getAsLong());
        if (drawn > 0) {
            try (PreparedStatement p = c.prepareStatement(
                    "UPDATE login_ticket SET operations_left = operations_left - ? WHERE lookup = ?")) {
                p.setLong(1, drawn);
                p.setBytes(2, found.get().lookup());
                p.executeUpdate();
            }
        }
        return drawn;
    }

    static Optional<StoredTicket> delete(Connection c, byte[] hash) throws SQLException {
        Optional<StoredTicket> found = find(c, hash);
        if (found.isPresent()) {
            try (PreparedStatement p = c.prepareStatement("DELETE FROM login_ticket WHERE lookup = ?")) {
                p.setBytes(1, found.get().lookup());
                p.executeUpdate();
            }
        }
        return found;
    }

    static long deleteEnded(Connection c, Instant now) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "DELETE FROM login_ticket WHERE expires_at <= ? OR requests_left <= 0")) {
            p.setLong(1, now.toEpochMilli());
            return p.executeUpdate();
        }
    }

    private static void setCount(PreparedStatement p, int index, OptionalLong n) throws SQLException {
        if (n.isPresent()) {
            p.setLong(index, n.getAsLong());
        } else {
            p.setNull(index, Types.BIGINT);
        }
    }

    private static OptionalLong count(ResultSet rs, int index) throws SQLException {
        long v = rs.getLong(index);
        return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
    }
}
