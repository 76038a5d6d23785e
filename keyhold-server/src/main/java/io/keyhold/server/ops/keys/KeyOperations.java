package io.keyhold.server.ops.keys;

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
        Objects.requireNonNull(random, "random");
        KeyPairs keyPairs = new KeyPairs(random);
        return List.of(
                new CreateKeyPairHandler(keyPairs),
                new ReKeyHandler(random),
                new ReKeyKeyPairHandler(keyPairs),
                new DeriveKeyHandler());
    }
}
