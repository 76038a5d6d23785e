package io.keyhold.server.store.sql;

import io.keyhold.server.store.RotationPolicy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The rotation_policy table (migrations V7, V8) for {@link SqlTransaction}. */
final class RotationPolicySql {
    private static final String COLUMNS = "name, object_group, object_type, cryptographic_algorithm, interval_seconds,"
            + " grace_seconds, created_at, max_uses";

    private RotationPolicySql() {
    }

    static List<RotationPolicy> all(Connection c) throws SQLException {
        List<RotationPolicy> out = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM rotation_policy ORDER BY name");
             ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                out.add(new RotationPolicy(rs.getString(1), rs.getString(2), integer(rs, 3), integer(rs, 4),
                        longOrNull(rs, 5), longOrNull(rs, 6), rs.getLong(7), longOrNull(rs, 8)));
            }
        }
        return out;
    }

    static boolean insert(Connection c, RotationPolicy policy) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO rotation_policy (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            p.setString(1, policy.name());
            p.setString(2, policy.objectGroup());
            setLong(p, 3, policy.objectType() == null ? null : policy.objectType().longValue());
            setLong(p, 4, policy.cryptographicAlgorithm() == null ? null : policy.cryptographicAlgorithm().longValue());
            setLong(p, 5, policy.intervalSeconds());
            setLong(p, 6, policy.graceSeconds());
            p.setLong(7, policy.createdAt());
            setLong(p, 8, policy.maxUses());
            return p.executeUpdate() == 1;
        }
    }

    static boolean delete(Connection c, String name) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM rotation_policy WHERE name = ?")) {
            p.setString(1, name);
            return p.executeUpdate() == 1;
        }
    }

    /** The object's counted uses (object_usage), 0 without a row. */
    static long uses(Connection c, String uid) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT uses FROM object_usage WHERE uid = ?")) {
            p.setString(1, uid);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** Adds each count to the object's row (created at the count when missing): additive, so nodes add up. */
    static void addUses(Connection c, Map<String, Long> deltas) throws SQLException {
        if (deltas.isEmpty()) {
            return;
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO object_usage (uid, uses) VALUES (?, ?)"
                + " ON CONFLICT (uid) DO UPDATE SET uses = object_usage.uses + excluded.uses")) {
            for (Map.Entry<String, Long> e : new TreeMap<>(deltas).entrySet()) {
                p.setString(1, e.getKey());
                p.setLong(2, e.getValue());
                p.addBatch();
            }
            p.executeBatch();
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
