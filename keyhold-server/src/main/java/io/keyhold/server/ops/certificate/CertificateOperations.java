package io.keyhold.server.ops.certificate;

import io.keyhold.server.auth.RetiredCredentials;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.crypto.CryptoPolicy;
import io.keyhold.server.ops.OperationHandler;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;

/**
 * The handlers of the certificate and split key operations: Certify, Re-certify and Validate (with the
 * server's own CA, see {@link CaObjects}), Create Split Key and Join Split Key; and Re-Provision, which needs
 * the TLS settings ({@link #reProvision}).
 */
public final class CertificateOperations {
    private CertificateOperations() {}

    /**
     * One handler per operation, ready to register with the dispatcher.
     *
     * @param random the source of CA keys, serial numbers, signatures and split key material
     */
    public static List<OperationHandler> handlers(SecureRandom random) {
        return handlers(random, CryptoPolicy.DEFAULT);
    }

    /**
     * One handler per operation, Create Split Key restricted to what the policy allows (the CA signs with
     * ECDSA P-256 and SHA-256, approved by FIPS 186-5).
     *
     * @param random the source of CA keys, serial numbers, signatures and split key material
     * @param policy the algorithms and key sizes allowed
     */
    public static List<OperationHandler> handlers(SecureRandom random, CryptoPolicy policy) {
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(policy, "policy");
        Issuing issuing = new Issuing(random);
        return List.of(
                new CertifyHandler(issuing),
                new ReCertifyHandler(issuing),
                new ValidateHandler(issuing),
                new CreateSplitKeyHandler(random, policy),
                new JoinSplitKeyHandler());
    }

    /**
     * The handler of Re-Provision (KMIP 2.1 section 6.1.48), for a server whose clients authenticate with the
     * TLS settings given: it checks new client certificates as the KMIP listener would, signs them with the
     * {@code reprovision} CA when one is configured, and records the replaced ones in {@code retired}, which
     * the dispatcher and the listeners must refuse from.
     */
    public static OperationHandler reProvision(ServerConfig.Tls tls, ServerConfig.ReProvision settings,
                                               RetiredCredentials retired, SecureRandom random, CryptoPolicy policy) {
        return new ReProvisionHandler(tls, settings, retired, random, policy);
    }
}
