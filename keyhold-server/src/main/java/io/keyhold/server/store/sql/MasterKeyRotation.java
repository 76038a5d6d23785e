package io.keyhold.server.store.sql;

import io.keyhold.server.security.MasterKey;
import io.keyhold.server.security.MasterKeyException;
import io.keyhold.server.security.MasterKeyRing;
import io.keyhold.server.store.StoreException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Master key rotation on a database that servers may be using at the same time. {@link #begin} generates
 * a new key in the ring's source and records it as current; from the next write transaction on, every
 * server writes new objects under it. {@link #rewrap} then re-wraps, in short write transactions of a
 * batch of rows each, the data key of every object still under an older key: only the wrapped data key
 * changes, the object's IV and ciphertext stay. Each batch commits on its own, so an interrupted rotation
 * leaves every object readable and a later {@code rewrap} continues with the rows still under old keys;
 * the {@code rotating} flag in {@code master_key_state} says a rotation is unfinished.
 */
public final class MasterKeyRotation implements AutoCloseable {

    /** Told after each committed batch. */
    @FunctionalInterface
    public interface Progress {
        void batchDone(long done, long total);
    }

    /**
     * What {@code keyhold master-key status} shows.
     *
     * @param currentKeyId   the key new objects are written under
     * @param rotating       whether a rotation is unfinished
     * @param objectsByKeyId objects per master key id, the current key first; {@link #CLEAR} counts legacy
     *                       objects stored in the clear
     */
    public record Status(String currentKeyId, boolean rotating, Map<String, Long> objectsByKeyId) {}

    /** The entry of {@link Status#objectsByKeyId} for legacy objects stored in the clear. */
    public static final String CLEAR = "(clear, legacy)";

    private final Connection connection;
    private final MasterKeyRing ring;
    private final ObjectEnvelope envelope;
    private final String databaseName;
    private final Dialect dialect;

    private static final int SQLITE_BUSY = 5;
    /** Busy timeouts waited for the write lock before a batch gives up. */
    private static final int BEGIN_ATTEMPTS = 6;

    private MasterKeyRotation(Connection connection, MasterKeyRing ring, Database database) {
        this.connection = connection;
        this.ring = ring;
        this.dialect = database.dialect();
        this.envelope = new ObjectEnvelope(ring, dialect);
        this.databaseName = database.name();
    }

    /**
     * Opens an existing database for rotation (schema brought up to date, current key recorded if none
     * was). Waits up to {@code busyTimeoutMillis} for a lock a server holds.
     */
    public static MasterKeyRotation open(Path databaseFile, MasterKeyRing ring, int busyTimeoutMillis) {
        return open(Database.sqlite(databaseFile), ring, busyTimeoutMillis);
    }

    /** As {@link #open(Path, MasterKeyRing, int)} for any database (the timeout applies to SQLite's lock). */
    public static MasterKeyRotation open(Database database, MasterKeyRing ring, int busyTimeoutMillis) {
        if (database instanceof Database.Sqlite sqlite && !Files.isRegularFile(sqlite.file())) {
            throw new StoreException("database " + sqlite.file() + " does not exist");
        }
        Connection c = null;
        try {
            c = database instanceof Database.Postgres postgres ? PostgresConnections.connect(postgres)
                    : SqliteConnections.connect(((Database.Sqlite) database).file(), busyTimeoutMillis, false);
            SchemaMigrator.migrate(c, database);
            SqlObjectStore.checkCurrentKey(c, ring, database);
            return new MasterKeyRotation(c, ring, database);
        } catch (SQLException e) {
            SqlObjectStore.closeQuietly(c);
            throw new StoreException("cannot open database " + database + ": " + PostgresConnections.message(e), e);
        } catch (RuntimeException e) {
            SqlObjectStore.closeQuietly(c);
            throw e;
        }
    }

    /** The current key and how many objects each key wraps. */
    public Status status() {
        try (Statement s = connection.createStatement()) {
            if (dialect == Dialect.SQLITE) {
                s.execute("BEGIN");
            }
            try {
                MasterKeyState.State state = MasterKeyState.read(connection);
                Map<String, Long> counts = new LinkedHashMap<>();
                counts.put(state.currentKeyId(), 0L);
                try (ResultSet rs = s.executeQuery("SELECT uid, substr(object, 1, 1024) FROM managed_object"
                        + " WHERE object IS NOT NULL")) {
                    while (rs.next()) {
                        String id = keyIdOfPrefix(rs.getBytes(2));
                        counts.merge(id == null ? CLEAR : id, 1L, Long::sum);
                    }
                }
                return new Status(state.currentKeyId(), state.rotating(), counts);
            } finally {
                dialect.rollback(connection);
            }
        } catch (SQLException e) {
            throw SqlTransaction.failure("status of master keys", e);
        }
    }

    /** Whether a rotation was begun and not finished. */
    public boolean unfinished() {
        return status().rotating();
    }

    /**
     * Generates a new master key in the ring's source and records it as current, with the rotation
     * unfinished until {@link #rewrap} has moved every object to it. Returns the new key's id.
     */
    public String begin() {
        MasterKey created;
        try {
            created = ring.createNext();
        } catch (MasterKeyException e) {
            throw new StoreException(e.getMessage());
        }
        inTransaction(() -> MasterKeyState.write(connection, created.id(), true));
        return created.id();
    }

    /**
     * Records a key the ring already holds (made earlier with {@link MasterKeyRing#createNext}, and given to
     * every node since) as current, with the rotation unfinished until {@link #rewrap} has moved every
     * object to it. A key the ring does not hold is a StoreException and changes nothing.
     */
    public String begin(String keyId) {
        MasterKey key;
        try {
            key = ring.find(keyId);
        } catch (MasterKeyException e) {
            throw new StoreException(e.getMessage());
        }
        inTransaction(() -> MasterKeyState.write(connection, key.id(), true));
        return key.id();
    }

    /**
     * Re-wraps, {@code batchSize} objects per write transaction, every data key not under the current key
     * (and seals legacy clear objects), then marks the rotation finished. Returns the number of objects
     * changed. An exception (from a batch or from {@code progress}) leaves the committed batches in place.
     */
    public long rewrap(int batchSize, Progress progress) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize: " + batchSize + " (expected: >= 1)");
        }
        long total = remaining();
        long done = 0;
        long afterSeq = 0;
        while (true) {
            long[] last = {afterSeq};
            int changed = inTransaction(() -> {
                MasterKey target = currentKey();
                byte[] prefix = ObjectEnvelope.prefix(target.id());
                List<Row> rows = new ArrayList<>();
                try (PreparedStatement p = connection.prepareStatement("SELECT seq, uid, object FROM managed_object"
                        + " WHERE seq > ? AND object IS NOT NULL AND substr(object, 1, ?) <> ? ORDER BY seq LIMIT ?")) {
                    p.setLong(1, last[0]);
                    p.setInt(2, prefix.length);
                    p.setBytes(3, prefix);
                    p.setInt(4, batchSize);
                    try (ResultSet rs = p.executeQuery()) {
                        while (rs.next()) {
                            rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getBytes(3)));
                        }
                    }
                }
                try (PreparedStatement u = connection.prepareStatement("UPDATE managed_object SET object = ? WHERE seq = ?")) {
                    for (Row row : rows) {
                        u.setBytes(1, envelope.rewrap(row.uid(), row.blob(), target));
                        u.setLong(2, row.seq());
                        u.executeUpdate();
                        last[0] = row.seq();
                    }
                }
                if (rows.isEmpty() && !finishIfDone(target.id())) {
                    return -1; // rows before the scan point left under another key (a concurrent rotation)
                }
                return rows.size();
            });
            if (changed == 0) {
                return done;
            }
            if (changed < 0) {
                if (afterSeq == 0) {
                    throw new StoreException("database " + databaseName
                            + ": objects remain under an older master key after a full pass");
                }
                afterSeq = 0;
                continue;
            }
            afterSeq = last[0];
            done += changed;
            progress.batchDone(done, Math.max(total, done));
        }
    }

    /** Objects not under the current key. */
    public long remaining() {
        return inTransaction(() -> {
            byte[] prefix = ObjectEnvelope.prefix(currentKey().id());
            try (PreparedStatement p = connection.prepareStatement("SELECT count(*) FROM managed_object"
                    + " WHERE object IS NOT NULL AND substr(object, 1, ?) <> ?")) {
                p.setInt(1, prefix.length);
                p.setBytes(2, prefix);
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** Clears the rotating flag if no object is left under another key; false if some are. */
    private boolean finishIfDone(String currentKeyId) throws SQLException {
        byte[] prefix = ObjectEnvelope.prefix(currentKeyId);
        try (PreparedStatement p = connection.prepareStatement("SELECT count(*) FROM managed_object"
                + " WHERE object IS NOT NULL AND substr(object, 1, ?) <> ?")) {
            p.setInt(1, prefix.length);
            p.setBytes(2, prefix);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    return false;
                }
            }
        }
        MasterKeyState.write(connection, currentKeyId, false);
        return true;
    }

    private MasterKey currentKey() throws SQLException {
        MasterKeyState.State state = MasterKeyState.read(connection);
        try {
            return ring.find(state.currentKeyId());
        } catch (MasterKeyException e) {
            throw new StoreException("current " + e.getMessage());
        }
    }

    private static String keyIdOfPrefix(byte[] prefix) {
        if (prefix.length > 0 && prefix[0] == ObjectEnvelope.LEGACY_TTLV) {
            return null;
        }
        if (prefix.length < 5 || prefix[0] != ObjectEnvelope.FORMAT_V1) {
            return "(unreadable)";
        }
        int length = ByteBuffer.wrap(prefix, 1, 4).getInt();
        if (length < 0 || length > prefix.length - 5) {
            return "(unreadable)";
        }
        return new String(prefix, 5, length, StandardCharsets.UTF_8);
    }

    /** A row whose data key is to be re-wrapped. */
    private record Row(long seq, String uid, byte[] blob) {}

    private interface SqlWork<T> {
        T run() throws SQLException;
    }

    private interface SqlAction {
        void run() throws SQLException;
    }

    private void inTransaction(SqlAction action) {
        inTransaction(() -> {
            action.run();
            return null;
        });
    }

    private <T> T inTransaction(SqlWork<T> work) {
        try (Statement s = connection.createStatement()) {
            if (dialect == Dialect.SQLITE) {
                beginImmediate(s);
            } else {
                dialect.begin(connection);
            }
            try {
                T result = work.run();
                dialect.commit(connection);
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    dialect.rollback(connection);
                } catch (SQLException ignored) {
                    // the transaction is gone either way
                }
                throw e;
            }
        } catch (SQLException e) {
            throw SqlTransaction.failure("master key rotation in " + databaseName, e);
        }
    }

    /**
     * Takes the write lock. A busy server can take the lock again as soon as it commits, so one busy timeout
     * may pass without a turn for the rotation; nothing has started yet, so asking again is safe.
     */
    private static void beginImmediate(Statement s) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                s.execute("BEGIN IMMEDIATE");
                return;
            } catch (SQLException e) {
                if ((e.getErrorCode() & 0xff) != SQLITE_BUSY || attempt == BEGIN_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    @Override
    public void close() {
        SqlObjectStore.closeQuietly(connection);
    }
}
