package io.keyhold.server.ops.signature;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.ValidityIndicator;
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
 * Signature Verify (KMIP 1.4 section 4.32, 2.1 section 6.1.51): verifies Signature Data over Data or Digested Data
 * with a Public Key that is Active, Deactivated or Compromised, past its Process Start Date, with Verify in its
 * usage mask. A signature that does not verify — tampered, truncated, malformed, made with another key or other
 * parameters — is Success with Validity Indicator Invalid; errors are for requests that cannot be answered
 * (missing Signature Data or Data, unusable key, contradictory or unsupported parameters). Parts before the last
 * of a multi-part request answer Validity Indicator Unknown. Signature recovery (Data in the response) is not
 * supported.
 */
final class SignatureVerifyHandler implements OperationHandler {
    private static final String STREAM = Operation.SIGNATURE_VERIFY.specName();
    private final Signatures signatures;

    private final CryptoPolicy policy;

    SignatureVerifyHandler(Signatures signatures, CryptoPolicy policy) {
        this.signatures = Objects.requireNonNull(signatures, "signatures");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** A verification in parts and the Signature Data if an earlier part brought it. */
    static final class VerifyStream implements Streams.State {
        final Signatures.Verifier verifier;
        byte[] signature;

        VerifyStream(Signatures.Verifier verifier) {
            this.verifier = verifier;
        }

        @Override
        public String uniqueIdentifier() {
            return verifier.uniqueIdentifier();
        }

        @Override
        public long bufferedBytes() {
            return verifier.bufferedBytes();
        }
    }

    @Override
    public Operation operation() {
        return Operation.SIGNATURE_VERIFY;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        Parts.Part part = Parts.part(payload);
        Streams streams = Streams.of(context.request().session());
        Optional<byte[]> signature = PayloadFields.bytes(payload, Tag.SIGNATURE_DATA);
        if (part.continues()) {
            VerifyStream stream = streams.resume(STREAM, part.correlation(), VerifyStream.class);
            try {
                Parts.streamKey(context, payload, stream, ObjectType.PUBLIC_KEY, KeyUse.Purpose.PROCESS, CryptographicUsageMask.VERIFY);
                if (payload.child(Tag.DIGESTED_DATA).isPresent()) {
                    throw new KmipException(ResultReason.INVALID_FIELD, "Digested Data cannot be sent in parts");
                }
                stream.verifier.update(Parts.data(payload, part));
                signature.ifPresent(s -> stream.signature = s);
                if (!part.fin()) {
                    return answer(stream.uniqueIdentifier(), ValidityIndicator.UNKNOWN, part.correlation());
                }
                byte[] sig = required(stream.signature);
                streams.finish(part.correlation());
                return answer(stream.uniqueIdentifier(), stream.verifier.verify(sig), null);
            } catch (KmipException e) {
                streams.finish(part.correlation());
                throw e;
            }
        }
        String uid = Parts.uid(context, payload);
        StoredObject key = Parts.key(context, uid, ObjectType.PUBLIC_KEY, KeyUse.Purpose.PROCESS, CryptographicUsageMask.VERIFY);
        policy.requireKey(key, CryptoPolicy.Use.VERIFY);
        Parts.requireHash(policy, Parts.parameters(payload));
        SignatureParameters parameters = SignatureParameters.resolve(Parts.parameters(payload), key);
        policy.requireSignature(parameters, false);
        Optional<byte[]> digest = PayloadFields.bytes(payload, Tag.DIGESTED_DATA);
        if (digest.isPresent()) {
            if (payload.child(Tag.DATA).isPresent() || part.starts()) {
                throw new KmipException(ResultReason.INVALID_FIELD, "Digested Data is verified alone: not with Data, not in parts");
            }
            return answer(uid, signatures.verifyDigest(key, parameters, digest.get(), required(signature.orElse(null))), null);
        }
        byte[] data = Parts.data(payload, part);
        if (!part.starts()) {
            byte[] sig = required(signature.orElse(null));
            Signatures.Verifier verifier = signatures.verifier(key, parameters);
            verifier.update(data);
            return answer(uid, verifier.verify(sig), null);
        }
        VerifyStream stream = new VerifyStream(signatures.verifier(key, parameters));
        stream.verifier.update(data);
        stream.signature = signature.orElse(null);
        return answer(uid, ValidityIndicator.UNKNOWN, streams.start(STREAM, stream));
    }

    private static byte[] required(byte[] signature) throws KmipException {
        if (signature == null) {
            throw new KmipException(ResultReason.MISSING_DATA, "Signature Data is missing");
        }
        return signature;
    }

    private static TtlvItem answer(String uid, ValidityIndicator validity, byte[] correlation) {
        return Parts.response(Parts.uidItem(uid), TtlvItem.enumeration(Tag.VALIDITY_INDICATOR, validity.value()),
                correlation == null ? null : Parts.correlationItem(correlation));
    }
}
