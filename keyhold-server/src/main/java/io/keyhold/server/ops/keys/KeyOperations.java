package io.keyhold.server.ops.keys;

import io.keyhold.server.crypto.CryptoPolicy;
import io.keyhold.server.crypto.ServerRandom;
import io.keyhold.server.crypto.keygen.KeyPairs;
import io.keyhold.server.ops.OperationHandler;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;

/** The handlers of the key operations: Create Key Pair, Re-key, Re-key Key Pair and Derive Key. */
public final class KeyOperations {
    private KeyOperations() {}

    /**
     * One handler per operation, ready to register with the dispatcher.
     *
     * @param random the source of new key material
     */
    public static List<OperationHandler> handlers(SecureRandom random) {
        return handlers(random, CryptoPolicy.DEFAULT);
    }

    /**
     * One handler per operation, restricted to the algorithms and key sizes the policy allows.
     *
     * @param random the source of new key material
     * @param policy the algorithms and key sizes allowed
     */
    public static List<OperationHandler> handlers(SecureRandom random, CryptoPolicy policy) {
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(policy, "policy");
        KeyPairs keyPairs = new KeyPairs(random);
        return List.of(
                new CreateKeyPairHandler(keyPairs, policy, ServerRandom.describe(random)),
                new ReKeyHandler(random, policy),
                new ReKeyKeyPairHandler(keyPairs, policy, ServerRandom.describe(random)),
                new DeriveKeyHandler(policy));
    }
}
