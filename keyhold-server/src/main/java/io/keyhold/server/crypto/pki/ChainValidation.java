package io.keyhold.server.crypto.pki;

import io.keyhold.protocol.spec.ValidityIndicator;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Validates a certificate chain, leaf first, at a given time with the JDK's PKIX validator (revocation
 * checking off). The trust anchor is the chain's last certificate when that one is self-signed (its own
 * signature and validity period are checked too), else this server's CA certificate.
 *
 * <p>Valid: the chain verifies up to the anchor at that time. Invalid: a signature does not verify, a
 * certificate is outside its validity period, names do not chain, or a constraint fails. Unknown: the chain
 * ends with a certificate that is neither self-signed nor issued by this server's CA, so no anchor is
 * known to decide.
 */
public final class ChainValidation {
    private ChainValidation() {}

    public static ValidityIndicator validate(List<X509Certificate> chain, X509Certificate serverCa, Instant at) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("the chain is empty");
        }
        X509Certificate last = chain.get(chain.size() - 1);
        Date date = Date.from(at);
        X509Certificate anchor;
        List<X509Certificate> path;
        if (last.getSubjectX500Principal().equals(last.getIssuerX500Principal())) {
            try {
                last.verify(last.getPublicKey());
                last.checkValidity(date);
            } catch (GeneralSecurityException | RuntimeException e) {
                return ValidityIndicator.INVALID;
            }
            anchor = last;
            path = chain.subList(0, chain.size() - 1);
        } else if (last.getIssuerX500Principal().equals(serverCa.getSubjectX500Principal())) {
            anchor = serverCa;
            path = chain;
        } else {
            return ValidityIndicator.UNKNOWN;
        }
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
            params.setRevocationEnabled(false);
            params.setDate(date);
            CertPathValidator.getInstance("PKIX").validate(certPath, params);
            return ValidityIndicator.VALID;
        } catch (CertPathValidatorException e) {
            return ValidityIndicator.INVALID;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no PKIX validator", e);
        }
    }
}
