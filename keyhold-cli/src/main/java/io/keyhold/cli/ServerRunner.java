package io.keyhold.cli;

import io.keyhold.server.KeyholdServer;
import io.keyhold.server.ServerAssembly;
import io.keyhold.server.config.ConfigException;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Runs a server in the foreground until it is stopped: by SIGTERM or SIGINT (a shutdown hook stops the
 * listener gracefully, then closes the store) or by {@link #stop()}. Exit status: 0 after a stop, 2 for a
 * configuration problem found at start-up (a TLS file that cannot be used, a certificate that does not match
 * its key or is not valid now), 1 when the data directory cannot be written, the master key or the database
 * cannot be opened, or a listener cannot bind; each with one line on standard error. A server certificate
 * that ends within 30 days gets a warning line, and the server starts.
 */
final class ServerRunner {
    private final CommandSpec spec;
    private ServerAssembly.Assembly assembly;
    private KeyholdServer server;
    private boolean stopped;

    ServerRunner(CommandSpec spec) {
        this.spec = spec;
    }

    int run(ServerConfig config, Consumer<PrintWriter> afterReady) throws InterruptedException {
        return run(config, System.getenv(), afterReady);
    }

    /** Runs with {@code env} as the environment a master key passphrase variable is read from. */
    int run(ServerConfig config, Map<String, String> env, Consumer<PrintWriter> afterReady) throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String name = spec.qualifiedName();
        synchronized (this) {
            if (stopped) {
                return 0;
            }
            var storageProblem = StartupChecks.storage(config.storage());
            if (storageProblem.isPresent()) {
                err.println(name + ": " + storageProblem.get());
                return 1;
            }
            try {
                assembly = ServerAssembly.open(config, env);
            } catch (ServerAssembly.MasterKeyUnavailableException e) {
                err.println(name + ": " + oneLine(e.getMessage()));
                return 1;
            } catch (StoreException e) {
                err.println(name + ": storage: " + oneLine(StartupChecks.storageFailure(config.storage(), e)));
                return 1;
            }
            try {
                server = new KeyholdServer(config, assembly);
                server.start();
            } catch (ConfigException e) {
                closeStore();
                err.println(name + ": " + e.getMessage());
                return 2;
            } catch (IOException e) {
                closeStore();
                err.println(name + ": " + e.getMessage());
                return 1;
            }
        }
        StartupChecks.certificateExpiry(config.tls(), Instant.now()).ifPresent(w -> err.println(name + ": " + w));
        err.flush();
        Thread hook = new Thread(this::stop, "keyhold-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("Keyhold ready: KMIP on " + hostForHumans(config.kmip().host()) + ":" + server.port()
                + (server.httpsPort() < 0 ? "" : ", HTTPS on " + hostForHumans(config.http().host()) + ":"
                        + server.httpsPort()));
        afterReady.accept(out);
        out.flush();
        server.awaitTermination();
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it stopped the server
        }
        return 0;
    }

    /** The actual HTTPS port once started, else -1 (also when the HTTPS listener is off). */
    synchronized int httpsPort() {
        return server == null ? -1 : server.httpsPort();
    }

    /** The actual port once started, else -1. */
    synchronized int port() {
        return server == null ? -1 : server.port();
    }

    /** Stops the server gracefully, then closes the store. Idempotent; safe from any thread. */
    synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (server != null) {
            server.close();
        }
        closeStore();
    }

    private void closeStore() {
        if (assembly != null) {
            assembly.close();
            assembly = null;
        }
    }

    /** A message as one line: a driver's multi-line explanation joined with spaces. */
    private static String oneLine(String message) {
        return String.valueOf(message).strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static String hostForHumans(String host) {
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }
}
