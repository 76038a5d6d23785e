package io.keyhold.server.ops.certificate;

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
        Objects.requireNonNull(random, "random");
        Issuing issuing = new Issuing(random);
        return List.of(
                new CertifyHandler(issuing),
                new ReCertifyHandler(issuing),
                new ValidateHandler(issuing),
                new CreateSplitKeyHandler(random),
                new JoinSplitKeyHandler());
    }
}
