package io.keyhold.server.ops.cipher;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.PayloadFields;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import java.security.SecureRandom;

/**
 * RNG Seed (KMIP 1.4 section 4.36, 2.1 section 6.1.45): mixes the client's Data into the server's generator
 * ({@link SecureRandom#setSeed(byte[])} supplements, never replaces, its entropy) and answers the Data Length
 * accepted. Empty Data or more than {@link #MAX_BYTES} is Invalid Field.
 */
final class RngSeedHandler implements OperationHandler {
    static final int MAX_BYTES = 1024 * 1024;
    private final SecureRandom random;

    RngSeedHandler(SecureRandom random) {
        this.random = random;
    }

    @Override
    public Operation operation() {
        return Operation.RNG_SEED;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        byte[] data = PayloadFields.optional(payload, Tag.DATA, ItemType.BYTE_STRING)
                .orElseThrow(() -> new KmipException(ResultReason.MISSING_DATA, "Data is missing")).bytesValue();
        if (data.length < 1 || data.length > MAX_BYTES) {
            throw new KmipException(ResultReason.INVALID_FIELD, "Data of " + data.length + " bytes (expected: 1 to " + MAX_BYTES + ")");
        }
        random.setSeed(data);
        return TtlvItem.structure(Tag.RESPONSE_PAYLOAD, TtlvItem.integer(Tag.DATA_LENGTH, data.length));
    }
}
