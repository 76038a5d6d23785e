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
 * RNG Retrieve (KMIP 1.4 section 4.35, 2.1 section 6.1.44): Data Length random bytes from the server's
 * generator, at most {@link #MAX_BYTES} per request (more, or fewer than 1, is Invalid Field).
 */
final class RngRetrieveHandler implements OperationHandler {
    static final int MAX_BYTES = 1024 * 1024;
    private final SecureRandom random;

    RngRetrieveHandler(SecureRandom random) {
        this.random = random;
    }

    @Override
    public Operation operation() {
        return Operation.RNG_RETRIEVE;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        int length = PayloadFields.optional(payload, Tag.DATA_LENGTH, ItemType.INTEGER)
                .orElseThrow(() -> new KmipException(ResultReason.MISSING_DATA, "Data Length is missing")).intValue();
        if (length < 1 || length > MAX_BYTES) {
            throw new KmipException(ResultReason.INVALID_FIELD, "Data Length " + length + " (expected: 1 to " + MAX_BYTES + ")");
        }
        byte[] data = new byte[length];
        random.nextBytes(data);
        return TtlvItem.structure(Tag.RESPONSE_PAYLOAD, TtlvItem.bytes(Tag.DATA, data));
    }
}
