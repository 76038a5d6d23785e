package io.keyhold.server.auth;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A client's link-level credential (KMIP 2.1 section 6.1.48): the TLS client certificate it authenticated
 * with, as the chain it presented (its own certificate first), and the SHA-256 of that certificate's DER
 * encoding, by which Re-Provision retires it ({@link RetiredCredentials}).
 *
 * @param chain       the presented chain, the client's certificate first; never empty
 * @param fingerprint SHA-256 of the client certificate's DER encoding, lowercase hex
 */
public record LinkCredential(List<X509Certificate> chain, String fingerprint) {
    public LinkCredential {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a link credential needs a certificate");
        }
        Objects.requireNonNull(fingerprint, "fingerprint");
    }

    /** The credential of this chain (the client's certificate first). */
    public static LinkCredential of(List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a link credential needs a certificate");
        }
        return new LinkCredential(chain, fingerprint(chain.get(0)));
    }

    /** The client's own certificate. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** SHA-256 of the certificate's DER encoding, lowercase hex. */
    public static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("the certificate cannot be encoded", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "LinkCredential[" + certificate().getSubjectX500Principal().getName() + ", sha256=" + fingerprint + "]";
    }
}
