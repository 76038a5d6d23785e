package io.keyhold.server.store.sql;

import io.keyhold.server.store.ApiToken;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The api_tokens table (migration V5) for {@link SqlTransaction}. */
final class ApiTokenSql {
    private static final String COLUMNS = "id, identity, secret_hash, scope, description, created_at, expires_at, "
            + "revoked_at, last_used_at";

    private ApiTokenSql() {
    }

    static Optional<ApiToken> get(Connection c, String id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM api_tokens WHERE id = ?")) {
            p.setString(1, id);
            List<ApiToken> found = read(p);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    static List<ApiToken> all(Connection c) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM api_tokens ORDER BY created_at, id")) {
            return read(p);
        }
    }

    /** Inserts the token; false when its id exists already. */
    static boolean insert(Connection c, ApiToken t) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO api_tokens (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            p.setString(1, t.id());
            p.setString(2, t.identity());
            p.setBytes(3, t.secretHash());
            p.setString(4, t.scope());
            p.setString(5, t.description());
            p.setLong(6, t.created().getEpochSecond());
            setTime(p, 7, t.expires());
            setTime(p, 8, t.revoked());
            setTime(p, 9, t.lastUsed());
            return p.executeUpdate() == 1;
        }
    }

    static boolean revoke(Connection c, String id, long revokedAt) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
            p.setLong(1, revokedAt);
            p.setString(2, id);
            return p.executeUpdate() == 1;
        }
    }

    static boolean used(Connection c, String id, long usedAt) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE api_tokens SET last_used_at = ? WHERE id = ?")) {
            p.setLong(1, usedAt);
            p.setString(2, id);
            return p.executeUpdate() == 1;
        }
    }

    private static void setTime(PreparedStatement p, int index, Instant t) throws SQLException {
        if (t == null) {
            p.setNull(index, Types.INTEGER);
        } else {
            p.setLong(index, t.getEpochSecond());
        }
    }

    private static Instant time(ResultSet rs, int index) throws SQLException {
        long v = rs.getLong(index);
        return rs.wasNull() ? null : Instant.ofEpochSecond(v);
    }

    private static List<ApiToken> read(PreparedStatement p) throws SQLException {
        List<ApiToken> out = new ArrayList<>();
        try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                out.add(new ApiToken(rs.getString(1), rs.getString(2), rs.getBytes(3), rs.getString(4), rs.getString(5),
                        Instant.ofEpochSecond(rs.getLong(6)), time(rs, 7), time(rs, 8), time(rs, 9)));
            }
        }
        return out;
    }
}
