package io.keyhold.cli;

import io.keyhold.protocol.KmipException;
import io.keyhold.server.ServerAssembly;
import io.keyhold.server.auth.AccessPolicy;
import io.keyhold.server.config.ConfigException;
import io.keyhold.server.config.ConfigLoader;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.store.StoreException;
import io.keyhold.server.store.sql.Database;
import io.keyhold.server.store.sql.SqlObjectStore;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The database a configuration file names, opened for a command that acts on it directly (grants, users)
 * while the server may be running: SQLite serializes the writers of both processes, and the server reads
 * grants and users at each request, so a change applies to the next one.
 */
final class ConfiguredStore {
    /** The work of a command on the open store. */
    @FunctionalInterface
    interface Work {
        void run(ServerConfig config, SqlObjectStore store, AccessPolicy policy) throws KmipException;
    }

    private ConfiguredStore() {
    }

    /**
     * Loads the configuration, opens its store and runs the work. Exit status: 0 done, 1 when the store or
     * the work fails (one line), 2 for a bad configuration (as {@code keyhold serve}).
     */
    static int run(CommandSpec spec, Path configFile, Map<String, String> env, Work work) {
        ServerConfig config;
        try {
            config = ConfigLoader.load(configFile, env);
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(spec.qualifiedName() + ": " + e.getMessage());
            return 2;
        }
        try (SqlObjectStore store = SqlObjectStore.open(Database.of(config.storage()),
                ServerAssembly.openMasterKey(config.masterKey(), env), SqlObjectStore.Options.DEFAULTS)) {
            work.run(config, store, AccessPolicy.of(config.access()));
            return 0;
        } catch (KmipException | StoreException e) {
            spec.commandLine().getErr().println((spec.qualifiedName() + ": " + e.getMessage()).replaceAll("\\R+", " "));
            return 1;
        }
    }
}
