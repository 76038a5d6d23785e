package io.keyhold.server.crypto.signature;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.Streams;
import java.security.MessageDigest;
import java.util.Optional;

/** Message digests for the Hash operation: SHA-1, SHA-2 and SHA-3 from the JDK. */
public final class Digests {

    /**
     * The hash a Hash request's Cryptographic Parameters name.
     *
     * @throws KmipException Missing Data without Cryptographic Parameters or Hashing Algorithm; Unsupported
     *                       Cryptographic Parameters for a hash not offered here
     */
    public static HashFunction parameters(Optional<TtlvItem> cryptographicParameters) throws KmipException {
        TtlvItem hash = cryptographicParameters.flatMap(p -> p.child(Tag.HASHING_ALGORITHM)).orElseThrow(() ->
                new KmipException(ResultReason.MISSING_DATA, "Hash needs Cryptographic Parameters with a Hashing Algorithm"));
        return HashFunction.of(hash.enumValue());
    }

    /** A digest stream: feed the data in parts, then finish once. */
    public DigestStream start(HashFunction hash) throws KmipException {
        return new DigestStream(hash.newDigest());
    }

    /** One digest over data given in parts; bound to no key. */
    public static final class DigestStream implements Streams.State {
        private final MessageDigest digest;

        DigestStream(MessageDigest digest) {
            this.digest = digest;
        }

        /** Hash streams have no key: the empty string. */
        @Override
        public String uniqueIdentifier() {
            return "";
        }

        public void update(byte[] data) {
            digest.update(data);
        }

        public byte[] finish() {
            return digest.digest();
        }
    }
}
