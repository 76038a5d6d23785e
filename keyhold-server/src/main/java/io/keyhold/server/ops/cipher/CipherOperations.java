package io.keyhold.server.ops.cipher;

import io.keyhold.server.crypto.CryptoPolicy;
import io.keyhold.server.crypto.cipher.Ciphers;
import io.keyhold.server.ops.OperationHandler;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;

/** The handlers of Encrypt, Decrypt, RNG Retrieve and RNG Seed. */
public final class CipherOperations {
    private CipherOperations() {}

    /**
     * One handler per operation, ready to register with the dispatcher.
     *
     * @param random the server's generator: IVs, RNG Retrieve, and what RNG Seed mixes into
     */
    public static List<OperationHandler> handlers(SecureRandom random) {
        return handlers(random, CryptoPolicy.DEFAULT);
    }

    /**
     * One handler per operation, Encrypt and Decrypt restricted to what the policy allows.
     *
     * @param random the server's generator: IVs, RNG Retrieve, and what RNG Seed mixes into
     * @param policy the algorithms and key sizes allowed
     */
    public static List<OperationHandler> handlers(SecureRandom random, CryptoPolicy policy) {
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(policy, "policy");
        Ciphers ciphers = new Ciphers(random);
        return List.of(new EncryptHandler(ciphers, policy), new DecryptHandler(ciphers, policy), new RngRetrieveHandler(random),
                new RngSeedHandler(random));
    }
}
