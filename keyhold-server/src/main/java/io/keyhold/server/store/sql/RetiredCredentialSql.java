package io.keyhold.server.store.sql;

import io.keyhold.server.store.RetiredCredential;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The retired_credentials and retired_credential_replacements tables (migration V9) for
 * {@link SqlTransaction}. A credential's replacements are rows of their own, one per Unique Identifier with
 * its position, so any identifier round-trips as given.
 */
final class RetiredCredentialSql {
    /** Each credential joined with its replacements in order; a credential without any gives one row of NULL. */
    private static final String SELECT = "SELECT c.fingerprint, c.identity, c.retired_at, c.retrievable_until,"
            + " r.unique_identifier FROM retired_credentials c"
            + " LEFT JOIN retired_credential_replacements r ON r.fingerprint = c.fingerprint";

    private RetiredCredentialSql() {
    }

    static Optional<RetiredCredential> get(Connection c, String fingerprint) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(SELECT + " WHERE c.fingerprint = ? ORDER BY r.position")) {
            p.setString(1, fingerprint);
            List<RetiredCredential> found = read(p);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    /** Those retired at or after {@code from}: stored seconds compared with it exactly (rounded up). */
    static List<RetiredCredential> since(Connection c, Instant from) throws SQLException {
        long second = from.getNano() == 0 ? from.getEpochSecond() : from.getEpochSecond() + 1;
        try (PreparedStatement p = c.prepareStatement(SELECT
                + " WHERE c.retired_at >= ? ORDER BY c.retired_at, c.fingerprint, r.position")) {
            p.setLong(1, second);
            return read(p);
        }
    }

    /** Inserts the credential with its replacements; false, and nothing written, when its fingerprint exists. */
    static boolean insert(Connection c, RetiredCredential credential) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO retired_credentials (fingerprint, identity,"
                + " retired_at, retrievable_until) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            p.setString(1, credential.fingerprint());
            p.setString(2, credential.identity());
            p.setLong(3, credential.retiredAt().getEpochSecond());
            p.setLong(4, credential.retrievableUntil().getEpochSecond());
            if (p.executeUpdate() != 1) {
                return false;
            }
        }
        if (credential.replacements().isEmpty()) {
            return true;
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO retired_credential_replacements (fingerprint,"
                + " position, unique_identifier) VALUES (?, ?, ?)")) {
            List<String> replacements = credential.replacements();
            for (int i = 0; i < replacements.size(); i++) {
                p.setString(1, credential.fingerprint());
                p.setInt(2, i);
                p.setString(3, replacements.get(i));
                p.addBatch();
            }
            p.executeBatch();
        }
        return true;
    }

    /** Folds the joined rows, ordered by credential and then position, into one credential each. */
    private static List<RetiredCredential> read(PreparedStatement p) throws SQLException {
        List<RetiredCredential> out = new ArrayList<>();
        try (ResultSet rs = p.executeQuery()) {
            String fingerprint = null;
            String identity = null;
            Instant retiredAt = null;
            Instant retrievableUntil = null;
            List<String> replacements = new ArrayList<>();
            while (rs.next()) {
                String rowFingerprint = rs.getString(1);
                if (!rowFingerprint.equals(fingerprint)) {
                    if (fingerprint != null) {
                        out.add(new RetiredCredential(fingerprint, identity, retiredAt, retrievableUntil, replacements));
                    }
                    fingerprint = rowFingerprint;
                    identity = rs.getString(2);
                    retiredAt = Instant.ofEpochSecond(rs.getLong(3));
                    retrievableUntil = Instant.ofEpochSecond(rs.getLong(4));
                    replacements = new ArrayList<>();
                }
                String uid = rs.getString(5);
                if (uid != null) {
                    replacements.add(uid);
                }
            }
            if (fingerprint != null) {
                out.add(new RetiredCredential(fingerprint, identity, retiredAt, retrievableUntil, replacements));
            }
        }
        return out;
    }
}
