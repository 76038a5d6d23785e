package io.keyhold.server.ops.signature;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.CryptoPolicy;
import io.keyhold.server.crypto.Streams;
import io.keyhold.server.crypto.signature.Digests;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import java.util.Objects;

/**
 * Hash (KMIP 1.4 section 4.37, 2.1 section 6.1.25; in the protocol since 1.2, which the dispatcher enforces):
 * the SHA-1, SHA-2 or SHA-3 digest of Data, single or multi-part. The keyed form (Hash with a Unique Identifier,
 * i.e. an HMAC) is not supported: use MAC.
 */
final class HashHandler implements OperationHandler {
    private static final String STREAM = Operation.HASH.specName();
    private final Digests digests;

    private final CryptoPolicy policy;

    HashHandler(Digests digests, CryptoPolicy policy) {
        this.digests = Objects.requireNonNull(digests, "digests");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    @Override
    public Operation operation() {
        return Operation.HASH;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        Parts.Part part = Parts.part(payload);
        Streams streams = Streams.of(context.request().session());
        Digests.DigestStream stream;
        if (part.continues()) {
            stream = streams.resume(STREAM, part.correlation(), Digests.DigestStream.class);
        } else {
            Parts.requireHash(policy, Parts.parameters(payload));
            stream = digests.start(Digests.parameters(Parts.parameters(payload)));
        }
        stream.update(Parts.data(payload, part));
        if (part.starts()) {
            return Parts.response(Parts.correlationItem(streams.start(STREAM, stream)));
        }
        if (part.continues() && !part.fin()) {
            return Parts.response(Parts.correlationItem(part.correlation()));
        }
        if (part.continues()) {
            streams.finish(part.correlation());
        }
        return Parts.response(TtlvItem.bytes(Tag.DATA, stream.finish()));
    }
}
