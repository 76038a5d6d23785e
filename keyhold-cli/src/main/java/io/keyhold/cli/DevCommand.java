package io.keyhold.cli;

import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.pki.DevPki;
import io.keyhold.server.security.MasterKeyException;
import io.keyhold.server.security.Pkcs12MasterKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code keyhold dev}: a development server on 127.0.0.1 with a generated test PKI and its database in one
 * directory, running in the foreground until Ctrl-C or SIGTERM.
 */
@Command(name = "dev",
        description = {"Runs a development server on 127.0.0.1 in the foreground.",
                "Creates in DIR, when absent, a test CA (ca.pem), a server certificate, client certificates for "
                        + "client1 (client.pem, client.key, client.p12) and client2 (client2.*), PKCS#12 password "
                        + "changeit, and the database. Never overwrites existing files."},
        mixinStandardHelpOptions = true)
final class DevCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "keyhold-dev",
            description = "Directory for the certificates and the database (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address both listeners bind to (default: ${DEFAULT-VALUE}). Another address exposes a server"
                    + " whose CA key and client keys lie in DIR: only for a container whose ports are published to"
                    + " the host's loopback (docs/container.md).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "5696",
            description = "KMIP port (default: ${DEFAULT-VALUE}; 0 for any free port).")
    int port;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8443",
            description = "HTTPS port for the REST API, KMIP over HTTPS, /health, /metrics and the console "
                    + "(default: ${DEFAULT-VALUE}; 0 for any free port; -1 for no HTTPS listener).")
    int httpPort;

    @Option(names = "--database", paramLabel = "URL",
            description = "A PostgreSQL database instead of DIR/keyhold.db (jdbc:postgresql://HOST[:PORT]/NAME): "
                    + "several dev servers started on one DIR and one database act as one cluster (docs/deployment.md).")
    String database;

    @Option(names = "--database-user", paramLabel = "ROLE",
            description = "The PostgreSQL role to connect as (with --database; trust or certificate authentication).")
    String databaseUser;

    @Option(names = "--fips", description = "Only FIPS 140-approved algorithms and key sizes (crypto.fips_only; see "
            + "docs/fips.md).")
    boolean fips;

    private ServerRunner runner;

    @Override
    public Integer call() throws Exception {
        checkPort("--port", port);
        if (httpPort != -1) {
            checkPort("--http-port", httpPort);
        }
        Path home = dir.toAbsolutePath().normalize();
        ServerConfig.Storage storage = ServerConfig.Storage.in(home);
        if (database != null) {
            String url = database.strip();
            if (url.startsWith("postgresql://") || url.startsWith("postgres://")) {
                url = "jdbc:postgresql://" + url.substring(url.indexOf("://") + 3);
            }
            if (!url.startsWith("jdbc:postgresql://") || url.toLowerCase(java.util.Locale.ROOT).contains("password=")) {
                throw new ParameterException(spec.commandLine(), "Invalid value for option '--database': expected"
                        + " jdbc:postgresql://HOST[:PORT]/NAME without a password");
            }
            storage = storage.withPostgres(new ServerConfig.Postgres(url, databaseUser, null,
                    ServerConfig.Postgres.DEFAULT_READER_POOL));
        } else if (databaseUser != null) {
            throw new ParameterException(spec.commandLine(), "--database-user applies only with --database");
        }
        List<Path> created = DevPki.ensure(home);
        DevPki.Layout pki = new DevPki.Layout(home);
        ServerConfig config = new ServerConfig(new ServerConfig.Kmip(host, port),
                // compatibility: a development server is where old clients (vSphere) get tried out; docs/tls.md
                ServerConfig.Tls.of(pki.serverCertificate(), pki.serverKey(), List.of(pki.ca()))
                        .withProfile(ServerConfig.TlsProfile.COMPATIBILITY),
                storage, ServerConfig.Limits.defaults(), ServerConfig.Logging.defaults(),
                new ServerConfig.Crypto(fips)).withMasterKey(ServerConfig.MasterKeyStore.development(home))
                .withHttp(httpPort == -1 ? ServerConfig.Http.DISABLED : ServerConfig.Http.on(host, httpPort))
                .withReProvision(ServerConfig.ReProvision.withCa(pki.ca(), pki.caKey()));
        try {
            writeConfigurationFile(home, config);
        } catch (IOException e) {
            spec.commandLine().getErr().println(spec.qualifiedName() + ": cannot write " + home.resolve(CONFIG_NAME)
                    + ": " + e.getMessage());
            return 1;
        }
        try {
            Pkcs12MasterKey.createForDevelopment(config.masterKey().keystore(), config.masterKey().passphraseFile());
        } catch (MasterKeyException e) {
            spec.commandLine().getErr().println(spec.qualifiedName() + ": " + e.getMessage());
            return 1;
        }
        LogSetup.apply(config.logging());
        synchronized (this) {
            runner = new ServerRunner(spec);
        }
        Path masterKey = config.masterKey().keystore();
        return runner.run(config, out -> {
            out.println("Master key: " + masterKey + " (generated for development; its passphrase is stored beside it"
                    + " in " + ServerConfig.MasterKeyStore.DEV_PASSPHRASE_NAME + " — use a key store with a passphrase"
                    + " from the environment, or an HSM, in production)");
            instructions(out, pki, created.isEmpty());
        });
    }

    /** The configuration file written beside the certificates, for the commands that act on the database. */
    static final String CONFIG_NAME = "keyhold.yaml";

    /**
     * Writes {@code keyhold.yaml} (if absent) describing this development server with paths relative to the
     * directory, so that {@code keyhold token|grant|user|audit --config DIR/keyhold.yaml} act on its database
     * while it runs, and {@code keyhold serve --config} starts the same server.
     */
    private static void writeConfigurationFile(Path home, ServerConfig config) throws IOException {
        Path file = home.resolve(CONFIG_NAME);
        if (Files.exists(file)) {
            return;
        }
        String yaml = "# Written by `keyhold dev` for this directory; paths are relative to it. The commands that act on\n"
                + "# the database while the server runs take it, for example:\n"
                + "#   keyhold token create --config " + file + " --identity client1\n"
                + "kmip:\n  host: " + config.kmip().host() + "\n  port: " + config.kmip().port() + "\n"
                + "http:\n  enabled: " + config.http().enabled() + "\n  host: " + config.http().host() + "\n  port: " + config.http().port() + "\n"
                + "tls:\n  certificate: server.pem\n  private_key: server.key\n  trusted_cas: [ca.pem]\n"
                + "  profile: compatibility\n"
                + "storage:\n  data_dir: .\n" + postgresSettings(config.storage().postgres())
                + "crypto:\n  fips_only: " + config.crypto().fipsOnly() + "\n"
                + "master_key:\n  keystore: " + ServerConfig.MasterKeyStore.DEV_KEYSTORE_NAME + "\n  passphrase_file: "
                + ServerConfig.MasterKeyStore.DEV_PASSPHRASE_NAME + "\n"
                + "reprovision:\n  ca_certificate: ca.pem\n  ca_private_key: ca.key\n";
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
    }

    private static String postgresSettings(ServerConfig.Postgres postgres) {
        if (postgres == null) {
            return "";
        }
        return "  database: \"" + postgres.url() + "\"\n"
                + (postgres.user() == null ? "" : "  database_user: \"" + postgres.user() + "\"\n");
    }

    private void checkPort(String option, int value) {
        if (value < 0 || value > 65535) {
            throw new ParameterException(spec.commandLine(),
                    "Invalid value for option '" + option + "': " + value + " (expected: 0 to 65535)");
        }
    }

    private void instructions(PrintWriter out, DevPki.Layout pki, boolean reused) {
        int actual = runner.port();
        String client = pki.clientCertificate(1).toString();
        String key = pki.clientKey(1).toString();
        String ca = pki.ca().toString();
        out.println();
        out.println((reused ? "Using the certificates and database in " : "Created test certificates in ")
                + pki.dir() + ":");
        out.println("  CA ca.pem; client1: client.pem, client.key, client.p12; client2: client2.pem, client2.key, "
                + "client2.p12 (PKCS#12 password " + DevPki.P12_PASSWORD + ")");
        out.println();
        out.println("PyKMIP, pykmip.conf:");
        out.println("  [client]");
        out.println("  host=127.0.0.1");
        out.println("  port=" + actual);
        out.println("  certfile=" + client);
        out.println("  keyfile=" + key);
        out.println("  ca_certs=" + ca);
        out.println("  cert_reqs=CERT_REQUIRED");
        out.println("  ssl_version=PROTOCOL_SSLv23");
        out.println("  do_handshake_on_connect=True");
        out.println("  suppress_ragged_eofs=True");
        out.println();
        out.println("PyKMIP, in Python:");
        out.println("  from kmip.pie.client import ProxyKmipClient");
        out.println("  client = ProxyKmipClient(hostname=\"127.0.0.1\", port=" + actual + ",");
        out.println("      cert=\"" + client + "\", key=\"" + key + "\", ca=\"" + ca + "\")");
        out.println();
        out.println("TLS check with openssl:");
        out.println("  openssl s_client -connect 127.0.0.1:" + actual + " -cert " + client + " -key " + key
                + " -CAfile " + ca);
        out.println();
        int https = runner.httpsPort();
        if (https > 0) {
            out.println("HTTPS (REST API /v1, KMIP over HTTPS /kmip, /health, /metrics, console /):");
            out.println("  curl --cacert " + ca + " --cert " + client + " --key " + key + " https://localhost:" + https
                    + "/health");
            out.println("  console: https://localhost:" + https + "/ (sign in with a token: keyhold token create --config "
                    + pki.dir().resolve(CONFIG_NAME) + " --identity client1)");
            out.println();
        }
        if (fips) {
            out.println("FIPS mode (--fips): only FIPS 140-approved algorithms and key sizes are served (docs/fips.md).");
        }
        out.println("Stop with Ctrl-C or SIGTERM.");
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
