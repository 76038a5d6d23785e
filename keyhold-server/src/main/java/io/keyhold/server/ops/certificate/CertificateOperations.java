package io.keyhold.server.ops.certificate;

import io.keyhold.server.crypto.CryptoPolicy;
import io.keyhold.server.ops.OperationHandler;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;

/**
 * The handlers of the certificate and split key operations: Certify, Re-certify and Validate (with the
 * server's own CA, see {@link CaObjects}), Create Split Key and Join Split Key.
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
}
