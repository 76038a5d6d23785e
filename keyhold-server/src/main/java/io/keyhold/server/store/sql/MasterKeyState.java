package io.keyhold.server.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

/**
 * The {@code master_key_state} row: the id of the current master key, which wraps every new data key, and
 * whether a rotation is still re-wrapping older ones. Callers run these inside their own transaction.
 */
final class MasterKeyState {

    /** The recorded state. */
    record State(String currentKeyId, boolean rotating) {}

    private MasterKeyState() {}

    /**
     * SQLite's count of commits by other connections to the database, as seen by {@code c}: when it has not
     * changed, nobody else can have changed the current key.
     */
    static long dataVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA data_version")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The state, or null for a database that has none yet. */
    static State read(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_key_id, rotating FROM master_key_state WHERE singleton = 1")) {
            return rs.next() ? new State(rs.getString(1), rs.getInt(2) != 0) : null;
        }
    }

    /** Records {@code keyId} as current unless some key already is (another process may have been first). */
    static void initialize(Connection c, String keyId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO master_key_state"
                + " (singleton, current_key_id, rotating, changed_at) VALUES (1, ?, 0, ?) ON CONFLICT DO NOTHING")) {
            p.setString(1, keyId);
            p.setString(2, Instant.now().toString());
            p.executeUpdate();
        }
    }

    /** Records {@code keyId} as current and whether data keys under older keys remain to be re-wrapped. */
    static void write(Connection c, String keyId, boolean rotating) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO master_key_state (singleton, current_key_id, rotating, changed_at) VALUES (1, ?, ?, ?)"
                + " ON CONFLICT (singleton) DO UPDATE SET current_key_id = excluded.current_key_id,"
                + " rotating = excluded.rotating, changed_at = excluded.changed_at")) {
            p.setString(1, keyId);
            p.setInt(2, rotating ? 1 : 0);
            p.setString(3, Instant.now().toString());
            p.executeUpdate();
        }
    }
}
