package io.keyhold.server;

import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.server.audit.SyslogForwarder;
import io.keyhold.server.auth.AccessPolicy;
import io.keyhold.server.auth.PasswordAuthentication;
import io.keyhold.server.auth.RetiredCredentials;
import io.keyhold.server.auth.Tickets;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.crypto.CryptoPolicy;
import io.keyhold.server.crypto.ServerRandom;
import io.keyhold.server.dispatch.DispatcherSettings;
import io.keyhold.server.dispatch.KmipDispatcher;
import io.keyhold.server.dispatch.RequestProcessor;
import io.keyhold.server.metrics.ServerMetrics;
import io.keyhold.server.ops.DueDates;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.ops.attribute.AttributeHandlers;
import io.keyhold.server.ops.certificate.CertificateOperations;
import io.keyhold.server.ops.cipher.CipherOperations;
import io.keyhold.server.ops.keys.KeyOperations;
import io.keyhold.server.ops.object.ObjectOperations;
import io.keyhold.server.ops.signature.SignatureOperations;
import io.keyhold.server.ops.transfer.TransferOperations;
import io.keyhold.server.security.MasterKeyException;
import io.keyhold.server.security.MasterKeyRing;
import io.keyhold.server.security.MasterKeySource;
import io.keyhold.server.security.Pkcs11MasterKeySource;
import io.keyhold.server.security.Pkcs12MasterKeySource;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.StoreException;
import io.keyhold.server.store.sql.Database;
import io.keyhold.server.store.sql.SqlObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** The one place that chooses the store and the request processor for a configuration. */
public final class ServerAssembly {
    private ServerAssembly() {
    }

    /**
     * The store, the processor working on it and the server's metrics (which the processor and the store
     * report to; hand {@link ServerMetrics#connectionObserver()} to the listener); closing it stops the
     * processor, then closes the metrics and the store.
     */
    public record Assembly(ObjectStore store, RequestProcessor processor, ServerMetrics metrics, AutoCloseable... parts)
            implements AutoCloseable {
        /** With metrics of their own that nothing reports to but the JVM. */
        public Assembly(ObjectStore store, RequestProcessor processor, AutoCloseable... parts) {
            this(store, processor, ServerMetrics.create(version()), parts);
        }

        @Override
        public void close() {
            for (AutoCloseable part : parts) {
                try {
                    part.close();
                } catch (Exception ignored) {
                    // the store below must close whatever happened above it
                }
            }
            try {
                metrics.close();
            } finally {
                store.close();
            }
        }
    }

    /**
     * The configured master key cannot be used: its key store or token cannot be opened, its passphrase or PIN
     * is missing or wrong, or it holds no key of the configured name. The message says which, for an operator.
     */
    public static final class MasterKeyUnavailableException extends StoreException {
        private static final long serialVersionUID = 1L;

        public MasterKeyUnavailableException(String message) {
            super(message.startsWith("master key") || message.startsWith("no master key") ? message
                    : "master key: " + message);
        }
    }

    /**
     * Opens the configuration's master key and its store (SQLite or PostgreSQL) (objects encrypted under that key) and
     * builds the dispatcher with every operation. A missing or unusable master key is a
     * {@link MasterKeyUnavailableException}, any other storage failure a StoreException.
     */
    public static Assembly open(ServerConfig config) {
        return open(config, System.getenv());
    }

    /** As {@link #open(ServerConfig)}, reading a master key passphrase or PIN variable from {@code env}. */
    public static Assembly open(ServerConfig config, Map<String, String> env) {
        MasterKeyRing ring = openMasterKey(config.masterKey(), env);
        if (ring.isEmpty() && ServerConfig.MasterKeyStore.PKCS12.equals(config.masterKey().provider())
                && !Files.exists(config.masterKey().keystore())) {
            throw new MasterKeyUnavailableException("master key store " + config.masterKey().keystore()
                    + " does not exist (master_key.keystore; keyhold master-key init creates it)");
        }
        if (ring.isEmpty()) {
            boolean token = ServerConfig.MasterKeyStore.PKCS11.equals(config.masterKey().provider());
            throw new MasterKeyUnavailableException("no master key " + config.masterKey().alias() + " in "
                    + ring.description() + " (" + (token ? "master_key.pkcs11.key_label" : "master_key.alias")
                    + "; keyhold master-key init creates it)");
        }
        SqlObjectStore.Options options = SqlObjectStore.Options.DEFAULTS
                .withMaxQueuedAuditRecords(config.audit().maxQueuedRecords());
        if (config.storage().postgres() != null) {
            options = options.withReaderPoolSize(config.storage().postgres().readerPool());
        }
        return open(SqlObjectStore.open(Database.of(config.storage()), ring, options), Clock.systemUTC(),
                CryptoPolicy.of(config.crypto().fipsOnly()), config.limits().maxBatchItems(), config.access(),
                config.audit(), config.tls(), config.reProvision());
    }

    /**
     * Opens the configured master key source (PKCS#12 key store or PKCS#11 token) as a ring, reading its
     * passphrase or PIN from the named variable of {@code env} or from its file.
     */
    public static MasterKeyRing openMasterKey(ServerConfig.MasterKeyStore settings, Map<String, String> env) {
        if (settings == null) {
            throw new MasterKeyUnavailableException("no master key is configured (master_key.keystore): objects are never"
                    + " stored in the clear");
        }
        boolean token = ServerConfig.MasterKeyStore.PKCS11.equals(settings.provider());
        char[] secret = token
                ? secret("PIN", settings.pkcs11().pinEnv(), settings.pkcs11().pinFile(), env)
                : secret("passphrase", settings.passphraseEnv(), settings.passphraseFile(), env);
        try {
            MasterKeySource source = token
                    ? Pkcs11MasterKeySource.open(settings.pkcs11().library(), settings.pkcs11().slot(),
                            settings.pkcs11().slotListIndex(), secret)
                    : new Pkcs12MasterKeySource(settings.keystore(), secret);
            return MasterKeyRing.open(source, settings.alias());
        } catch (MasterKeyException e) {
            throw new MasterKeyUnavailableException(e.getMessage());
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    private static char[] secret(String what, String variable, Path file, Map<String, String> env) {
        if (variable != null) {
            String value = env.get(variable);
            if (value == null || value.isEmpty()) {
                throw new MasterKeyUnavailableException("master key: environment variable " + variable + " is not set");
            }
            return value.toCharArray();
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int nl = text.indexOf('\n');
            return (nl < 0 ? text : text.substring(0, nl)).strip().toCharArray();
        } catch (IOException e) {
            throw new MasterKeyUnavailableException("master key: cannot read " + what + " file " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /** The dispatcher with every operation, over the given store, with every algorithm the server implements. */
    public static Assembly open(ObjectStore store, Clock clock) {
        return open(store, clock, CryptoPolicy.DEFAULT);
    }

    /** The dispatcher with every operation, over the given store, using the algorithms the policy allows. */
    public static Assembly open(ObjectStore store, Clock clock, CryptoPolicy policy) {
        return open(store, clock, policy, 0, ServerConfig.Access.defaults());
    }

    /** As {@link #open(ObjectStore, Clock, CryptoPolicy)}, with at most {@code maxBatchItems} per message (0: any). */
    public static Assembly open(ObjectStore store, Clock clock, CryptoPolicy policy, int maxBatchItems) {
        return open(store, clock, policy, maxBatchItems, ServerConfig.Access.defaults());
    }

    /** As {@link #open(ObjectStore, Clock, CryptoPolicy)}, with the access control settings given. */
    public static Assembly open(ObjectStore store, Clock clock, CryptoPolicy policy, ServerConfig.Access access) {
        return open(store, clock, policy, 0, access);
    }

    /**
     * The dispatcher with every operation over the given store: the algorithms the policy allows, at most
     * {@code maxBatchItems} per message (0: any), and the access control settings given.
     */
    public static Assembly open(ObjectStore store, Clock clock, CryptoPolicy policy, int maxBatchItems,
                                ServerConfig.Access access) {
        return open(store, clock, policy, maxBatchItems, access, ServerConfig.Audit.defaults());
    }

    /**
     * As {@link #open(ObjectStore, Clock, CryptoPolicy, int, ServerConfig.Access)}, recording to the store's
     * audit log as {@code audit} says (and forwarding to syslog if configured).
     */
    public static Assembly open(ObjectStore store, Clock clock, CryptoPolicy policy, int maxBatchItems,
                                ServerConfig.Access access, ServerConfig.Audit audit) {
        return open(store, clock, policy, maxBatchItems, access, audit, null, ServerConfig.ReProvision.defaults());
    }

    /**
     * As {@link #open(ObjectStore, Clock, CryptoPolicy, int, ServerConfig.Access, ServerConfig.Audit)}, with
     * Re-Provision for clients that authenticate with these TLS settings (null: Re-Provision is not offered).
     */
    public static Assembly open(ObjectStore store, Clock clock, CryptoPolicy policy, int maxBatchItems,
                                ServerConfig.Access access, ServerConfig.Audit audit, ServerConfig.Tls tls,
                                ServerConfig.ReProvision reProvision) {
        SecureRandom random = randomFor(policy);
        RetiredCredentials retired = new RetiredCredentials(store, clock);
        retired.load();
        List<OperationHandler> handlers = new ArrayList<>(ObjectOperations.handlers(random, policy));
        handlers.addAll(AttributeHandlers.all());
        handlers.addAll(KeyOperations.handlers(random, policy));
        handlers.addAll(CipherOperations.handlers(random, policy));
        handlers.addAll(SignatureOperations.handlers(random, policy));
        handlers.addAll(CertificateOperations.handlers(random, policy));
        handlers.addAll(TransferOperations.handlers(random, policy));
        if (tls != null) {
            handlers.add(CertificateOperations.reProvision(tls, reProvision, retired, random, policy));
        }
        DispatcherSettings d = DispatcherSettings.defaults();
        String version = version();
        DispatcherSettings settings = new DispatcherSettings("Keyhold", version, d.supportedVersions(),
                List.of(ObjectType.SYMMETRIC_KEY, ObjectType.PUBLIC_KEY, ObjectType.PRIVATE_KEY, ObjectType.SPLIT_KEY,
                        ObjectType.TEMPLATE, ObjectType.SECRET_DATA, ObjectType.OPAQUE_OBJECT, ObjectType.CERTIFICATE,
                        ObjectType.PGP_KEY),
                d.asyncThreads(), d.asyncMaxOutstanding(), d.asyncRetention(), maxBatchItems);
        KmipDispatcher dispatcher = new KmipDispatcher(store, clock, handlers, settings, AccessPolicy.of(access),
                new PasswordAuthentication(access.passwordCredentials(), store), audit.durableReads(),
                Tickets.limitsWithMaxLease(access.ticketMaxLease()), retired);
        ServerMetrics metrics = ServerMetrics.create(version);
        metrics.watch(store);
        dispatcher.observer(metrics.dispatchObserver());
        DueDates dueDates = DueDates.start(store, clock, 1000);
        if (audit.syslog() == null) {
            return new Assembly(store, dispatcher, metrics, dueDates, dispatcher);
        }
        SyslogForwarder syslog = new SyslogForwarder(audit.syslog(), localHostName(), Duration.ofMinutes(1));
        store.auditListener(syslog);
        AutoCloseable detach = () -> {
            try {
                store.write(tx -> null); // queued audit records commit first, so the forwarder sees them
            } finally {
                store.auditListener(null);
                syslog.close();
            }
        };
        return new Assembly(store, dispatcher, metrics, dueDates, dispatcher, detach);
    }

    /**
     * The server's generator, whatever the policy: the JDK's SP 800-90A DRBG of security strength 256 (see
     * {@link ServerRandom}; Hash_DRBG with SHA-256 unless the {@code securerandom.drbg.config} security property
     * says otherwise), which new objects and Query RNGs describe.
     */
    static SecureRandom randomFor(CryptoPolicy policy) {
        return ServerRandom.get();
    }

    /** This machine's name for syslog's HOSTNAME, or "-" when it has none. */
    private static String localHostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "-";
        }
    }

    /** The project version this server was built as. */
    public static String version() {
        Properties p = new Properties();
        try (InputStream in = ServerAssembly.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version", "unknown");
    }
}
