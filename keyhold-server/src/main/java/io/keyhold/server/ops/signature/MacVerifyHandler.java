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
import io.keyhold.server.crypto.signature.MacParameters;
import io.keyhold.server.crypto.signature.Macs;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.PayloadFields;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.store.StoredObject;
import java.util.Objects;
import java.util.Optional;

/**
 * MAC Verify (KMIP 1.4 section 4.34, 2.1 section 6.1.30): recomputes the MAC over Data and compares it with MAC
 * Data in constant time, with a Symmetric Key that is Active, Deactivated or Compromised, past its Process Start
 * Date, with MAC Verify in its usage mask. A MAC that does not match (any length) is Success with Validity
 * Indicator Invalid; missing MAC Data is Missing Data. Parts before the last answer Validity Indicator Unknown.
 */
final class MacVerifyHandler implements OperationHandler {
    private static final String STREAM = Operation.MAC_VERIFY.specName();
    private final Macs macs;

    private final CryptoPolicy policy;

    MacVerifyHandler(Macs macs, CryptoPolicy policy) {
        this.macs = Objects.requireNonNull(macs, "macs");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** A MAC verification in parts and the MAC Data if an earlier part brought it. */
    static final class VerifyStream implements Streams.State {
        final Macs.MacStream mac;
        byte[] expected;

        VerifyStream(Macs.MacStream mac) {
            this.mac = mac;
        }

        @Override
        public String uniqueIdentifier() {
            return mac.uniqueIdentifier();
        }
    }

    @Override
    public Operation operation() {
        return Operation.MAC_VERIFY;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        Parts.Part part = Parts.part(payload);
        Streams streams = Streams.of(context.request().session());
        Optional<byte[]> macData = PayloadFields.bytes(payload, Tag.MAC_DATA);
        if (part.continues()) {
            VerifyStream stream = streams.resume(STREAM, part.correlation(), VerifyStream.class);
            try {
                Parts.streamKey(context, payload, stream, ObjectType.SYMMETRIC_KEY, KeyUse.Purpose.PROCESS,
                        CryptographicUsageMask.MAC_VERIFY);
                stream.mac.update(Parts.data(payload, part));
                macData.ifPresent(m -> stream.expected = m);
                if (!part.fin()) {
                    return answer(stream.uniqueIdentifier(), ValidityIndicator.UNKNOWN, part.correlation());
                }
                byte[] expected = required(stream.expected);
                streams.finish(part.correlation());
                return answer(stream.uniqueIdentifier(), stream.mac.verify(expected), null);
            } catch (KmipException e) {
                streams.finish(part.correlation());
                throw e;
            }
        }
        String uid = Parts.uid(context, payload);
        StoredObject key = Parts.key(context, uid, ObjectType.SYMMETRIC_KEY, KeyUse.Purpose.PROCESS,
                CryptographicUsageMask.MAC_VERIFY);
        policy.requireKey(key, CryptoPolicy.Use.MAC_VERIFY);
        Parts.requireHash(policy, Parts.parameters(payload));
        MacParameters parameters = MacParameters.resolve(Parts.parameters(payload), key);
        policy.requireMac(parameters);
        Macs.MacStream mac = macs.start(key, parameters);
        mac.update(Parts.data(payload, part));
        if (!part.starts()) {
            return answer(uid, mac.verify(required(macData.orElse(null))), null);
        }
        VerifyStream stream = new VerifyStream(mac);
        stream.expected = macData.orElse(null);
        return answer(uid, ValidityIndicator.UNKNOWN, streams.start(STREAM, stream));
    }

    private static byte[] required(byte[] mac) throws KmipException {
        if (mac == null) {
            throw new KmipException(ResultReason.MISSING_DATA, "MAC Data is missing");
        }
        return mac;
    }

    private static TtlvItem answer(String uid, ValidityIndicator validity, byte[] correlation) {
        return Parts.response(Parts.uidItem(uid), TtlvItem.enumeration(Tag.VALIDITY_INDICATOR, validity.value()),
                correlation == null ? null : Parts.correlationItem(correlation));
    }
}
