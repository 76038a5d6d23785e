package io.keyhold.server.tls;

import io.keyhold.server.auth.Identity;
import io.keyhold.server.config.ConfigException;
import io.keyhold.server.config.ServerConfig;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The rules the KMIP listener applies to a client certificate, for a certificate that has not been presented
 * in a handshake yet (Re-Provision's new credential): the chain must validate to {@code tls.trusted_cas},
 * no {@code tls.crls} may revoke it, it must carry the clientAuth usage when
 * {@code tls.require_client_auth_usage} asks for it, and {@code tls.client_identity} must name exactly one
 * identity in it. Read from the files as they are now, so a CA file replaced since start-up counts.
 */
public final class ClientCertificates {
    private final ClientCertificateTrustManager trust;
    private final List<X509Certificate> cas;
    private final ServerConfig.ClientIdentity mode;

    private ClientCertificates(ClientCertificateTrustManager trust, List<X509Certificate> cas,
                               ServerConfig.ClientIdentity mode) {
        this.trust = trust;
        this.cas = List.copyOf(cas);
        this.mode = mode;
    }

    /** Reads the trusted CA and CRL files of the TLS settings. */
    public static ClientCertificates load(ServerConfig.Tls tls) throws ConfigException {
        List<X509Certificate> cas = trustedCas(tls);
        RevocationLists revocations = RevocationLists.load(tls.crls(), cas);
        return new ClientCertificates(new ClientCertificateTrustManager(cas, tls.requireClientAuthUsage(), revocations),
                cas, tls.clientIdentity());
    }

    static List<X509Certificate> trustedCas(ServerConfig.Tls tls) throws ConfigException {
        List<X509Certificate> cas = new ArrayList<>();
        for (var file : tls.trustedCas()) {
            cas.addAll(PemFiles.certificates(file, "tls.trusted_cas"));
        }
        if (cas.isEmpty()) {
            throw new ConfigException("tls.trusted_cas", "no CA certificate configured");
        }
        return cas;
    }

    /**
     * Checks the chain (the client's certificate first) as a handshake would.
     *
     * @throws CertificateException saying why the TLS listener would refuse it
     */
    public void verify(List<X509Certificate> chain) throws CertificateException {
        trust.verify(chain.toArray(new X509Certificate[0]));
    }

    /**
     * The identity the certificate names under {@code tls.client_identity}.
     *
     * @throws SSLPeerUnverifiedException when it names none, or several
     */
    public Identity identity(X509Certificate certificate) throws SSLPeerUnverifiedException {
        return ClientIdentities.of(certificate, mode);
    }

    /** Whether this certificate is one of {@code tls.trusted_cas}. */
    public boolean trusts(X509Certificate ca) {
        return cas.contains(ca);
    }
}
