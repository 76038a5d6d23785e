package io.keyhold.cli;

import io.keyhold.server.store.StoreException;
import io.keyhold.server.store.sql.Database;
import io.keyhold.server.store.sql.DatabaseCopy;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keyhold migrate --from DATABASE --to DATABASE}: copies a Keyhold database into another, SQLite or
 * PostgreSQL in either direction ({@link DatabaseCopy}), as stored: key material stays sealed under the
 * master key, which the command never needs. Exit status: 0 copied, 1 when the copy is refused or fails
 * (one line; rows already committed stay, for {@code --resume}), 2 on a usage error.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Copies a Keyhold database into another: SQLite to PostgreSQL, PostgreSQL to SQLite, or"
                + " between two of a kind. Objects, attributes, grants, users, API tokens, the master key state and"
                + " the audit chain are copied as stored; key material stays sealed under the master key.",
                "The source is read in one snapshot, so servers may keep running on it. The target is brought to"
                        + " the current schema and must be empty, unless --resume continues an interrupted copy."})
final class MigrateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--from", paramLabel = "DATABASE", required = true,
            description = "The source: a SQLite file, jdbc:sqlite:PATH or jdbc:postgresql://HOST[:PORT]/NAME[?currentSchema=S].")
    String from;

    @Option(names = "--to", paramLabel = "DATABASE", required = true,
            description = "The target, in the same forms; a SQLite file is created if absent.")
    String to;

    @Option(names = "--from-user", paramLabel = "ROLE", description = "The PostgreSQL role to read the source as.")
    String fromUser;

    @Option(names = "--to-user", paramLabel = "ROLE", description = "The PostgreSQL role to write the target as.")
    String toUser;

    @Option(names = "--from-password-env", paramLabel = "VARIABLE",
            description = "The environment variable holding the source role's password.")
    String fromPasswordEnv;

    @Option(names = "--to-password-env", paramLabel = "VARIABLE",
            description = "The environment variable holding the target role's password.")
    String toPasswordEnv;

    @Option(names = "--resume",
            description = "Continue a copy that was interrupted, into the target it left partly filled.")
    boolean resume;

    @Option(names = "--quiet", description = "No progress lines on standard error.")
    boolean quiet;

    /** Where the password variables are read; tests replace it. */
    Map<String, String> environment = System.getenv();

    @Override
    public Integer call() {
        Database source;
        Database target;
        try {
            source = DatabaseOptions.parse("--from", from, fromUser, "--from-password-env", fromPasswordEnv, environment);
            target = DatabaseOptions.parse("--to", to, toUser, "--to-password-env", toPasswordEnv, environment);
        } catch (DatabaseOptions.Invalid e) {
            return fail(spec, e.getMessage(), 2);
        }
        return copy(spec, DatabaseCopy.of(source, target).resume(resume), quiet,
                r -> "copied " + r.totalRows() + " rows of " + r.rows().size() + " tables from " + source + " to "
                        + target);
    }

    /** Runs the copy with progress, prints its summary; exit status 0, or 1 with one line when it fails. */
    static int copy(CommandSpec spec, DatabaseCopy copy, boolean quiet,
            Function<DatabaseCopy.Result, String> summary) {
        return copy(spec, copy, quiet, summary, spec.commandLine().getOut());
    }

    /** As above, with the summary printed to {@code summaryTo} (standard error when the data is on standard output). */
    static int copy(CommandSpec spec, DatabaseCopy copy, boolean quiet,
            Function<DatabaseCopy.Result, String> summary, java.io.PrintWriter summaryTo) {
        try {
            DatabaseCopy.Result result = copy.progress(CopyProgress.of(spec.commandLine().getErr(), quiet)).run();
            summaryTo.println(summary.apply(result));
            summaryTo.flush();
            return 0;
        } catch (StoreException e) {
            return fail(spec, e.getMessage(), 1);
        }
    }

    static int fail(CommandSpec spec, String message, int status) {
        spec.commandLine().getErr().println((spec.qualifiedName() + ": " + message).replaceAll("\\R+", " "));
        spec.commandLine().getErr().flush();
        return status;
    }
}
