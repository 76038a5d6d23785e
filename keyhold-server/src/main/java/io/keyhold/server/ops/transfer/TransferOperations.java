package io.keyhold.server.ops.transfer;

import io.keyhold.server.crypto.CryptoPolicy;
import io.keyhold.server.crypto.wrap.KeyWrapping;
import io.keyhold.server.ops.OperationHandler;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;

/** The handlers of Import and Export (KMIP 1.4 and 2.x). */
public final class TransferOperations {
    private TransferOperations() {}

    /**
     * One handler per operation, ready to register with the dispatcher.
     *
     * @param random the source of AES-GCM wrapping IVs
     */
    public static List<OperationHandler> handlers(SecureRandom random) {
        return handlers(random, CryptoPolicy.DEFAULT);
    }

    /**
     * One handler per operation, the wrapping keys restricted to what the policy allows.
     *
     * @param random the source of AES-GCM wrapping IVs
     * @param policy the algorithms and key sizes allowed
     */
    public static List<OperationHandler> handlers(SecureRandom random, CryptoPolicy policy) {
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(policy, "policy");
        KeyWrapping wrapping = new KeyWrapping(random, policy);
        return List.of(new ImportHandler(wrapping), new ExportHandler(new KeyPresentation(wrapping)));
    }
}
