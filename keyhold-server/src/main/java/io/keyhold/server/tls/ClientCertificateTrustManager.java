package io.keyhold.server.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXCertPathChecker;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Accepts a client certificate chain that validates (PKIX) to one of the configured CA certificates and that
 * no configured CRL revokes ({@link RevocationLists}; the JDK's own revocation checking stays off, since it
 * would fetch CRLs and OCSP answers over the network and refuse every client when a CRL is stale). Unlike the JDK's default trust manager it does not insist on the clientAuth
 * extended key usage, which many KMIP client certificates lack, unless told to. Refuses to act for a
 * server's certificate: it only ever checks clients.
 */
final class ClientCertificateTrustManager extends X509ExtendedTrustManager {
    static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    static final String ANY_USAGE = "2.5.29.37.0";
    private static final String EXTENDED_KEY_USAGE = "2.5.29.37";

    private final List<X509Certificate> cas;
    private final Set<TrustAnchor> anchors = new HashSet<>();
    private final boolean requireClientAuthUsage;
    private final RevocationLists revocations;

    ClientCertificateTrustManager(List<X509Certificate> cas, boolean requireClientAuthUsage) {
        this(cas, requireClientAuthUsage, RevocationLists.none());
    }

    ClientCertificateTrustManager(List<X509Certificate> cas, boolean requireClientAuthUsage,
                                  RevocationLists revocations) {
        this.revocations = revocations;
        this.cas = List.copyOf(cas);
        for (X509Certificate ca : cas) {
            anchors.add(new TrustAnchor(ca, null));
        }
        this.requireClientAuthUsage = requireClientAuthUsage;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("this trust manager checks client certificates only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return cas.toArray(new X509Certificate[0]);
    }

    void verify(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("no client certificate");
        }
        // The path ends before the first certificate that is itself trusted (clients may send their root).
        List<Certificate> path = new ArrayList<>();
        path.add(chain[0]);
        for (int i = 1; i < chain.length && !cas.contains(chain[i]); i++) {
            path.add(chain[i]);
        }
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            params.addCertPathChecker(new ExtendedKeyUsageChecker());
            CertPathValidator.getInstance("PKIX").validate(certPath, params);
        } catch (CertPathValidatorException e) {
            throw new CertificateException("client certificate not trusted: " + e.getReason(), e);
        } catch (GeneralSecurityException e) {
            throw new CertificateException("client certificate not trusted", e);
        }
        for (Certificate c : path) {
            revocations.check((X509Certificate) c);
        }
        if (requireClientAuthUsage && !hasClientAuthUsage(chain[0])) {
            throw new CertificateException("client certificate lacks the clientAuth extended key usage");
        }
    }

    static boolean hasClientAuthUsage(X509Certificate cert) throws CertificateParsingException {
        List<String> usages = cert.getExtendedKeyUsage();
        return usages != null && (usages.contains(CLIENT_AUTH) || usages.contains(ANY_USAGE));
    }

    /** Marks a critical extended key usage as handled; its content is checked above when required. */
    private static final class ExtendedKeyUsageChecker extends PKIXCertPathChecker {
        @Override
        public void init(boolean forward) {
        }

        @Override
        public boolean isForwardCheckingSupported() {
            return true;
        }

        @Override
        public Set<String> getSupportedExtensions() {
            return Set.of(EXTENDED_KEY_USAGE);
        }

        @Override
        public void check(Certificate cert, Collection<String> unresolvedCritExts) {
            unresolvedCritExts.remove(EXTENDED_KEY_USAGE);
        }
    }
}
