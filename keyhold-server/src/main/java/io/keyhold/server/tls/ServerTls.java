package io.keyhold.server.tls;

import io.keyhold.server.auth.Identity;
import io.keyhold.server.config.ConfigException;
import io.keyhold.server.config.ServerConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The server side of TLS: an {@link SslContext} (JDK provider) that requires a client certificate issued by
 * one of the trusted CAs, offers TLS 1.3 and 1.2 with the suites of {@link CipherSuites}, does not need SNI
 * and keeps sessions for resumption; and the rule that names the client from its certificate.
 */
public final class ServerTls {
    private final SslContext context;
    private final ServerConfig.ClientIdentity identityMode;

    private ServerTls(SslContext context, ServerConfig.ClientIdentity identityMode) {
        this.context = context;
        this.identityMode = identityMode;
    }

    /**
     * Reads the certificate, key and CA files and builds the context.
     *
     * @throws ConfigException naming the tls setting at fault: unreadable file, no certificate, key not
     *                         matching the certificate, expired certificate and so on
     */
    public static ServerTls create(ServerConfig.Tls tls) throws ConfigException {
        if (tls.legacyCipherSuites()) {
            LegacySuites.enable();
        }
        List<X509Certificate> chain = PemFiles.certificates(tls.certificate(), "tls.certificate");
        PrivateKey key = PemFiles.privateKey(tls.privateKey(), tls.privateKeyPassword(), "tls.private_key");
        if (!PemFiles.matches(key, chain.get(0).getPublicKey())) {
            throw new ConfigException("tls.private_key", tls.privateKey() + " does not belong to the certificate in "
                    + tls.certificate());
        }
        try {
            chain.get(0).checkValidity();
        } catch (java.security.cert.CertificateException e) {
            throw new ConfigException("tls.certificate", "the certificate in " + tls.certificate()
                    + " is expired or not yet valid (valid " + chain.get(0).getNotBefore() + " to "
                    + chain.get(0).getNotAfter() + ")");
        }
        List<X509Certificate> cas = new ArrayList<>();
        for (var file : tls.trustedCas()) {
            cas.addAll(PemFiles.certificates(file, "tls.trusted_cas"));
        }
        if (cas.isEmpty()) {
            throw new ConfigException("tls.trusted_cas", "no CA certificate configured");
        }
        try {
            SslContext context = SslContextBuilder.forServer(key, chain)
                    .sslProvider(SslProvider.JDK)
                    .trustManager(new ClientCertificateTrustManager(cas, tls.requireClientAuthUsage()))
                    .clientAuth(ClientAuth.REQUIRE)
                    .protocols(tls.protocols())
                    .ciphers(CipherSuites.offered(tls.legacyCipherSuites()), SupportedCipherSuiteFilter.INSTANCE)
                    .sessionTimeout(tls.sessionTimeout().toSeconds())
                    .build();
            return new ServerTls(context, tls.clientIdentity());
        } catch (SSLException | IllegalArgumentException e) {
            throw new ConfigException("tls", "cannot set up TLS with these files and options: " + e.getMessage());
        }
    }

    public SslContext context() {
        return context;
    }

    /** The identity of the client of a completed handshake. */
    public Identity identity(SSLSession session) throws SSLPeerUnverifiedException {
        return ClientIdentities.of(session, identityMode);
    }
}
