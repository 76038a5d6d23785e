package io.keyhold.server.testing;

import io.keyhold.server.KeyholdServer;
import io.keyhold.server.ServerAssembly;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.pki.DevPki;
import io.keyhold.server.security.Pkcs12MasterKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A complete server for tests, as `keyhold dev` runs it: development certificates, the SQLite store in a
 * temporary directory (or a PostgreSQL database, see {@link #start(Path, ServerConfig.Postgres)}) encrypted
 * under the development master key of that directory, every operation, KMIP over mutual TLS on a free
 * loopback port.
 * Unlike `keyhold dev` it uses the default (modern) TLS profile, so that the interoperability tests show
 * which clients work with the defaults; a test that needs the compatibility profile asks for it.
 */
public final class LiveServer implements AutoCloseable {
    private final Path directory;
    private final ServerAssembly.Assembly assembly;
    private final KeyholdServer server;
    private final ServerConfig config;

    private LiveServer(Path directory, ServerAssembly.Assembly assembly, KeyholdServer server, ServerConfig config) {
        this.config = config;
        this.directory = directory;
        this.assembly = assembly;
        this.server = server;
    }

    public static LiveServer start() throws Exception {
        return start(Files.createTempDirectory("keyhold-live"));
    }

    /** Starts on the directory's certificates and database (creating them if absent). */
    public static LiveServer start(Path directory) throws Exception {
        return start(directory, false);
    }

    /** Starts on the directory's certificates and database, with {@code crypto.fips_only} as given. */
    public static LiveServer start(Path directory, boolean fipsOnly) throws Exception {
        return start(directory, fipsOnly, null, Map.of(), ServerConfig.Access.defaults(), UnaryOperator.identity());
    }

    /** Starts on the directory's certificates and database with these access control settings. */
    public static LiveServer start(Path directory, ServerConfig.Access access) throws Exception {
        return start(directory, false, null, Map.of(), access, UnaryOperator.identity());
    }

    /**
     * Starts with the given master key settings (null for the directory's development key store), reading
     * a passphrase or PIN variable from {@code env}.
     */
    public static LiveServer start(Path directory, boolean fipsOnly, ServerConfig.MasterKeyStore masterKey,
            Map<String, String> env) throws Exception {
        return start(directory, fipsOnly, masterKey, env, ServerConfig.Access.defaults(), UnaryOperator.identity());
    }

    /**
     * Starts on the directory's certificates and database with the configuration {@code customize} makes of
     * the usual one (other limits or TLS settings, for example).
     */
    public static LiveServer start(Path directory, boolean fipsOnly, UnaryOperator<ServerConfig> customize)
            throws Exception {
        return start(directory, fipsOnly, null, Map.of(), ServerConfig.Access.defaults(), customize);
    }

    /**
     * Starts on the directory's certificates and development master key with its data in the PostgreSQL
     * database (a node of a cluster: every server started on the same database and directory serves the
     * same objects).
     */
    public static LiveServer start(Path directory, ServerConfig.Postgres postgres) throws Exception {
        return start(directory, false, config -> config.withStorage(config.storage().withPostgres(postgres)));
    }

    private static LiveServer start(Path directory, boolean fipsOnly, ServerConfig.MasterKeyStore masterKey,
            Map<String, String> env, ServerConfig.Access access, UnaryOperator<ServerConfig> customize)
            throws Exception {
        DevPki.ensure(directory);
        DevPki.Layout pki = new DevPki.Layout(directory);
        ServerConfig config = new ServerConfig(new ServerConfig.Kmip("127.0.0.1", 0),
                ServerConfig.Tls.of(pki.serverCertificate(), pki.serverKey(), List.of(pki.ca())),
                ServerConfig.Storage.in(directory), ServerConfig.Limits.defaults(), ServerConfig.Logging.defaults(),
                new ServerConfig.Crypto(fipsOnly)).withMasterKey(masterKey != null ? masterKey
                        : ServerConfig.MasterKeyStore.development(directory)).withAccess(access);
        config = customize.apply(config);
        if (masterKey == null) {
            Pkcs12MasterKey.createForDevelopment(config.masterKey().keystore(), config.masterKey().passphraseFile());
        }
        ServerAssembly.Assembly assembly = ServerAssembly.open(config, env);
        KeyholdServer server = new KeyholdServer(config, assembly);
        server.start();
        return new LiveServer(directory, assembly, server, config);
    }

    /** The configuration the server runs with (its database, master key and access settings). */
    public ServerConfig config() {
        return config;
    }

    public int port() {
        return server.port();
    }

    /** The HTTPS port, or -1 when the configuration leaves the HTTPS listener off (the default in tests). */
    public int httpsPort() {
        return server.httpsPort();
    }

    /** The store behind the server (for tests that look at what was stored). */
    public ServerAssembly.Assembly assembly() {
        return assembly;
    }

    /** The directory holding ca.pem, client.pem/key/p12, client2.* and the database. */
    public Path directory() {
        return directory;
    }

    /** A new connection as client1 ("client1") or client2 ("client2"). */
    public KmipTestClient client(String identity) throws Exception {
        DevPki.Layout pki = new DevPki.Layout(directory);
        Path p12 = pki.clientP12(identity.equals("client2") ? 2 : 1);
        return KmipTestClient.connect(port(), p12, pki.ca());
    }

    @Override
    public void close() {
        server.close();
        assembly.close();
    }
}
