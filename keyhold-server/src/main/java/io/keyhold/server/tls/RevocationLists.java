package io.keyhold.server.tls;

import io.keyhold.server.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CRL;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate revocation lists of {@code tls.crls}: each must be signed by one of the trusted CA
 * certificates, which is checked once, when the files are read. A client certificate (or an intermediate
 * it presents) listed by the CRL of its issuer is refused. A CRL past its next update still applies, with a
 * warning when it is read: refusing every client because a CRL went stale would turn a late CRL into an
 * outage, and the file is re-read as soon as it is replaced. Issuers without a CRL are not checked.
 */
final class RevocationLists {
    private static final Logger log = LoggerFactory.getLogger(RevocationLists.class);
    private static final String SETTING = "tls.crls";

    private final List<X509CRL> crls;

    private RevocationLists(List<X509CRL> crls) {
        this.crls = List.copyOf(crls);
    }

    static RevocationLists none() {
        return new RevocationLists(List.of());
    }

    /** Reads every CRL (PEM or DER) in the files and verifies each against the CA certificates. */
    static RevocationLists load(List<Path> files, List<X509Certificate> cas) throws ConfigException {
        List<X509CRL> out = new ArrayList<>();
        for (Path file : files) {
            List<X509CRL> inFile = read(file);
            for (X509CRL crl : inFile) {
                verify(file, crl, cas);
                if (crl.getNextUpdate() != null && crl.getNextUpdate().before(new Date())) {
                    log.warn("tls.crls: the CRL of {} in {} was due to be replaced on {}; it still applies",
                            crl.getIssuerX500Principal().getName(), file, crl.getNextUpdate().toInstant());
                }
            }
            out.addAll(inFile);
        }
        return new RevocationLists(out);
    }

    private static List<X509CRL> read(Path file) throws ConfigException {
        List<X509CRL> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (CRL crl : CertificateFactory.getInstance("X.509").generateCRLs(in)) {
                out.add((X509CRL) crl);
            }
        } catch (IOException e) {
            throw new ConfigException(SETTING, "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        } catch (CRLException | CertificateException e) {
            throw new ConfigException(SETTING, file + " is not a valid PEM or DER certificate revocation list");
        }
        if (out.isEmpty()) {
            throw new ConfigException(SETTING, file + " holds no certificate revocation list");
        }
        return out;
    }

    private static void verify(Path file, X509CRL crl, List<X509Certificate> cas) throws ConfigException {
        boolean issuerKnown = false;
        for (X509Certificate ca : cas) {
            if (!ca.getSubjectX500Principal().equals(crl.getIssuerX500Principal())) {
                continue;
            }
            issuerKnown = true;
            try {
                crl.verify(ca.getPublicKey());
                return;
            } catch (GeneralSecurityException e) {
                // another CA certificate with the same subject (a renewed CA) may have signed it
            }
        }
        String issuer = crl.getIssuerX500Principal().getName();
        throw new ConfigException(SETTING, issuerKnown
                ? "the signature of the CRL in " + file + " does not verify with the certificate of " + issuer
                        + " in tls.trusted_cas"
                : "the CRL in " + file + " is issued by " + issuer + ", which is not in tls.trusted_cas");
    }

    int size() {
        return crls.size();
    }

    /** Refuses the certificate when the CRL of its issuer lists it. */
    void check(X509Certificate cert) throws CertificateException {
        for (X509CRL crl : crls) {
            if (!crl.getIssuerX500Principal().equals(cert.getIssuerX500Principal())) {
                continue;
            }
            X509CRLEntry entry = crl.getRevokedCertificate(cert);
            if (entry != null) {
                throw new CertificateException("certificate serial " + cert.getSerialNumber().toString(16)
                        + " issued by " + cert.getIssuerX500Principal().getName() + " was revoked on "
                        + entry.getRevocationDate().toInstant());
            }
        }
    }
}
