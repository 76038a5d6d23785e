package io.keyhold.cli;

import io.keyhold.server.store.StoreException;
import io.keyhold.server.store.sql.Database;
import io.keyhold.server.store.sql.DatabaseCopy;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code keyhold backup} and {@code keyhold restore}: a backup is a SQLite database file, a complete Keyhold
 * database made by {@link DatabaseCopy} from one snapshot of the server's database while the server runs,
 * its key material still sealed under the master key (which is backed up separately). Restore copies a
 * backup into an empty database. Exit status: 0 done, 1 when refused or failed (one line), 2 on a usage
 * error or a bad configuration.
 */
final class BackupCommands {
    private BackupCommands() {
    }

    /** What both commands share: which database, progress, the environment. */
    abstract static class Base implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Target where;

        @Option(names = "--quiet", description = "No progress lines on standard error.")
        boolean quiet;

        /** The environment of the configuration's overrides and the password variable; tests replace it. */
        Map<String, String> environment = System.getenv();

        Database database() throws DatabaseOptions.Invalid {
            if (where.config != null) {
                return DatabaseOptions.configured(where.config, environment);
            }
            return DatabaseOptions.parse("--database", where.direct.database, where.direct.user, "--password-env",
                    where.direct.passwordEnv, environment);
        }
    }

    /** Either a configuration file or a database with its role. */
    static final class Target {
        @Option(names = "--config", paramLabel = "FILE", required = true,
                description = "The server's configuration file (as for keyhold serve); its storage.database is used.")
        Path config;

        @ArgGroup(exclusive = false)
        Direct direct;
    }

    /** A database given by path or URL, with its role. */
    static final class Direct {
        @Option(names = "--database", paramLabel = "DATABASE", required = true,
                description = "Instead of --config: a SQLite file, jdbc:sqlite:PATH or jdbc:postgresql://HOST[:PORT]/NAME.")
        String database;

        @Option(names = "--user", paramLabel = "ROLE", description = "The PostgreSQL role (with --database).")
        String user;

        @Option(names = "--password-env", paramLabel = "VARIABLE",
                description = "The environment variable holding the role's password (with --database).")
        String passwordEnv;
    }

    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = {"Writes a consistent copy of the server's database to a new SQLite file, while the server"
                    + " runs. Key material stays sealed under the master key: keep the master key, backed up"
                    + " separately, to use the backup.",
                    "The file is written under a temporary name and renamed when complete."})
    static final class Backup extends Base {
        @Option(names = "--output", paramLabel = "FILE", required = true,
                description = "The backup file to write; - writes it to standard output (made in the temporary"
                        + " directory first), e.g. out of a container: kubectl exec POD -- keyhold backup ... --output - > FILE.")
        Path output;

        @ParentCommand
        KeyholdCommand parent;

        @Option(names = "--force", description = "Replace the output file if it exists.")
        boolean force;

        @Override
        public Integer call() {
            Database source;
            try {
                source = database();
            } catch (DatabaseOptions.Invalid e) {
                return MigrateCommand.fail(spec, e.getMessage(), 2);
            }
            if (output.toString().equals("-")) {
                return toStandardOutput(source);
            }
            Path out = output.toAbsolutePath();
            if (Files.exists(out) && !force) {
                return MigrateCommand.fail(spec, out + " exists; choose another file, or pass --force to replace it", 1);
            }
            Path partial;
            try {
                Files.createDirectories(out.getParent());
                partial = Files.createTempFile(out.getParent(), "." + out.getFileName() + ".", ".partial");
            } catch (IOException e) {
                return MigrateCommand.fail(spec, "cannot write in " + out.getParent() + ": " + e.getMessage(), 1);
            }
            boolean done = false;
            try {
                int status = MigrateCommand.copy(spec, DatabaseCopy.of(source, Database.sqlite(partial)), quiet,
                        r -> "backed up " + r.totalRows() + " rows of " + r.rows().size() + " tables from " + source
                                + " to " + out);
                if (status != 0) {
                    return status;
                }
                singleFile(partial);
                place(partial, out, force);
                done = true;
                return 0;
            } catch (FileAlreadyExistsException e) {
                return MigrateCommand.fail(spec, out + " was created meanwhile; choose another file, or pass --force"
                        + " to replace it", 1);
            } catch (IOException | SQLException e) {
                return MigrateCommand.fail(spec, "cannot complete the backup " + out + ": " + e.getMessage(), 1);
            } finally {
                if (!done) {
                    for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
                        try {
                            Files.deleteIfExists(partial.resolveSibling(partial.getFileName() + suffix));
                        } catch (IOException ignored) {
                            // a leftover partial file is named as such
                        }
                    }
                }
            }
        }

        /** The backup made in a temporary directory, then copied to standard output and deleted. */
        private int toStandardOutput(Database source) {
            Path dir;
            try {
                dir = Files.createTempDirectory("keyhold-backup-");
            } catch (IOException e) {
                return MigrateCommand.fail(spec, "cannot make a temporary directory: " + e.getMessage(), 1);
            }
            Path file = dir.resolve("backup.db");
            try {
                int status = MigrateCommand.copy(spec, DatabaseCopy.of(source, Database.sqlite(file)), quiet,
                        r -> "backed up " + r.totalRows() + " rows of " + r.rows().size() + " tables from " + source
                                + " to standard output", spec.commandLine().getErr());
                if (status != 0) {
                    return status;
                }
                singleFile(file);
                OutputStream out = parent.stdout();
                Files.copy(file, out);
                out.flush();
                return 0;
            } catch (IOException | SQLException e) {
                return MigrateCommand.fail(spec, "cannot complete the backup to standard output: " + e.getMessage(), 1);
            } finally {
                deleteTemporaryDirectory(dir);
            }
        }

        /** Leaves the backup as one self-contained file: no write-ahead log beside it. */
        private static void singleFile(Path file) throws SQLException {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode = DELETE");
            }
        }

        /** Renames the complete backup into place; without {@code replace}, never over an existing file. */
        private static void place(Path partial, Path out, boolean replace) throws IOException {
            if (replace) {
                Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return;
            }
            try {
                Files.createLink(out, partial); // fails if out exists, atomically
            } catch (FileAlreadyExistsException e) {
                throw e;
            } catch (UnsupportedOperationException | IOException e) {
                Files.move(partial, out); // where hard links are not supported: fails if out exists
                return;
            }
            Files.delete(partial);
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = {"Copies a backup made by keyhold backup into the server's database, which must be empty"
                    + " (a new SQLite file, or a PostgreSQL database or schema without Keyhold rows).",
                    "Stop the servers first. The servers then need the master key the backup was made under."})
    static final class Restore extends Base {
        @Option(names = "--input", paramLabel = "FILE", required = true,
                description = "The backup file to restore; - reads it from standard input.")
        Path input;

        @ParentCommand
        KeyholdCommand parent;

        @Override
        public Integer call() {
            Database target;
            try {
                target = database();
            } catch (DatabaseOptions.Invalid e) {
                return MigrateCommand.fail(spec, e.getMessage(), 2);
            }
            if (input.toString().equals("-")) {
                return fromStandardInput(target);
            }
            Path in = input.toAbsolutePath();
            if (!Files.isRegularFile(in)) {
                return MigrateCommand.fail(spec, "no backup at " + in, 1);
            }
            return MigrateCommand.copy(spec, DatabaseCopy.of(Database.sqlite(in), target), quiet,
                    r -> "restored " + r.totalRows() + " rows of " + r.rows().size() + " tables from " + in + " to "
                            + target);
        }

        /** Standard input saved to a temporary file, restored from there, then deleted. */
        private int fromStandardInput(Database target) {
            Path dir;
            try {
                dir = Files.createTempDirectory("keyhold-restore-");
            } catch (IOException e) {
                return MigrateCommand.fail(spec, "cannot make a temporary directory: " + e.getMessage(), 1);
            }
            Path file = dir.resolve("backup.db");
            try {
                long bytes = Files.copy(parent.stdin(), file);
                if (bytes == 0) {
                    return MigrateCommand.fail(spec, "standard input is empty: no backup to restore", 1);
                }
                if (!isSqlite(file)) {
                    return MigrateCommand.fail(spec, "standard input is not a backup made by keyhold backup"
                            + " (not an SQLite database)", 1);
                }
                return MigrateCommand.copy(spec, DatabaseCopy.of(Database.sqlite(file), target), quiet,
                        r -> "restored " + r.totalRows() + " rows of " + r.rows().size() + " tables from standard"
                                + " input to " + target);
            } catch (IOException e) {
                return MigrateCommand.fail(spec, "cannot read the backup from standard input: " + e.getMessage(), 1);
            } finally {
                deleteTemporaryDirectory(dir);
            }
        }

        private static boolean isSqlite(Path file) throws IOException {
            try (var in = Files.newInputStream(file)) {
                byte[] header = in.readNBytes(16);
                return new String(header, java.nio.charset.StandardCharsets.US_ASCII).equals("SQLite format 3\0");
            }
        }
    }

    /** Deletes a temporary directory of the streamed backup or restore and the files in it; best effort. */
    static void deleteTemporaryDirectory(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path leftover : files.toList()) {
                Files.deleteIfExists(leftover);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a leftover in the temporary directory is named keyhold-backup-* or keyhold-restore-*
        }
    }
}
