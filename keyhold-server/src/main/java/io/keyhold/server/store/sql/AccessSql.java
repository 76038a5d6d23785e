package io.keyhold.server.store.sql;

import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.Grant;
import io.keyhold.server.store.ValueKeys;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The access_grant and credential_user tables (migration V3) for {@link SqlTransaction}. */
final class AccessSql {
    private static final String GRANT_COLUMNS = "target_kind, target, grantee_kind, grantee, operation";

    private AccessSql() {
    }

    /** The value key an Object Group name has in attribute_value, which group grants are joined on. */
    static byte[] groupKey(String objectGroup) {
        return ValueKeys.key(TtlvItem.text(Tag.OBJECT_GROUP, objectGroup));
    }

    static List<Grant> grantsOn(Connection c, String uid, Collection<String> objectGroups) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + GRANT_COLUMNS
                + " FROM access_grant WHERE (target_kind = 0 AND target = ?)");
        if (!objectGroups.isEmpty()) {
            sql.append(" OR (target_kind = 1 AND target IN (").append("?, ".repeat(objectGroups.size() - 1)).append("?))");
        }
        try (PreparedStatement p = c.prepareStatement(sql.toString())) {
            int i = 1;
            p.setString(i++, uid);
            for (String g : objectGroups) {
                p.setString(i++, g);
            }
            return read(p);
        }
    }

    static List<Grant> grants(Connection c) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT " + GRANT_COLUMNS + " FROM access_grant ORDER BY "
                + GRANT_COLUMNS)) {
            return read(p);
        }
    }

    static boolean insertGrant(Connection c, Grant g, long grantedAt) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO access_grant (" + GRANT_COLUMNS
                + ", group_key, granted_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            bindKey(p, g);
            if (g.targetKind() == Grant.TargetKind.OBJECT_GROUP) {
                p.setBytes(6, groupKey(g.target()));
            } else {
                p.setNull(6, Types.BINARY);
            }
            p.setLong(7, grantedAt);
            return p.executeUpdate() == 1;
        }
    }

    static boolean deleteGrant(Connection c, Grant g) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM access_grant WHERE target_kind = ? AND target = ?"
                + " AND grantee_kind = ? AND grantee = ? AND operation = ?")) {
            bindKey(p, g);
            return p.executeUpdate() == 1;
        }
    }

    static Optional<String> passwordHash(Connection c, String username) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT password_hash FROM credential_user WHERE username = ?")) {
            p.setString(1, username);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    static List<String> usernames(Connection c) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT username FROM credential_user ORDER BY username");
             ResultSet rs = p.executeQuery()) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }

    static boolean putUser(Connection c, String username, String hash, long changedAt) throws SQLException {
        boolean existed = passwordHash(c, username).isPresent();
        try (PreparedStatement p = c.prepareStatement("INSERT INTO credential_user (username, password_hash, changed_at)"
                + " VALUES (?, ?, ?) ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash,"
                + " changed_at = excluded.changed_at")) {
            p.setString(1, username);
            p.setString(2, hash);
            p.setLong(3, changedAt);
            p.executeUpdate();
        }
        return existed;
    }

    static boolean deleteUser(Connection c, String username) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM credential_user WHERE username = ?")) {
            p.setString(1, username);
            return p.executeUpdate() == 1;
        }
    }

    private static void bindKey(PreparedStatement p, Grant g) throws SQLException {
        p.setInt(1, g.targetKind().ordinal());
        p.setString(2, g.target());
        p.setInt(3, g.granteeKind().ordinal());
        p.setString(4, g.grantee());
        p.setString(5, g.operation());
    }

    private static List<Grant> read(PreparedStatement p) throws SQLException {
        List<Grant> out = new ArrayList<>();
        try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                out.add(new Grant(Grant.TargetKind.values()[rs.getInt(1)], rs.getString(2),
                        Grant.GranteeKind.values()[rs.getInt(3)], rs.getString(4), rs.getString(5)));
            }
        }
        return out;
    }
}
