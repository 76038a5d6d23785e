package io.keyhold.server.ops.signature;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.CryptoPolicy;
import io.keyhold.server.crypto.KeyUse;
import io.keyhold.server.crypto.Streams;
import io.keyhold.server.crypto.signature.SignatureParameters;
import io.keyhold.server.crypto.signature.Signatures;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.PayloadFields;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.store.StoredObject;
import java.util.Objects;
import java.util.Optional;

/**
 * Sign (KMIP 1.4 section 4.31, 2.1 section 6.1.50): signs Data, or a client-computed Digested Data (1.4+), with an
 * Active Private Key whose usage mask has Sign and whose Protect Stop Date has not passed. Parameters come from
 * the request's Cryptographic Parameters or the key's attribute (see {@link SignatureParameters}). Multi-part with
 * Init Indicator / Correlation Value / Final Indicator on one connection. Signature recovery is not supported.
 */
final class SignHandler implements OperationHandler {
    private static final String STREAM = Operation.SIGN.specName();
    private final Signatures signatures;

    private final CryptoPolicy policy;

    SignHandler(Signatures signatures, CryptoPolicy policy) {
        this.signatures = Objects.requireNonNull(signatures, "signatures");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    @Override
    public Operation operation() {
        return Operation.SIGN;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        Parts.Part part = Parts.part(payload);
        Streams streams = Streams.of(context.request().session());
        if (part.continues()) {
            Signatures.Signer signer = streams.resume(STREAM, part.correlation(), Signatures.Signer.class);
            try {
                Parts.streamKey(context, payload, signer, ObjectType.PRIVATE_KEY, KeyUse.Purpose.PROTECT, CryptographicUsageMask.SIGN);
                if (payload.child(Tag.DIGESTED_DATA).isPresent()) {
                    throw new KmipException(ResultReason.INVALID_FIELD, "Digested Data cannot be sent in parts");
                }
                signer.update(Parts.data(payload, part));
                if (!part.fin()) {
                    return Parts.response(Parts.uidItem(signer.uniqueIdentifier()), Parts.correlationItem(part.correlation()));
                }
                byte[] signature = signer.sign();
                streams.finish(part.correlation());
                return Parts.response(Parts.uidItem(signer.uniqueIdentifier()), TtlvItem.bytes(Tag.SIGNATURE_DATA, signature));
            } catch (KmipException e) {
                streams.finish(part.correlation());
                throw e;
            }
        }
        String uid = Parts.uid(context, payload);
        StoredObject key = Parts.key(context, uid, ObjectType.PRIVATE_KEY, KeyUse.Purpose.PROTECT, CryptographicUsageMask.SIGN);
        policy.requireKey(key, CryptoPolicy.Use.SIGN);
        Parts.requireHash(policy, Parts.parameters(payload));
        SignatureParameters parameters = SignatureParameters.resolve(Parts.parameters(payload), key);
        policy.requireSignature(parameters, true);
        Optional<byte[]> digest = PayloadFields.bytes(payload, Tag.DIGESTED_DATA);
        if (digest.isPresent()) {
            if (payload.child(Tag.DATA).isPresent() || part.starts()) {
                throw new KmipException(ResultReason.INVALID_FIELD, "Digested Data is signed alone: not with Data, not in parts");
            }
            return Parts.response(Parts.uidItem(uid), TtlvItem.bytes(Tag.SIGNATURE_DATA,
                    signatures.signDigest(key, parameters, digest.get())));
        }
        Signatures.Signer signer = signatures.signer(key, parameters);
        signer.update(Parts.data(payload, part));
        if (part.starts()) {
            return Parts.response(Parts.uidItem(uid), Parts.correlationItem(streams.start(STREAM, signer)));
        }
        return Parts.response(Parts.uidItem(uid), TtlvItem.bytes(Tag.SIGNATURE_DATA, signer.sign()));
    }
}
