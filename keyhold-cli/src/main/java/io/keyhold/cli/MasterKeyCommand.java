package io.keyhold.cli;

import io.keyhold.server.ServerAssembly;
import io.keyhold.server.config.ConfigException;
import io.keyhold.server.config.ConfigLoader;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.security.MasterKey;
import io.keyhold.server.security.MasterKeyException;
import io.keyhold.server.security.MasterKeyRing;
import io.keyhold.server.store.StoreException;
import io.keyhold.server.store.sql.Database;
import io.keyhold.server.store.sql.MasterKeyRotation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code keyhold master-key init|rotate|status --config keyhold.yaml}: manages the master keys of the
 * configuration that {@code keyhold serve} uses, while servers may keep running on the same database.
 * Configuration errors exit 2, failures 1, each with one line on standard error.
 */
@Command(name = "master-key",
        description = "Creates, rotates and reports the master keys that encrypt stored objects (docs/security.md).",
        mixinStandardHelpOptions = true,
        subcommands = {MasterKeyCommand.Init.class, MasterKeyCommand.Add.class, MasterKeyCommand.Rotate.class,
                MasterKeyCommand.Status.class})
final class MasterKeyCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    /** The environment settings and secrets come from; tests replace it. */
    Map<String, String> environment = System.getenv();

    @Override
    public Integer call() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
    }

    /** The options and the loading every subcommand shares. */
    abstract static class Sub implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        MasterKeyCommand parent;

        @Option(names = "--config", paramLabel = "FILE", required = true,
                description = "The configuration file of keyhold serve (see keyhold.example.yaml).")
        Path config;

        @Override
        public final Integer call() {
            ServerConfig loaded;
            try {
                loaded = ConfigLoader.load(config, parent.environment);
            } catch (ConfigException e) {
                fail(e.getMessage());
                return 2;
            }
            try {
                return run(loaded, ServerAssembly.openMasterKey(loaded.masterKey(), parent.environment));
            } catch (StoreException | MasterKeyException e) {
                fail(e.getMessage());
                return 1;
            }
        }

        abstract int run(ServerConfig config, MasterKeyRing ring) throws MasterKeyException;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        private void fail(String message) {
            err().println(spec.qualifiedName() + ": " + message.replaceAll("\\R+", " "));
            err().flush();
        }
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = {"Generates the first master key in the configured PKCS#12 key store (created if absent) "
                    + "or PKCS#11 token, unless it exists already."})
    static final class Init extends Sub {
        @Override
        int run(ServerConfig config, MasterKeyRing ring) throws MasterKeyException {
            if (!ring.isEmpty()) {
                out().println("master key " + ring.initial().id() + " already exists in " + ring.description()
                        + "; nothing done");
                return 0;
            }
            MasterKey created = ring.createNext();
            out().println("created master key " + created.id() + " in " + ring.description());
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Generates a new master key in the configured key store or token without making it current.",
                    "With several nodes, each holding its own copy of the key store: add the key, give the key store "
                            + "to every node, then make the key current with keyhold master-key rotate --to KEY_ID."})
    static final class Add extends Sub {
        @Override
        int run(ServerConfig config, MasterKeyRing ring) throws MasterKeyException {
            MasterKey created = ring.createNext();
            out().println("created master key " + created.id() + " in " + ring.description() + "; not current yet:"
                    + " give the key store to every node, then run keyhold master-key rotate --to " + created.id());
            return 0;
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = {"Generates a new master key, makes it current for every server using the database, and "
                    + "re-wraps every data key under an older key in short transactions while servers keep running.",
                    "An interrupted rotation is continued by running the command again (or with --resume)."})
    static final class Rotate extends Sub {
        @Option(names = "--resume", description = "Only continue an unfinished rotation; never generate a key.")
        boolean resume;

        @Option(names = "--to", paramLabel = "KEY_ID",
                description = "Make this key current (one made by keyhold master-key add) instead of generating one.")
        String to;

        @Option(names = "--batch-size", paramLabel = "N", defaultValue = "200",
                description = "Objects re-wrapped per write transaction (default: ${DEFAULT-VALUE}).")
        int batchSize;

        @Option(names = "--busy-timeout", paramLabel = "MS", defaultValue = "10000",
                description = "How long each transaction waits for a lock a server holds (default: ${DEFAULT-VALUE}).")
        int busyTimeoutMillis;

        @Override
        int run(ServerConfig config, MasterKeyRing ring) {
            if (batchSize < 1 || busyTimeoutMillis < 0) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        batchSize < 1 ? "--batch-size: " + batchSize + " (expected: >= 1)"
                                : "--busy-timeout: " + busyTimeoutMillis + " (expected: >= 0)");
            }
            try (MasterKeyRotation rotation = MasterKeyRotation.open(Database.of(config.storage()), ring, busyTimeoutMillis)) {
                MasterKeyRotation.Status status = rotation.status();
                String current;
                if (to != null && resume) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                            "--to and --resume: give one of them");
                }
                if (to != null && status.rotating() && !to.equals(status.currentKeyId())) {
                    throw new StoreException("a rotation to master key " + status.currentKeyId() + " is unfinished;"
                            + " finish it first with keyhold master-key rotate --resume");
                }
                if (status.rotating()) {
                    current = status.currentKeyId();
                    err().println("resuming the unfinished rotation to master key " + current);
                } else if (resume) {
                    out().println("no unfinished rotation: every object is under master key " + status.currentKeyId());
                    return 0;
                } else if (to != null) {
                    current = rotation.begin(to);
                    err().println("master key " + current + " recorded as current; re-wrapping data keys under older keys");
                } else {
                    current = rotation.begin();
                    err().println("master key " + current + " created in " + ring.description()
                            + " and recorded as current; re-wrapping data keys under older keys");
                }
                RotationProgress progress = new RotationProgress(err(), System::nanoTime);
                long done = rotation.rewrap(batchSize, progress);
                progress.finish(done);
                out().println("master key " + current + " is current; " + done
                        + " data key(s) re-wrapped; every object is under it");
                return 0;
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Prints the current master key and how many objects each master key wraps.")
    static final class Status extends Sub {
        @Override
        int run(ServerConfig config, MasterKeyRing ring) {
            try (MasterKeyRotation rotation = MasterKeyRotation.open(Database.of(config.storage()), ring, 10_000)) {
                MasterKeyRotation.Status status = rotation.status();
                Map<String, Long> counts = new LinkedHashMap<>(status.objectsByKeyId());
                ring.ids().forEach(id -> counts.putIfAbsent(id, 0L));
                PrintWriter out = out();
                out.println("current master key: " + status.currentKeyId());
                out.println("rotation: " + (status.rotating()
                        ? "unfinished (continue it with keyhold master-key rotate --resume)" : "none unfinished"));
                out.println("objects by master key:");
                int width = counts.keySet().stream().mapToInt(String::length).max().orElse(0);
                counts.forEach((id, n) -> out.println("  " + id + " ".repeat(width - id.length() + 2) + n
                        + (id.equals(status.currentKeyId()) ? "  (current)" : "")));
                return 0;
            }
        }
    }
}
