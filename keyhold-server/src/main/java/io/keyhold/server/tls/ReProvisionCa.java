package io.keyhold.server.tls;

import io.keyhold.server.config.ConfigException;
import io.keyhold.server.config.ServerConfig;
import java.security.PrivateKey;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The CA that signs the client certificates Re-Provision issues ({@code reprovision.ca_certificate} and
 * {@code reprovision.ca_private_key}). It must be one of {@code tls.trusted_cas}, or the certificates it
 * issued would be refused at the next handshake; its key must belong to it, and it must be valid now.
 *
 * @param certificate the CA certificate
 * @param privateKey  its private key
 */
public record ReProvisionCa(X509Certificate certificate, PrivateKey privateKey) {
    public ReProvisionCa {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
    }

    /**
     * Reads and checks the configured CA; empty when none is configured.
     *
     * @throws ConfigException naming the setting at fault
     */
    public static Optional<ReProvisionCa> load(ServerConfig.Tls tls, ServerConfig.ReProvision settings)
            throws ConfigException {
        return settings.issues() ? load(settings, ClientCertificates.load(tls)) : Optional.empty();
    }

    /**
     * As {@link #load(ServerConfig.Tls, ServerConfig.ReProvision)}, checking the CA against the client
     * certificate rules already read.
     */
    public static Optional<ReProvisionCa> load(ServerConfig.ReProvision settings, ClientCertificates rules)
            throws ConfigException {
        if (!settings.issues()) {
            return Optional.empty();
        }
        List<X509Certificate> certificates = PemFiles.certificates(settings.caCertificate(),
                "reprovision.ca_certificate");
        X509Certificate ca = certificates.get(0);
        PrivateKey key = PemFiles.privateKey(settings.caPrivateKey(), settings.caPrivateKeyPassword(),
                "reprovision.ca_private_key");
        if (!PemFiles.matches(key, ca.getPublicKey())) {
            throw new ConfigException("reprovision.ca_private_key", settings.caPrivateKey()
                    + " does not belong to the certificate in " + settings.caCertificate());
        }
        if (!rules.trusts(ca)) {
            throw new ConfigException("reprovision.ca_certificate", "the certificate in " + settings.caCertificate()
                    + " is not one of tls.trusted_cas: the client certificates it issued would be refused");
        }
        if (ca.getBasicConstraints() < 0) {
            throw new ConfigException("reprovision.ca_certificate", "the certificate in " + settings.caCertificate()
                    + " is not a CA certificate (its basic constraints do not allow it to sign certificates)");
        }
        try {
            ca.checkValidity();
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw new ConfigException("reprovision.ca_certificate", "the certificate in " + settings.caCertificate()
                    + " is not valid now (valid from " + ca.getNotBefore().toInstant() + " to "
                    + ca.getNotAfter().toInstant() + ")");
        }
        return Optional.of(new ReProvisionCa(ca, key));
    }

    @Override
    public String toString() {
        return "ReProvisionCa[" + certificate.getSubjectX500Principal().getName() + "]";
    }
}
