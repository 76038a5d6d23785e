package io.keyhold.server.ops.signature;

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
        Objects.requireNonNull(random, "random");
        Signatures signatures = new Signatures(random);
        Macs macs = new Macs();
        return List.of(
                new SignHandler(signatures),
                new SignatureVerifyHandler(signatures),
                new MacHandler(macs),
                new MacVerifyHandler(macs),
                new HashHandler(new Digests()));
    }
}
