package io.keyhold.server.tls;

import io.keyhold.server.auth.Identity;
import io.keyhold.server.auth.LinkCredential;
import io.keyhold.server.auth.RetiredCredentials;
import io.keyhold.server.config.ConfigException;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.dispatch.Failures;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.nio.file.Path;
import java.time.Duration;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of TLS: an {@link SslContext} (the JDK's TLS, or BoringSSL with {@code tls.provider:
 * openssl}) that requires a client certificate issued by one of the trusted CAs and not revoked by a
 * configured CRL, offers TLS 1.3 and 1.2 with the suites of the configured profile ({@link CipherSuites}),
 * does not need SNI and keeps sessions for resumption; and the rule that names the client from its
 * certificate.
 *
 * <p>Certificates rotate without a restart: {@link #reloadIfChanged()} (called every
 * {@code tls.reload_interval}) and {@link #reload()} (for an operator's explicit request) read the
 * certificate, key, CA and CRL files again and build a new context. New connections use the newest
 * context; connections already open keep the one they started with. A reload that fails keeps the
 * previous context and logs one line, so a half-written file never takes the listener down.
 */
public final class ServerTls {
    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

    /** What a reload did; {@code detail} is the one line that was logged. */
    public record Reload(Outcome outcome, String detail) {
        public enum Outcome {
            /** No file changed since the last read (only from {@link #reloadIfChanged()}). */
            UNCHANGED,
            /** The files were read and new connections use them. */
            RELOADED,
            /** A file could not be used; the previous context stays in use. */
            FAILED
        }
    }

    private final ServerConfig.Tls settings;
    private volatile SslContext context;
    private volatile SslContext httpsContext;
    private FileStamps stamps;
    private volatile RetiredCredentials retired;

    private ServerTls(ServerConfig.Tls settings, SslContext context, SslContext httpsContext, FileStamps stamps) {
        this.settings = settings;
        this.context = context;
        this.httpsContext = httpsContext;
        this.stamps = stamps;
    }

    /**
     * Reads the certificate, key, CA and CRL files and builds the context.
     *
     * @throws ConfigException naming the tls setting at fault: unreadable file, no certificate, key not
     *                         matching the certificate, expired certificate, CRL not from a trusted CA and so on
     */
    public static ServerTls create(ServerConfig.Tls tls) throws ConfigException {
        if (tls.profile() == ServerConfig.TlsProfile.COMPATIBILITY) {
            LegacySuites.enable();
        }
        FileStamps stamps = FileStamps.of(files(tls));
        Contexts built = build(tls);
        return new ServerTls(tls, built.kmip(), built.https(), stamps);
    }

    private static List<Path> files(ServerConfig.Tls tls) {
        List<Path> files = new ArrayList<>();
        files.add(tls.certificate());
        files.add(tls.privateKey());
        files.addAll(tls.trustedCas());
        files.addAll(tls.crls());
        return files;
    }

    /** The KMIP port's context (client certificate required) and the HTTPS one (requested), from one reading. */
    private record Contexts(SslContext kmip, SslContext https) {
    }

    /** Reads and checks the files once, then builds the KMIP and the HTTPS context from them. */
    private static Contexts build(ServerConfig.Tls tls) throws ConfigException {
        List<X509Certificate> chain = PemFiles.certificates(tls.certificate(), "tls.certificate");
        PrivateKey key = PemFiles.privateKey(tls.privateKey(), tls.privateKeyPassword(), "tls.private_key");
        if (!PemFiles.matches(key, chain.get(0).getPublicKey())) {
            throw new ConfigException("tls.private_key", tls.privateKey() + " does not belong to the certificate in "
                    + tls.certificate());
        }
        try {
            chain.get(0).checkValidity();
        } catch (java.security.cert.CertificateExpiredException e) {
            throw new ConfigException("tls.certificate", "the certificate in " + tls.certificate() + " expired on "
                    + chain.get(0).getNotAfter().toInstant() + ": renew it, or check this machine's clock");
        } catch (java.security.cert.CertificateNotYetValidException e) {
            throw new ConfigException("tls.certificate", "the certificate in " + tls.certificate()
                    + " is not valid before " + chain.get(0).getNotBefore().toInstant()
                    + ": check this machine's clock, or use a certificate valid now");
        }
        List<X509Certificate> cas = ClientCertificates.trustedCas(tls);
        RevocationLists revocations = RevocationLists.load(tls.crls(), cas);
        ClientCertificateTrustManager trust = new ClientCertificateTrustManager(cas, tls.requireClientAuthUsage(),
                revocations);
        return new Contexts(context(tls, key, chain, trust, ClientAuth.REQUIRE),
                context(tls, key, chain, trust, ClientAuth.OPTIONAL));
    }

    /**
     * Netty's provider for the configured implementation. OpenSSL here is BoringSSL, loaded from the jar's
     * native library the first time it is asked for; it offers the modern profile's suites only.
     */
    private static SslProvider provider(ServerConfig.Tls tls) throws ConfigException {
        if (tls.provider() == ServerConfig.TlsProvider.JDK) {
            return SslProvider.JDK;
        }
        if (tls.profile() != ServerConfig.TlsProfile.MODERN) {
            throw new ConfigException("tls.provider", ServerConfig.TlsProvider.OPENSSL_SERVES_MODERN_ONLY);
        }
        if (!OpenSsl.isAvailable()) {
            Throwable cause = OpenSsl.unavailabilityCause();
            throw new ConfigException("tls.provider", "openssl is not available on this platform ("
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch") + "; Keyhold ships BoringSSL"
                    + " for Linux x86-64 only)" + (cause == null ? "" : ": " + cause.getClass().getSimpleName())
                    + "; use tls.provider: jdk");
        }
        return SslProvider.OPENSSL;
    }

    private static SslContext context(ServerConfig.Tls tls, PrivateKey key, List<X509Certificate> chain,
                                      ClientCertificateTrustManager trust, ClientAuth clientAuth) throws ConfigException {
        try {
            return SslContextBuilder.forServer(key, chain)
                    .sslProvider(provider(tls))
                    .trustManager(trust)
                    .clientAuth(clientAuth)
                    .protocols(tls.protocols())
                    .ciphers(CipherSuites.offered(tls.profile()), SupportedCipherSuiteFilter.INSTANCE)
                    .sessionTimeout(tls.sessionTimeout().toSeconds())
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new ConfigException("tls", "cannot set up TLS with these files and options: " + e.getMessage());
        }
    }

    /** The context for a new connection: the one built from the files last read successfully. */
    public SslContext context() {
        return context;
    }

    /**
     * The context for a new HTTPS connection: the same files, suites and CAs, but a client certificate is only
     * requested (API tokens authenticate clients that present none).
     */
    public SslContext httpsContext() {
        return httpsContext;
    }

    /** The cipher suite profile (not reloaded: it comes from the configuration file). */
    public ServerConfig.TlsProfile profile() {
        return settings.profile();
    }

    /** The TLS implementation (not reloaded: it comes from the configuration file). */
    public ServerConfig.TlsProvider provider() {
        return settings.provider();
    }

    /** How often the files should be checked for changes; zero: never. */
    public Duration reloadInterval() {
        return settings.reloadInterval();
    }

    /** Reads the files again if any of them changed (modification time, size or inode) since the last read. */
    public synchronized Reload reloadIfChanged() {
        if (FileStamps.of(files(settings)).equals(stamps)) {
            return new Reload(Reload.Outcome.UNCHANGED, "the TLS files are unchanged");
        }
        return reload();
    }

    /** Reads the files again now, whether or not they changed. */
    public synchronized Reload reload() {
        FileStamps before = FileStamps.of(files(settings)); // a change while reading is seen next time
        stamps = before; // a broken file is reported once, not at every check until it is fixed
        try {
            Contexts built = build(settings);
            context = built.kmip();
            httpsContext = built.https();
        } catch (ConfigException e) {
            String line = "TLS reload failed, keeping the previous certificate, CAs and CRLs: " + e.getMessage();
            log.warn(line);
            return new Reload(Reload.Outcome.FAILED, line);
        } catch (RuntimeException e) {
            String line = "TLS reload failed, keeping the previous certificate, CAs and CRLs: "
                    + Failures.describe(e);
            log.warn(line);
            return new Reload(Reload.Outcome.FAILED, line);
        }
        String line = "TLS files reloaded from " + settings.certificate() + ", " + settings.trustedCas().size()
                + " CA file(s) and " + settings.crls().size() + " CRL file(s); new connections use them";
        log.info(line);
        return new Reload(Reload.Outcome.RELOADED, line);
    }

    /** The identity of the client of a completed handshake. */
    public Identity identity(SSLSession session) throws SSLPeerUnverifiedException {
        return ClientIdentities.of(session, settings.clientIdentity());
    }

    /** The client certificate chain of a completed handshake. */
    public static LinkCredential credential(SSLSession session) throws SSLPeerUnverifiedException {
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate c : session.getPeerCertificates()) {
            if (!(c instanceof X509Certificate x)) {
                throw new SSLPeerUnverifiedException("the client presented a certificate that is not X.509");
            }
            chain.add(x);
        }
        if (chain.isEmpty()) {
            throw new SSLPeerUnverifiedException("no X.509 client certificate");
        }
        return LinkCredential.of(chain);
    }

    /** The certificates Re-Provision replaced, which the listeners refuse; until set, none are. */
    public void retiredCredentials(RetiredCredentials retired) {
        this.retired = retired;
    }

    /**
     * Why the listeners should refuse this certificate at the handshake, if they should: Re-Provision
     * replaced it and its time to fetch the replacement is over. Reads memory only.
     */
    public Optional<String> refusal(LinkCredential credential) {
        RetiredCredentials r = retired;
        return r != null && r.refusedAtHandshake(credential)
                ? Optional.of("its certificate (SHA-256 " + credential.fingerprint() + ") was replaced by Re-Provision")
                : Optional.empty();
    }

    /** Whether Re-Provision replaced this certificate (whether or not it may still fetch its replacement). */
    public boolean replaced(LinkCredential credential) {
        RetiredCredentials r = retired;
        return r != null && r.find(credential).isPresent();
    }
}
