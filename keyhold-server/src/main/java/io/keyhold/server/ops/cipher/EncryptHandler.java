package io.keyhold.server.ops.cipher;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.CryptoPolicy;
import io.keyhold.server.crypto.cipher.Ciphers;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;

/**
 * Encrypt (KMIP 1.4 section 4.29, 2.1 section 6.1.19), one-shot or multi-part. The key must be Active with
 * the Encrypt usage bit. Without Cryptographic Parameters the key's Cryptographic Parameters attribute
 * applies, else AES-CBC with PKCS5 padding; an IV the client does not send is drawn by the server and
 * returned in IV/Counter/Nonce. Not supported: XTS and the CTR counter-construction fields (see
 * {@link io.keyhold.server.crypto.cipher.CipherParameters}).
 */
final class EncryptHandler implements OperationHandler {
    private final CipherOperation flow;

    EncryptHandler(Ciphers ciphers, CryptoPolicy policy) {
        this.flow = new CipherOperation(ciphers, policy, true);
    }

    @Override
    public Operation operation() {
        return Operation.ENCRYPT;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        return flow.handle(context, payload);
    }
}
