package io.keyhold.server;

import io.keyhold.server.auth.AccessPolicy;
import io.keyhold.server.config.ConfigException;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.dispatch.KmipDispatcher;
import io.keyhold.server.dispatch.RequestProcessor;
import io.keyhold.server.auth.ApiTokens;
import io.keyhold.server.http.ApiTokenAuthenticator;
import io.keyhold.server.http.BearerAuthenticator;
import io.keyhold.server.http.HttpObserver;
import io.keyhold.server.http.HttpRoutes;
import io.keyhold.server.http.HttpsListener;
import io.keyhold.server.http.Router;
import io.keyhold.server.http.rest.RestAdmin;
import io.keyhold.server.http.rest.RestAdminAuditLog;
import io.keyhold.server.rotation.RotationScheduler;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.memory.InMemoryObjectStore;
import io.keyhold.server.store.sql.SqlObjectStore;
import io.keyhold.server.tls.ReProvisionCa;
import io.keyhold.server.tls.ServerTls;
import io.keyhold.server.transport.ConnectionRegistry;
import io.keyhold.server.transport.ConnectionObserver;
import io.keyhold.server.transport.KmipServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/**
 * The running server: the KMIP listener for a configuration and, when {@code http.enabled}, the HTTPS
 * listener beside it, handing every KMIP request to a {@link RequestProcessor}. The caller owns the processor and the store behind it and closes them after
 * {@link #close()} returns.
 *
 * <pre>{@code
 * try (ServerAssembly.Assembly a = ServerAssembly.open(config);
 *      KeyholdServer server = new KeyholdServer(config, a)) {
 *     server.start();
 *     server.awaitTermination();
 * }
 * }</pre>
 */
public final class KeyholdServer implements AutoCloseable {
    private final KmipServer kmip;
    private final HttpsListener https;
    private volatile Instant startedAt;
    private ServerAssembly.Assembly assembly;
    /** How often a node that does not rotate adds the uses it counted to the database. */
    private static final Duration USES_FLUSH = Duration.ofMinutes(1);
    private Duration rotationCheck = Duration.ZERO;
    private RotationScheduler rotation;

    /**
     * Reads the TLS material; nothing is bound yet. The HTTPS listener, if enabled, serves KMIP over HTTPS
     * only; {@link #KeyholdServer(ServerConfig, ServerAssembly.Assembly)} serves every route.
     *
     * @throws ConfigException when a TLS file cannot be used (the message names the setting)
     */
    public KeyholdServer(ServerConfig config, RequestProcessor processor) throws ConfigException {
        this(config, processor, HttpRoutes.kmipOnly(processor), BearerAuthenticator.NONE);
    }

    /**
     * As above, the KMIP listener telling {@code connections} of its connections and messages.
     *
     * @throws ConfigException when a TLS file cannot be used (the message names the setting)
     */
    public KeyholdServer(ServerConfig config, RequestProcessor processor, ConnectionObserver connections)
            throws ConfigException {
        this(config, processor, HttpRoutes.kmipOnly(processor), BearerAuthenticator.NONE, connections);
    }

    /**
     * The server for an assembly: KMIP, and HTTPS (if enabled) with every route over the assembly's store,
     * including the administrative REST routes (docs/rest-api-admin.md) under the configuration's
     * {@code access} settings.
     *
     * @throws ConfigException when a TLS file cannot be used (the message names the setting)
     */
    public KeyholdServer(ServerConfig config, ServerAssembly.Assembly assembly) throws ConfigException {
        this(server -> HttpRoutes.standard(assembly.processor(), assembly.store(), assembly.metrics()::scrape,
                config.http().openMetrics(), server.restAdmin(config, assembly.store())), config, assembly.processor(),
                new ApiTokenAuthenticator(new ApiTokens(assembly.store(), java.time.Clock.systemUTC())),
                assembly.metrics().connectionObserver(), assembly.metrics().httpObserver());
        this.assembly = assembly;
        this.rotationCheck = config.rotation().checkInterval();
    }

    /**
     * The server with the given HTTPS routes and token authentication.
     *
     * @throws ConfigException when a TLS file cannot be used (the message names the setting)
     */
    public KeyholdServer(ServerConfig config, RequestProcessor processor, Router routes, BearerAuthenticator bearer)
            throws ConfigException {
        this(server -> routes, config, processor, bearer, ConnectionObserver.NONE, HttpObserver.NONE);
    }

    /**
     * As above, the KMIP listener telling {@code connections} of its connections and messages (an
     * assembly's {@code metrics().connectionObserver()}).
     *
     * @throws ConfigException when a TLS file cannot be used (the message names the setting)
     */
    public KeyholdServer(ServerConfig config, RequestProcessor processor, Router routes, BearerAuthenticator bearer,
                         ConnectionObserver connections) throws ConfigException {
        this(server -> routes, config, processor, bearer, connections, HttpObserver.NONE);
    }

    /** {@code routes} makes the HTTPS routes once the KMIP listener exists (they may read it at each request). */
    private KeyholdServer(Function<KeyholdServer, Router> routes, ServerConfig config, RequestProcessor processor,
                          BearerAuthenticator bearer, ConnectionObserver connections, HttpObserver requests)
            throws ConfigException {
        ServerTls tls = ServerTls.create(config.tls());
        ReProvisionCa.load(config.tls(), config.reProvision()); // its files are checked now, read at each use
        if (processor instanceof KmipDispatcher dispatcher) { // the handshakes refuse what Re-Provision retired
            tls.retiredCredentials(dispatcher.retiredCredentials());
        }
        this.kmip = new KmipServer(config.kmip(), config.limits(), tls, processor, connections);
        this.https = config.http().enabled()
                ? new HttpsListener(config.http(), config.limits(), tls, routes.apply(this), bearer, requests) : null;
    }

    /** What the administrative REST routes work on: the store, its audit log, the access policy, these listeners. */
    private RestAdmin restAdmin(ServerConfig config, ObjectStore store) {
        RestAdminAuditLog audit = store instanceof SqlObjectStore sql
                ? RestAdminAuditLog.sql(sql.database(), store)
                : store instanceof InMemoryObjectStore memory ? RestAdminAuditLog.records(memory::auditRecords) : null;
        RestAdmin.Listeners listeners = new RestAdmin.Listeners() {
            @Override
            public Instant startedAt() {
                return startedAt;
            }

            @Override
            public int kmipPort() {
                return port();
            }

            @Override
            public ConnectionRegistry kmipConnections() {
                return kmip.connections();
            }

            @Override
            public int httpsPort() {
                return KeyholdServer.this.httpsPort();
            }

            @Override
            public int httpsOpenConnections() {
                return https == null ? 0 : https.openConnections();
            }
        };
        return new RestAdmin(store, AccessPolicy.of(config.access()), audit, listeners, ServerAssembly.version(),
                Clock.systemUTC());
    }

    /**
     * Binds the KMIP listener, then the HTTPS one; on return connections are accepted. A server made for an
     * assembly also starts its rotation scheduler ({@code rotation.check_interval}; when 0, it only adds the
     * uses of keys this node counted to the database, every minute).
     */
    public void start() throws IOException {
        startedAt = Instant.now();
        kmip.start();
        if (https != null) {
            try {
                https.start();
            } catch (IOException e) {
                kmip.close();
                throw e;
            }
        }
        synchronized (this) {
            if (assembly != null && rotation == null) {
                rotation = rotationCheck.isZero()
                        ? RotationScheduler.startCountingOnly(assembly.store(), assembly.processor(), USES_FLUSH)
                        : RotationScheduler.start(assembly.store(), assembly.processor(), Clock.systemUTC(), rotationCheck);
            }
        }
    }

    /** The port the HTTPS listener is bound to, or -1 when it is disabled. */
    public int httpsPort() {
        return https == null ? -1 : https.localAddress().getPort();
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
        synchronized (this) {
            if (rotation != null) {
                rotation.close();
                rotation = null;
            }
        }
        if (https != null) {
            https.close();
        }
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
