package io.keyhold.cli;

import io.keyhold.server.config.ConfigException;
import io.keyhold.server.config.ConfigLoader;
import io.keyhold.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keyhold serve --config keyhold.yaml}: the server with every setting from a YAML file, each
 * overridable by a KEYHOLD_ environment variable (docs/configuration.md). A bad configuration stops
 * start-up with one line naming the setting and exit status 2.
 */
@Command(name = "serve",
        description = {"Runs the KMIP server in the foreground with the settings of a YAML file.",
                "Every setting can be overridden from the environment: KEYHOLD_ followed by its path upper-cased "
                        + "with underscores, e.g. KEYHOLD_LIMITS_MAX_CONNECTIONS (see docs/configuration.md)."},
        mixinStandardHelpOptions = true)
final class ServeCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", required = true,
            description = "The configuration file (see keyhold.example.yaml).")
    Path config;

    /** The environment the overrides come from; tests replace it. */
    Map<String, String> environment = System.getenv();

    private ServerRunner runner;

    @Override
    public Integer call() throws Exception {
        ServerConfig loaded;
        try {
            loaded = ConfigLoader.load(config, environment);
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(spec.qualifiedName() + ": " + e.getMessage());
            return 2;
        }
        LogSetup.apply(loaded.logging());
        synchronized (this) {
            runner = new ServerRunner(spec);
        }
        return runner.run(loaded, environment, out -> out.println("Stop with Ctrl-C or SIGTERM."));
    }

    /** Stops a running server (for tests; signals use the shutdown hook). */
    void stop() {
        ServerRunner r;
        synchronized (this) {
            r = runner;
        }
        if (r != null) {
            r.stop();
        }
    }
}
