package io.keyhold.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the server needs to start, as loaded by {@link ConfigLoader} from {@code keyhold.yaml} and the
 * environment (see docs/configuration.md), or built in code by {@code keyhold dev} and tests. Values are
 * validated by the loader; the records only check for nulls.
 */
public record ServerConfig(Kmip kmip, Tls tls, Storage storage, Limits limits, Logging logging, Crypto crypto,
        MasterKeyStore masterKey, Access access, Audit audit, Http http, Rotation rotation, ReProvision reProvision) {
    /** {@code masterKey} may be null in code-built configurations; the server then refuses to open its store. */
    public ServerConfig {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(kmip, "kmip");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(logging, "logging");
        Objects.requireNonNull(crypto, "crypto");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(rotation, "rotation");
        Objects.requireNonNull(reProvision, "reProvision");
    }

    /** A configuration without a Re-Provision CA ({@link ReProvision#defaults()}). */
    public ServerConfig(Kmip kmip, Tls tls, Storage storage, Limits limits, Logging logging, Crypto crypto,
                        MasterKeyStore masterKey, Access access, Audit audit, Http http, Rotation rotation) {
        this(kmip, tls, storage, limits, logging, crypto, masterKey, access, audit, http, rotation,
                ReProvision.defaults());
    }

    /** A configuration with the default {@link Rotation} settings. */
    public ServerConfig(Kmip kmip, Tls tls, Storage storage, Limits limits, Logging logging, Crypto crypto,
                        MasterKeyStore masterKey, Access access, Audit audit, Http http) {
        this(kmip, tls, storage, limits, logging, crypto, masterKey, access, audit, http, Rotation.defaults());
    }

    /** A configuration without the HTTPS listener ({@link Http#DISABLED}); see {@link #withHttp}. */
    public ServerConfig(Kmip kmip, Tls tls, Storage storage, Limits limits, Logging logging, Crypto crypto,
                        MasterKeyStore masterKey, Access access, Audit audit) {
        this(kmip, tls, storage, limits, logging, crypto, masterKey, access, audit, Http.DISABLED);
    }

    /** A configuration with the default access and audit settings. */
    public ServerConfig(Kmip kmip, Tls tls, Storage storage, Limits limits, Logging logging, Crypto crypto,
                        MasterKeyStore masterKey) {
        this(kmip, tls, storage, limits, logging, crypto, masterKey, Access.defaults(), Audit.defaults());
    }

    /** A configuration with no master key yet (see {@link #withMasterKey}). */
    public ServerConfig(Kmip kmip, Tls tls, Storage storage, Limits limits, Logging logging, Crypto crypto) {
        this(kmip, tls, storage, limits, logging, crypto, null);
    }

    /** A configuration with the default {@link Crypto} settings and no master key yet. */
    public ServerConfig(Kmip kmip, Tls tls, Storage storage, Limits limits, Logging logging) {
        this(kmip, tls, storage, limits, logging, Crypto.defaults());
    }

    /** This configuration with other TLS settings. */
    public ServerConfig withTls(Tls other) {
        return new ServerConfig(kmip, other, storage, limits, logging, crypto,
                masterKey, access, audit, http, rotation, reProvision);
    }

    /** This configuration with other storage settings (another database). */
    public ServerConfig withStorage(Storage other) {
        return new ServerConfig(kmip, tls, other, limits, logging, crypto,
                masterKey, access, audit, http, rotation, reProvision);
    }

    /** This configuration with other crypto settings. */
    public ServerConfig withCrypto(Crypto other) {
        return new ServerConfig(kmip, tls, storage, limits, logging, other,
                masterKey, access, audit, http, rotation, reProvision);
    }

    /** This configuration with the given master key store. */
    public ServerConfig withMasterKey(MasterKeyStore other) {
        return new ServerConfig(kmip, tls, storage, limits, logging, crypto,
                other, access, audit, http, rotation, reProvision);
    }

    /** This configuration with other access control settings. */
    public ServerConfig withAccess(Access other) {
        return new ServerConfig(kmip, tls, storage, limits, logging, crypto,
                masterKey, other, audit, http, rotation, reProvision);
    }

    /** This configuration with other audit settings. */
    public ServerConfig withAudit(Audit other) {
        return new ServerConfig(kmip, tls, storage, limits, logging, crypto,
                masterKey, access, other, http, rotation, reProvision);
    }

    /** This configuration with other scheduled rotation settings. */
    public ServerConfig withRotation(Rotation other) {
        return new ServerConfig(kmip, tls, storage, limits, logging, crypto,
                masterKey, access, audit, http, other, reProvision);
    }

    /** This configuration with other Re-Provision settings. */
    public ServerConfig withReProvision(ReProvision other) {
        return new ServerConfig(kmip, tls, storage, limits, logging, crypto, masterKey, access, audit, http, rotation,
                other);
    }

    /**
     * Re-Provision (KMIP 2.1 section 6.1.48), by which a client replaces its TLS client certificate
     * (docs/server-operations.md). A client that sends the new certificate itself needs nothing here; for the
     * server to sign a Certificate Request, or to make the key pair and certificate, it needs a CA that
     * {@code tls.trusted_cas} trusts.
     *
     * @param caCertificate         the CA certificate that signs new client certificates (one of
     *                              {@code tls.trusted_cas}), or null: the server issues none
     * @param caPrivateKey          its private key (PEM), or null with {@code caCertificate}
     * @param caPrivateKeyPassword  the password of an encrypted PKCS#8 key, or null
     * @param certificateValidity   how long a certificate the server issues is valid
     * @param retrievalWindow       how long after a Re-Provision the replaced certificate may still Get the
     *                              objects of its replacement (and nothing else)
     */
    public record ReProvision(Path caCertificate, Path caPrivateKey, String caPrivateKeyPassword,
                              Duration certificateValidity, Duration retrievalWindow) {
        public static final Duration DEFAULT_CERTIFICATE_VALIDITY = Duration.ofDays(365);
        public static final Duration DEFAULT_RETRIEVAL_WINDOW = Duration.ofHours(1);

        public ReProvision {
            if ((caCertificate == null) != (caPrivateKey == null)) {
                throw new IllegalArgumentException(
                        "the Re-Provision CA needs both its certificate and its private key");
            }
            Objects.requireNonNull(certificateValidity, "certificateValidity");
            Objects.requireNonNull(retrievalWindow, "retrievalWindow");
        }

        /** No CA: only a client that sends its new certificate can re-provision. */
        public static ReProvision defaults() {
            return new ReProvision(null, null, null, DEFAULT_CERTIFICATE_VALIDITY, DEFAULT_RETRIEVAL_WINDOW);
        }

        /** Certificates signed with this CA, with the default validity and retrieval window. */
        public static ReProvision withCa(Path caCertificate, Path caPrivateKey) {
            return new ReProvision(caCertificate, caPrivateKey, null, DEFAULT_CERTIFICATE_VALIDITY,
                    DEFAULT_RETRIEVAL_WINDOW);
        }

        /** Whether a CA is configured to issue new client certificates. */
        public boolean issues() {
            return caCertificate != null;
        }

        @Override
        public String toString() {
            return "ReProvision[caCertificate=" + caCertificate + ", caPrivateKey=" + caPrivateKey
                    + ", caPrivateKeyPassword=" + (caPrivateKeyPassword == null ? "none" : "(set)")
                    + ", certificateValidity=" + certificateValidity + ", retrievalWindow=" + retrievalWindow + "]";
        }
    }

    /**
     * Scheduled key rotation (docs/rotation.md).
     *
     * @param checkInterval how often the server looks for keys due for rotation; zero: never (no rotation
     *                      scheduler runs)
     */
    public record Rotation(Duration checkInterval) {
        /** The default time between two looks for due keys. */
        public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofMinutes(1);

        public Rotation {
            Objects.requireNonNull(checkInterval, "checkInterval");
        }

        /** A look every minute. */
        public static Rotation defaults() {
            return new Rotation(DEFAULT_CHECK_INTERVAL);
        }
    }

    /** This configuration with other limits. */
    public ServerConfig withLimits(Limits other) {
        return new ServerConfig(kmip, tls, storage, other, logging, crypto,
                masterKey, access, audit, http, rotation, reProvision);
    }

    /** This configuration with other HTTPS listener settings. */
    public ServerConfig withHttp(Http other) {
        return new ServerConfig(kmip, tls, storage, limits, logging, crypto,
                masterKey, access, audit, other, rotation, reProvision);
    }

    /**
     * The HTTPS listener (REST API under /v1, KMIP over HTTPS at /kmip, /health, /metrics, the console at /): it
     * uses the {@link Tls} settings of the KMIP port, with client certificates optional since API tokens also
     * authenticate.
     *
     * @param enabled     whether to listen at all
     * @param host        name or address to bind (0.0.0.0: every IPv4 interface)
     * @param port        port (0: any free one)
     * @param openMetrics serve /metrics without authentication (for a scraper without a client certificate)
     */
    public record Http(boolean enabled, String host, int port, boolean openMetrics) {
        public static final int DEFAULT_PORT = 8443;
        /** No HTTPS listener: what configurations built in code get unless they ask for one. */
        public static final Http DISABLED = new Http(false, Kmip.DEFAULT_HOST, DEFAULT_PORT, false);

        public Http {
            Objects.requireNonNull(host, "host");
        }

        /** Listening on the given host and port, /metrics authenticated. */
        public static Http on(String host, int port) {
            return new Http(true, host, port, false);
        }
    }

    /** The KMIP listener: host (name or address; 0.0.0.0 for every IPv4 interface) and port (0: any free one). */
    public record Kmip(String host, int port) {
        public static final String DEFAULT_HOST = "0.0.0.0";
        public static final int DEFAULT_PORT = 5696;

        public Kmip {
            Objects.requireNonNull(host, "host");
        }
    }

    /** How clients' certificates are turned into an identity. */
    public enum ClientIdentity {
        /** The subject's Common Name (exactly one CN is required). */
        COMMON_NAME,
        /** The whole subject distinguished name in RFC 2253 form. */
        SUBJECT,
        /** The e-mail (rfc822Name) Subject Alternative Name (exactly one is required). */
        SAN_EMAIL,
        /** The DNS name Subject Alternative Name (exactly one is required). */
        SAN_DNS,
        /** The URI Subject Alternative Name (exactly one is required). */
        SAN_URI
    }

    /**
     * Which cipher suites the server offers (docs/tls.md lists them and which clients need which).
     */
    public enum TlsProfile {
        /** TLS 1.3, and TLS 1.2 with ECDHE and AEAD suites (AES-GCM, ChaCha20-Poly1305) only. */
        MODERN,
        /** {@link #MODERN} plus the TLS 1.2 AES-CBC suites with SHA-256/384 that older clients (vSphere) need. */
        COMPATIBILITY
    }

    /** Which TLS implementation serves the listeners (docs/tls.md#providers). */
    public enum TlsProvider {
        /** The JDK's own (JSSE): every suite of both profiles. */
        JDK,
        /**
         * BoringSSL through Netty's netty-tcnative (linux-x86_64): the same protocols and certificate checks,
         * handshakes and record protection in native code; the {@link TlsProfile#MODERN} suites only, since
         * BoringSSL has no TLS 1.2 CBC suites with SHA-256 or SHA-384.
         */
        OPENSSL;

        /** Why {@link #OPENSSL} with the {@link TlsProfile#COMPATIBILITY} profile is a configuration error. */
        public static final String OPENSSL_SERVES_MODERN_ONLY = "openssl serves tls.profile: modern only: BoringSSL"
                + " has none of the TLS 1.2 CBC suites the compatibility profile adds; use tls.provider: jdk for them";
    }

    /**
     * TLS: the server's certificate chain and private key (PEM), the CA certificates client certificates must
     * chain to, the certificate revocation lists that apply to them, and the protocol options. The files are
     * re-read when they change (every {@code reloadInterval}) or when asked to.
     *
     * @param privateKeyPassword     password of an encrypted PKCS#8 key, or null
     * @param crls                   certificate revocation lists (PEM or DER) issued by trusted CAs
     * @param profile                the cipher suites offered
     * @param requireClientAuthUsage refuse client certificates whose extended key usage lacks clientAuth
     * @param reloadInterval         how often the files' modification times are checked; zero: never
     * @param provider               the TLS implementation
     */
    public record Tls(Path certificate, Path privateKey, String privateKeyPassword, List<Path> trustedCas,
                      List<Path> crls, List<String> protocols, TlsProfile profile, boolean requireClientAuthUsage,
                      ClientIdentity clientIdentity, Duration sessionTimeout, Duration reloadInterval,
                      TlsProvider provider) {
        public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
        public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofHours(24);
        public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(30);

        public Tls {
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(privateKey, "privateKey");
            trustedCas = List.copyOf(trustedCas);
            crls = List.copyOf(crls);
            protocols = List.copyOf(protocols);
            Objects.requireNonNull(profile, "profile");
            Objects.requireNonNull(clientIdentity, "clientIdentity");
            Objects.requireNonNull(sessionTimeout, "sessionTimeout");
            Objects.requireNonNull(reloadInterval, "reloadInterval");
            Objects.requireNonNull(provider, "provider");
        }

        /** The defaults for everything but the files: the modern profile, no CRLs. */
        public static Tls of(Path certificate, Path privateKey, List<Path> trustedCas) {
            return new Tls(certificate, privateKey, null, trustedCas, List.of(), DEFAULT_PROTOCOLS, TlsProfile.MODERN,
                    false, ClientIdentity.COMMON_NAME, DEFAULT_SESSION_TIMEOUT, DEFAULT_RELOAD_INTERVAL, TlsProvider.JDK);
        }

        public Tls withProfile(TlsProfile other) {
            return new Tls(certificate, privateKey, privateKeyPassword, trustedCas, crls, protocols, other,
                    requireClientAuthUsage, clientIdentity, sessionTimeout, reloadInterval, provider);
        }

        public Tls withCrls(List<Path> other) {
            return new Tls(certificate, privateKey, privateKeyPassword, trustedCas, other, protocols, profile,
                    requireClientAuthUsage, clientIdentity, sessionTimeout, reloadInterval, provider);
        }

        public Tls withReloadInterval(Duration other) {
            return new Tls(certificate, privateKey, privateKeyPassword, trustedCas, crls, protocols, profile,
                    requireClientAuthUsage, clientIdentity, sessionTimeout, other, provider);
        }

        public Tls withRequireClientAuthUsage(boolean other) {
            return new Tls(certificate, privateKey, privateKeyPassword, trustedCas, crls, protocols, profile,
                    other, clientIdentity, sessionTimeout, reloadInterval, provider);
        }

        public Tls withProvider(TlsProvider other) {
            return new Tls(certificate, privateKey, privateKeyPassword, trustedCas, crls, protocols, profile,
                    requireClientAuthUsage, clientIdentity, sessionTimeout, reloadInterval, other);
        }

        /** These settings with other certificate, key and CA files. */
        public Tls withFiles(Path otherCertificate, Path otherKey, List<Path> otherCas) {
            return new Tls(otherCertificate, otherKey, privateKeyPassword, otherCas, crls, protocols, profile,
                    requireClientAuthUsage, clientIdentity, sessionTimeout, reloadInterval, provider);
        }

        @Override
        public String toString() {
            return "Tls[certificate=" + certificate + ", privateKey=" + privateKey + ", privateKeyPassword="
                    + (privateKeyPassword == null ? "none" : "(set)") + ", trustedCas=" + trustedCas + ", crls=" + crls
                    + ", protocols=" + protocols + ", profile=" + profile + ", requireClientAuthUsage="
                    + requireClientAuthUsage + ", clientIdentity=" + clientIdentity + ", sessionTimeout="
                    + sessionTimeout + ", reloadInterval=" + reloadInterval + ", provider=" + provider + "]";
        }
    }

    /**
     * Where the objects live: the data directory, and either the SQLite database file (by default in that
     * directory) or a PostgreSQL database that several nodes share.
     *
     * @param database the SQLite file; unused when {@code postgres} is set
     * @param postgres the PostgreSQL database, or null for SQLite
     */
    public record Storage(Path dataDir, Path database, Postgres postgres) {
        public static final String DEFAULT_DATABASE_NAME = "keyhold.db";

        public Storage {
            Objects.requireNonNull(dataDir, "dataDir");
            Objects.requireNonNull(database, "database");
        }

        /** A SQLite database file. */
        public Storage(Path dataDir, Path database) {
            this(dataDir, database, null);
        }

        public static Storage in(Path dataDir) {
            return new Storage(dataDir, dataDir.resolve(DEFAULT_DATABASE_NAME));
        }

        /** This storage on a PostgreSQL database instead. */
        public Storage withPostgres(Postgres postgres) {
            return new Storage(dataDir, database, postgres);
        }
    }

    /**
     * A PostgreSQL database ({@code storage.database: jdbc:postgresql://...}).
     *
     * @param url          {@code jdbc:postgresql://host[:port]/database[?parameters]}
     * @param user         the role, or null for the URL's or the driver's default
     * @param password     the role's password (read from the environment variable or file the configuration
     *                     names), or null; never shown by {@link #toString()}
     * @param readerPool   connections for read transactions
     */
    public record Postgres(String url, String user, String password, int readerPool) {
        public static final int DEFAULT_READER_POOL = 8;

        public Postgres {
            Objects.requireNonNull(url, "url");
            if (readerPool < 1) {
                throw new IllegalArgumentException("readerPool: " + readerPool + " (expected: >= 1)");
            }
        }

        @Override
        public String toString() {
            return "Postgres[url=" + url.replaceAll("(?i)(password=)[^&]*", "$1***") + ", user=" + user
                    + ", password=" + (password == null ? "none" : "(set)") + ", readerPool=" + readerPool + "]";
        }
    }

    /**
     * Limits. Zero means unlimited for the batch items, per-identity connections, read timeout and request
     * rate.
     *
     * @param maxMessageBytes              largest request message accepted, header included
     * @param maxBatchItems                batch items in one request message
     * @param maxConnections               connections open at once; more are closed as soon as they are accepted
     * @param maxConnectionsPerIdentity    connections one client identity may have open at once; more are
     *                                     closed once their handshake names the client
     * @param idleTimeout                  a connection with no request in progress and no traffic for this
     *                                     long is closed
     * @param readTimeout                  once the first byte of a message has arrived, the whole message must
     *                                     arrive within this; the TLS handshake must also finish within it
     * @param requestsPerSecondPerIdentity request messages per second one client identity may send, over all
     *                                     its connections (a token bucket holding one second's worth)
     * @param workerThreads                threads running requests; 0 for the default, twice the processors
     *                                     and at least 4
     * @param shutdownGrace                how long a stop waits for requests in progress before closing their
     *                                     connections
     */
    public record Limits(int maxMessageBytes, int maxBatchItems, int maxConnections, int maxConnectionsPerIdentity,
                         Duration idleTimeout, Duration readTimeout, int requestsPerSecondPerIdentity,
                         int workerThreads, Duration shutdownGrace) {
        public static final int DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;
        public static final int DEFAULT_MAX_BATCH_ITEMS = 256;
        public static final int DEFAULT_MAX_CONNECTIONS = 1024;
        public static final int DEFAULT_MAX_CONNECTIONS_PER_IDENTITY = 256;
        public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);
        public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
        public static final int DEFAULT_REQUESTS_PER_SECOND_PER_IDENTITY = 0;
        public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);

        public Limits {
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            Objects.requireNonNull(readTimeout, "readTimeout");
            Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        }

        public static Limits defaults() {
            return new Limits(DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_BATCH_ITEMS, DEFAULT_MAX_CONNECTIONS,
                    DEFAULT_MAX_CONNECTIONS_PER_IDENTITY, DEFAULT_IDLE_TIMEOUT, DEFAULT_READ_TIMEOUT,
                    DEFAULT_REQUESTS_PER_SECOND_PER_IDENTITY, 0, DEFAULT_SHUTDOWN_GRACE);
        }

        public Limits withMaxMessageBytes(int n) {
            return new Limits(n, maxBatchItems, maxConnections, maxConnectionsPerIdentity, idleTimeout, readTimeout,
                    requestsPerSecondPerIdentity, workerThreads, shutdownGrace);
        }

        public Limits withMaxBatchItems(int n) {
            return new Limits(maxMessageBytes, n, maxConnections, maxConnectionsPerIdentity, idleTimeout, readTimeout,
                    requestsPerSecondPerIdentity, workerThreads, shutdownGrace);
        }

        public Limits withMaxConnections(int n) {
            return new Limits(maxMessageBytes, maxBatchItems, n, maxConnectionsPerIdentity, idleTimeout, readTimeout,
                    requestsPerSecondPerIdentity, workerThreads, shutdownGrace);
        }

        public Limits withMaxConnectionsPerIdentity(int n) {
            return new Limits(maxMessageBytes, maxBatchItems, maxConnections, n, idleTimeout, readTimeout,
                    requestsPerSecondPerIdentity, workerThreads, shutdownGrace);
        }

        public Limits withIdleTimeout(Duration d) {
            return new Limits(maxMessageBytes, maxBatchItems, maxConnections, maxConnectionsPerIdentity, d, readTimeout,
                    requestsPerSecondPerIdentity, workerThreads, shutdownGrace);
        }

        public Limits withReadTimeout(Duration d) {
            return new Limits(maxMessageBytes, maxBatchItems, maxConnections, maxConnectionsPerIdentity, idleTimeout, d,
                    requestsPerSecondPerIdentity, workerThreads, shutdownGrace);
        }

        public Limits withRequestsPerSecondPerIdentity(int n) {
            return new Limits(maxMessageBytes, maxBatchItems, maxConnections, maxConnectionsPerIdentity, idleTimeout,
                    readTimeout, n, workerThreads, shutdownGrace);
        }

        public Limits withShutdownGrace(Duration d) {
            return new Limits(maxMessageBytes, maxBatchItems, maxConnections, maxConnectionsPerIdentity, idleTimeout,
                    readTimeout, requestsPerSecondPerIdentity, workerThreads, d);
        }

        /** The worker thread count to use: the setting, or twice the processors and at least 4. */
        /**
         * The worker threads: as configured, else 8 per processor and at least 64. A worker that runs a write
         * waits for the store's group commit; the more writes wait together, the more one fsync acknowledges,
         * so the pool is sized for requests in flight rather than for processors.
         */
        public int effectiveWorkerThreads() {
            return workerThreads > 0 ? workerThreads : Math.max(64, 8 * Runtime.getRuntime().availableProcessors());
        }
    }

    /** Logging: level (error, warn, info, debug, trace) and format (plain or json), applied by the command. */
    public record Logging(String level, String format) {
        public static Logging defaults() {
            return new Logging("info", "plain");
        }
    }

    /**
     * Cryptography.
     *
     * @param fipsOnly restrict the server to FIPS 140-approved algorithms and key sizes (docs/fips.md)
     */
    public record Crypto(boolean fipsOnly) {
        public static Crypto defaults() {
            return new Crypto(false);
        }
    }

    /**
     * The master keys that encrypt stored objects: AES-256 secret key entries of a PKCS#12 key store, whose
     * passphrase is read from an environment variable or from a file (exactly one of the two is set), or
     * AES-256 keys inside a PKCS#11 token. Which key wraps new objects is recorded in the database; the
     * alias (or key label) names the first key, later ones get a numbered suffix.
     *
     * @param provider       {@link #PKCS12} or {@link #PKCS11}
     * @param keystore       the PKCS#12 file (PKCS#12 only)
     * @param alias          the first key's alias (PKCS#12) or label (PKCS#11)
     * @param passphraseEnv  the name of the environment variable holding the passphrase, or null
     * @param passphraseFile the file holding the passphrase (first line), or null
     * @param pkcs11         the token (PKCS#11 only, else null)
     */
    public record MasterKeyStore(String provider, Path keystore, String alias, String passphraseEnv, Path passphraseFile,
            Pkcs11 pkcs11) {
        public static final String PKCS12 = "pkcs12";
        public static final String PKCS11 = "pkcs11";
        public static final String DEFAULT_ALIAS = "keyhold-master";
        public static final String DEV_KEYSTORE_NAME = "master-key.p12";
        public static final String DEV_PASSPHRASE_NAME = "master-key.pass";

        public MasterKeyStore {
            Objects.requireNonNull(alias, "alias");
            if (PKCS11.equals(provider)) {
                Objects.requireNonNull(pkcs11, "pkcs11");
            } else if (PKCS12.equals(provider)) {
                Objects.requireNonNull(keystore, "keystore");
                if ((passphraseEnv == null) == (passphraseFile == null)) {
                    throw new IllegalArgumentException("exactly one of passphraseEnv and passphraseFile must be set");
                }
            } else {
                throw new IllegalArgumentException("provider: " + provider + " (expected: pkcs12 or pkcs11)");
            }
        }

        /** A PKCS#12 key store. */
        public MasterKeyStore(Path keystore, String alias, String passphraseEnv, Path passphraseFile) {
            this(PKCS12, keystore, alias, passphraseEnv, passphraseFile, null);
        }

        /** A PKCS#11 token; {@code label} names the first key. */
        public static MasterKeyStore token(Pkcs11 pkcs11, String label) {
            return new MasterKeyStore(PKCS11, null, label, null, null, pkcs11);
        }

        /** The development key store of {@code keyhold dev}: {@code master-key.p12} and {@code master-key.pass} in {@code dir}. */
        public static MasterKeyStore development(Path dir) {
            return new MasterKeyStore(dir.resolve(DEV_KEYSTORE_NAME), DEFAULT_ALIAS, null, dir.resolve(DEV_PASSPHRASE_NAME));
        }
    }

    /** Whether requests may name their identity with a Username and Password credential (docs/access-control.md). */
    public enum PasswordCredentials {
        /** Credentials in the request header are ignored; the certificate names the client. */
        DISABLED,
        /** A credential, when present, must be valid and names the client; without one, the certificate does. */
        ACCEPTED,
        /** Every request must carry a valid credential, which names the client. */
        REQUIRED
    }

    /**
     * A PKCS#11 token reached through the JDK's SunPKCS11 provider; its PIN comes from an environment
     * variable or a file (exactly one of the two is set).
     *
     * @param library       the PKCS#11 module
     * @param slot          the slot id, or null to choose by {@code slotListIndex}
     * @param slotListIndex the index among slots holding a token (used when {@code slot} is null)
     * @param pinEnv        the name of the environment variable holding the PIN, or null
     * @param pinFile       the file holding the PIN (first line), or null
     */
    public record Pkcs11(Path library, Long slot, int slotListIndex, String pinEnv, Path pinFile) {
        public Pkcs11 {
            Objects.requireNonNull(library, "library");
            if (slotListIndex < 0) {
                throw new IllegalArgumentException("slotListIndex: " + slotListIndex + " (expected: >= 0)");
            }
            if ((pinEnv == null) == (pinFile == null)) {
                throw new IllegalArgumentException("exactly one of pinEnv and pinFile must be set");
            }
        }
    }

    /**
     * Access control (docs/access-control.md).
     *
     * @param administrators      identities that may use every object and manage every grant
     * @param groups              identity group name to its member identities, for grants to groups
     * @param passwordCredentials whether Username and Password credentials name the client
     * @param ticketMaxLease      the longest lease of a ticket of Login or Delegated Login
     */
    public record Access(List<String> administrators, Map<String, List<String>> groups,
                         PasswordCredentials passwordCredentials, Duration ticketMaxLease) {
        /** Eight hours. */
        public static final Duration DEFAULT_TICKET_MAX_LEASE = Duration.ofHours(8);

        public Access {
            administrators = List.copyOf(administrators);
            Map<String, List<String>> copy = new LinkedHashMap<>();
            groups.forEach((name, members) -> copy.put(name, List.copyOf(members)));
            groups = java.util.Collections.unmodifiableMap(copy);
            Objects.requireNonNull(passwordCredentials, "passwordCredentials");
            Objects.requireNonNull(ticketMaxLease, "ticketMaxLease");
            if (ticketMaxLease.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("ticketMaxLease " + ticketMaxLease + " (expected: at least 1 second)");
            }
        }

        /** The longest ticket lease at its default. */
        public Access(List<String> administrators, Map<String, List<String>> groups, PasswordCredentials passwordCredentials) {
            this(administrators, groups, passwordCredentials, DEFAULT_TICKET_MAX_LEASE);
        }

        /** Administrators only: no groups, credentials disabled. */
        public Access(List<String> administrators) {
            this(administrators, Map.of(), PasswordCredentials.DISABLED);
        }

        public static Access defaults() {
            return new Access(List.of());
        }
    }

    /**
     * The audit log (docs/audit.md). Every request batch item is recorded in the database; these settings
     * say how long an answer waits for its record and where records are forwarded.
     *
     * @param durableReads     acknowledge a request that changed nothing only once its audit record is on
     *                         disk (otherwise it commits with the next group of writes, a few milliseconds later)
     * @param maxQueuedRecords records of such requests waiting for the writer at most; beyond, requests wait
     * @param syslog           where records are forwarded once committed, or null
     */
    public record Audit(boolean durableReads, int maxQueuedRecords, Syslog syslog) {
        public static final int DEFAULT_MAX_QUEUED_RECORDS = 10_000;

        public Audit(boolean durableReads) {
            this(durableReads, DEFAULT_MAX_QUEUED_RECORDS, null);
        }

        public static Audit defaults() {
            return new Audit(false);
        }
    }

    /** How audit records reach a syslog receiver. */
    public enum SyslogProtocol {
        /** One RFC 5424 message per datagram (RFC 5426). */
        UDP,
        /** RFC 5424 messages over one TCP connection, framed by octet counting (RFC 6587). */
        TCP
    }

    /**
     * Forwarding of committed audit records to syslog, as RFC 5424 messages with the record's fields as
     * structured data.
     *
     * @param host      the receiver's host name or address
     * @param port      its port
     * @param protocol  UDP or TCP
     * @param facility  the syslog facility number (0-23; 10 is authpriv)
     * @param appName   APP-NAME of every message
     * @param queueSize records waiting to be sent at most; beyond, records are counted as not forwarded
     */
    public record Syslog(String host, int port, SyslogProtocol protocol, int facility, String appName, int queueSize) {
        public static final int DEFAULT_FACILITY = 10;
        public static final String DEFAULT_APP_NAME = "keyhold";
        public static final int DEFAULT_QUEUE_SIZE = 10_000;

        public Syslog {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(appName, "appName");
        }
    }
}
