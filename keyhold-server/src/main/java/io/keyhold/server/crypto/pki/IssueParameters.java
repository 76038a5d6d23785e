package io.keyhold.server.crypto.pki;

import java.security.PublicKey;
import java.time.Instant;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;

/**
 * What a certificate the server's CA issues says: subject, public key and validity period. Validated on
 * construction.
 *
 * @param subject    the subject distinguished name, not empty
 * @param subjectKey the certified public key (RSA, EC, Ed25519 or Ed448, as the JDK reads them)
 * @param notBefore  start of validity
 * @param notAfter   end of validity, after notBefore
 */
public record IssueParameters(X500Principal subject, PublicKey subjectKey, Instant notBefore, Instant notAfter) {
    public IssueParameters {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(subjectKey, "subjectKey");
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(notAfter, "notAfter");
        if (subject.getEncoded().length <= 2) {
            throw new IllegalArgumentException("the certificate subject is empty");
        }
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("validity ends " + notAfter + " before it starts " + notBefore);
        }
    }
}
