package io.keyhold.server.store.sql;

import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.StoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster-wide holds of {@link ObjectStore#tryExclusive} for an SQL store. PostgreSQL: a session advisory
 * lock, keyed by the schema and the task, on a connection kept for the purpose (checked before each attempt
 * and opened again when it dropped: a dropped connection loses its locks, so another node may take over).
 * SQLite: an exclusive lock on the file {@code DATABASE.TASK.lock} beside the database, which every process on
 * this machine using the same file sees. Within one store a task is held at most once at a time.
 */
final class ExclusiveHolds implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExclusiveHolds.class);
    /** The first key of Keyhold's advisory locks for tasks (the second is the hash of schema and task). */
    private static final int TASK_LOCK_CLASS = 0x4b48;

    private final Database database;
    private final Set<String> held = new HashSet<>();
    private Connection postgres;
    private boolean closed;

    ExclusiveHolds(Database database) {
        this.database = database;
    }

    synchronized Optional<ObjectStore.Exclusive> tryHold(String task) {
        if (closed) {
            throw new StoreException("store " + database.name() + " is closed");
        }
        if (!task.matches("[a-z0-9-]{1,64}")) {
            throw new IllegalArgumentException("task name " + task + " (expected: lower-case letters, digits, '-')");
        }
        if (held.contains(task)) {
            return Optional.empty();
        }
        Optional<ObjectStore.Exclusive> hold = database instanceof Database.Postgres pg ? postgres(pg, task)
                : sqlite((Database.Sqlite) database, task);
        hold.ifPresent(h -> held.add(task));
        return hold;
    }

    private Optional<ObjectStore.Exclusive> postgres(Database.Postgres pg, String task) {
        try {
            if (postgres == null || !postgres.isValid(2)) {
                SqlObjectStore.closeQuietly(postgres);
                postgres = null;
                postgres = PostgresConnections.connect(pg);
                postgres.setAutoCommit(true);
            }
            Connection c = postgres;
            if (!advisory(c, "pg_try_advisory_lock", task)) {
                return Optional.empty();
            }
            return Optional.of(() -> release(task, () -> {
                try {
                    advisory(c, "pg_advisory_unlock", task);
                } catch (SQLException e) {
                    SqlObjectStore.closeQuietly(c); // a closed session holds nothing
                }
            }));
        } catch (SQLException e) {
            LOG.warn("cannot take the cluster-wide hold for {} on {}: {}", task, database, e.getMessage());
            SqlObjectStore.closeQuietly(postgres);
            postgres = null;
            return Optional.empty();
        }
    }

    private static boolean advisory(Connection c, String function, String task) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT " + function + "(?, hashtext(current_schema() || ':' || ?))")) {
            p.setInt(1, TASK_LOCK_CLASS);
            p.setString(2, task);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private Optional<ObjectStore.Exclusive> sqlite(Database.Sqlite sqlite, String task) {
        Path file = sqlite.file().resolveSibling(sqlite.file().getFileName() + "." + task + ".lock");
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            FileChannel open = channel;
            return Optional.of(() -> release(task, () -> {
                try {
                    lock.release();
                    open.close();
                } catch (IOException ignored) {
                    // closing the channel releases the lock in any case
                }
            }));
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            return Optional.empty(); // another store in this process holds it
        } catch (IOException e) {
            closeQuietly(channel);
            LOG.warn("cannot take the hold for {} on {}: {}", task, file, e.getMessage());
            return Optional.empty();
        }
    }

    private synchronized void release(String task, Runnable unlock) {
        if (held.remove(task)) {
            unlock.run();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        SqlObjectStore.closeQuietly(postgres);
        postgres = null;
    }
}
