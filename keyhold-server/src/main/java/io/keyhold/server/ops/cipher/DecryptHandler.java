package io.keyhold.server.ops.cipher;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.CryptoPolicy;
import io.keyhold.server.crypto.cipher.Ciphers;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;

/**
 * Decrypt (KMIP 1.4 section 4.30, 2.1 section 6.1.14), one-shot or multi-part. The key must be Active,
 * Deactivated or Compromised with the Decrypt usage bit. GCM and ChaCha20-Poly1305 need the
 * Authenticated Encryption Tag (in the last part of a stream); a stream of them returns plaintext only in
 * its last response, after the tag has been verified, and holds at most 16 MiB until then. A wrong tag,
 * wrong key or truncated ciphertext is Cryptographic Failure.
 */
final class DecryptHandler implements OperationHandler {
    private final CipherOperation flow;

    DecryptHandler(Ciphers ciphers, CryptoPolicy policy) {
        this.flow = new CipherOperation(ciphers, policy, false);
    }

    @Override
    public Operation operation() {
        return Operation.DECRYPT;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        return flow.handle(context, payload);
    }
}
