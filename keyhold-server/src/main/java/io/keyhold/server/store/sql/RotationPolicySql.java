package io.keyhold.server.store.sql;

import io.keyhold.server.store.RotationPolicy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/** The rotation_policy table (migration V7) for {@link SqlTransaction}. */
final class RotationPolicySql {
    private static final String COLUMNS = "name, object_group, object_type, cryptographic_algorithm, interval_seconds,"
            + " grace_seconds, created_at";

    private RotationPolicySql() {
    }

    static List<RotationPolicy> all(Connection c) throws SQLException {
        List<RotationPolicy> out = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM rotation_policy ORDER BY name");
             ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                out.add(new RotationPolicy(rs.getString(1), rs.getString(2), integer(rs, 3), integer(rs, 4),
                        rs.getLong(5), longOrNull(rs, 6), rs.getLong(7)));
            }
        }
        return out;
    }

    static boolean insert(Connection c, RotationPolicy policy) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO rotation_policy (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            p.setString(1, policy.name());
            p.setString(2, policy.objectGroup());
            setLong(p, 3, policy.objectType() == null ? null : policy.objectType().longValue());
            setLong(p, 4, policy.cryptographicAlgorithm() == null ? null : policy.cryptographicAlgorithm().longValue());
            p.setLong(5, policy.intervalSeconds());
            setLong(p, 6, policy.graceSeconds());
            p.setLong(7, policy.createdAt());
            return p.executeUpdate() == 1;
        }
    }

    static boolean delete(Connection c, String name) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM rotation_policy WHERE name = ?")) {
            p.setString(1, name);
            return p.executeUpdate() == 1;
        }
    }

    private static void setLong(PreparedStatement p, int index, Long value) throws SQLException {
        if (value == null) {
            p.setNull(index, Types.BIGINT);
        } else {
            p.setLong(index, value);
        }
    }

    private static Integer integer(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : (int) v;
    }

    private static Long longOrNull(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
