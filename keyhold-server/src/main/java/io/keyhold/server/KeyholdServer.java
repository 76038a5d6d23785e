package io.keyhold.server;

import io.keyhold.server.config.ConfigException;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.dispatch.RequestProcessor;
import io.keyhold.server.tls.ServerTls;
import io.keyhold.server.transport.KmipServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The running server: the KMIP listener for a configuration, handing every request to a
 * {@link RequestProcessor}. The caller owns the processor and the store behind it and closes them after
 * {@link #close()} returns.
 *
 * <pre>{@code
 * try (ServerAssembly.Assembly a = ServerAssembly.open(config);
 *      KeyholdServer server = new KeyholdServer(config, a.processor())) {
 *     server.start();
 *     server.awaitTermination();
 * }
 * }</pre>
 */
public final class KeyholdServer implements AutoCloseable {
    private final KmipServer kmip;

    /**
     * Reads the TLS material; nothing is bound yet.
     *
     * @throws ConfigException when a TLS file cannot be used (the message names the setting)
     */
    public KeyholdServer(ServerConfig config, RequestProcessor processor) throws ConfigException {
        ServerTls tls = ServerTls.create(config.tls());
        this.kmip = new KmipServer(config.kmip(), config.limits(), tls, processor);
    }

    /** Binds the KMIP listener; on return connections are accepted. */
    public void start() throws IOException {
        kmip.start();
    }

    /**
     * Reads the TLS certificate, key, CA and CRL files again (as the server also does by itself when they
     * change): new connections use them, open connections keep theirs; on failure nothing changes.
     */
    public ServerTls.Reload reloadTls() {
        return kmip.reloadTls();
    }

    /** The port the KMIP listener is bound to (the actual one when the configuration says 0). */
    public int port() {
        return kmip.localAddress().getPort();
    }

    /** The address the KMIP listener is bound to. */
    public InetSocketAddress address() {
        return kmip.localAddress();
    }

    /**
     * Stops gracefully: no new connections, requests in progress answered (up to limits.shutdown_grace),
     * connections closed. Returns when done; then close the store. Idempotent.
     */
    @Override
    public void close() {
        kmip.close();
    }

    /** Blocks until {@link #close()} (from another thread, a signal handler for example) has finished. */
    public void awaitTermination() throws InterruptedException {
        kmip.awaitTermination();
    }

    /** Waits up to the timeout; true when stopped. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return kmip.awaitTermination(timeout);
    }
}
