package io.keyhold.server.ops.signature;

import io.keyhold.server.crypto.CryptoPolicy;
import io.keyhold.server.crypto.signature.Digests;
import io.keyhold.server.crypto.signature.Macs;
import io.keyhold.server.crypto.signature.Signatures;
import io.keyhold.server.ops.OperationHandler;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;

/** The handlers of Sign, Signature Verify, MAC, MAC Verify and Hash (KMIP 1.2-1.4, 2.0-2.1). */
public final class SignatureOperations {
    private SignatureOperations() {}

    /**
     * One handler per operation, ready to register with the dispatcher.
     *
     * @param random the randomness of ECDSA and RSASSA-PSS signatures
     */
    public static List<OperationHandler> handlers(SecureRandom random) {
        return handlers(random, CryptoPolicy.DEFAULT);
    }

    /**
     * One handler per operation, restricted to the algorithms and key sizes the policy allows.
     *
     * @param random the randomness of ECDSA and RSASSA-PSS signatures
     * @param policy the algorithms and key sizes allowed
     */
    public static List<OperationHandler> handlers(SecureRandom random, CryptoPolicy policy) {
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(policy, "policy");
        Signatures signatures = new Signatures(random);
        Macs macs = new Macs();
        return List.of(
                new SignHandler(signatures, policy),
                new SignatureVerifyHandler(signatures, policy),
                new MacHandler(macs, policy),
                new MacVerifyHandler(macs, policy),
                new HashHandler(new Digests(), policy));
    }
}
