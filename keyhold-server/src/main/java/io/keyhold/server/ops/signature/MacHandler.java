package io.keyhold.server.ops.signature;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.CryptoPolicy;
import io.keyhold.server.crypto.KeyUse;
import io.keyhold.server.crypto.Streams;
import io.keyhold.server.crypto.signature.MacParameters;
import io.keyhold.server.crypto.signature.Macs;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.store.StoredObject;
import java.util.Objects;

/**
 * MAC (KMIP 1.4 section 4.33, 2.1 section 6.1.29): HMAC or AES-CMAC (see {@link MacParameters}) over Data with an
 * Active Symmetric Key whose usage mask has MAC Generate and whose Protect Stop Date has not passed; single or
 * multi-part.
 */
final class MacHandler implements OperationHandler {
    private static final String STREAM = Operation.MAC.specName();
    private final Macs macs;

    private final CryptoPolicy policy;

    MacHandler(Macs macs, CryptoPolicy policy) {
        this.macs = Objects.requireNonNull(macs, "macs");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    @Override
    public Operation operation() {
        return Operation.MAC;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        Parts.Part part = Parts.part(payload);
        Streams streams = Streams.of(context.request().session());
        if (part.continues()) {
            Macs.MacStream stream = streams.resume(STREAM, part.correlation(), Macs.MacStream.class);
            try {
                Parts.streamKey(context, payload, stream, ObjectType.SYMMETRIC_KEY, KeyUse.Purpose.PROTECT,
                        CryptographicUsageMask.MAC_GENERATE);
                stream.update(Parts.data(payload, part));
            } catch (KmipException e) {
                streams.finish(part.correlation());
                throw e;
            }
            if (!part.fin()) {
                return Parts.response(Parts.uidItem(stream.uniqueIdentifier()), Parts.correlationItem(part.correlation()));
            }
            byte[] mac = stream.finish();
            streams.finish(part.correlation());
            return Parts.response(Parts.uidItem(stream.uniqueIdentifier()), TtlvItem.bytes(Tag.MAC_DATA, mac));
        }
        String uid = Parts.uid(context, payload);
        StoredObject key = Parts.key(context, uid, ObjectType.SYMMETRIC_KEY, KeyUse.Purpose.PROTECT,
                CryptographicUsageMask.MAC_GENERATE);
        policy.requireKey(key, CryptoPolicy.Use.MAC);
        Parts.requireHash(policy, Parts.parameters(payload));
        MacParameters parameters = MacParameters.resolve(Parts.parameters(payload), key);
        policy.requireMac(parameters);
        Macs.MacStream stream = macs.start(key, parameters);
        stream.update(Parts.data(payload, part));
        if (part.starts()) {
            return Parts.response(Parts.uidItem(uid), Parts.correlationItem(streams.start(STREAM, stream)));
        }
        return Parts.response(Parts.uidItem(uid), TtlvItem.bytes(Tag.MAC_DATA, stream.finish()));
    }
}
