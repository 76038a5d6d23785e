package io.keyhold.server.crypto.signature;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ValidityIndicator;
import io.keyhold.server.crypto.KeyMaterial;
import io.keyhold.server.crypto.Streams;
import io.keyhold.server.store.StoredObject;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import javax.crypto.Mac;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Message authentication codes with stored symmetric keys: HMAC (JDK) and AES-CMAC (the JDK's when it has one,
 * else BouncyCastle's, as an explicit provider instance). Verification compares in constant time and answers a
 * {@link ValidityIndicator}.
 */
public final class Macs {
    private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

    /** A MAC stream over the key: feed the message in parts, then finish or verify once. */
    public MacStream start(StoredObject key, MacParameters parameters) throws KmipException {
        String name = parameters.cmac() ? "AESCMAC" : "Hmac" + parameters.hash().jcaShort;
        Mac mac = instance(name, parameters);
        try {
            mac.init(KeyMaterial.secretKey(key, parameters.cmac() ? "AES" : name));
        } catch (InvalidKeyException | IllegalArgumentException e) {
            throw new KmipException(ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS, "the key cannot be used for " + parameters
                    + (parameters.cmac() ? " (AES-CMAC needs a 128, 192 or 256-bit key)" : " (the key is empty)"));
        }
        return new MacStream(key.uniqueIdentifier(), mac);
    }

    private static Mac instance(String name, MacParameters parameters) throws KmipException {
        try {
            return Mac.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            try {
                return Mac.getInstance(name, BOUNCY_CASTLE);
            } catch (NoSuchAlgorithmException e2) {
                throw new KmipException(ResultReason.UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS, parameters + " is not available on this server");
            }
        }
    }

    /** One MAC computation over a message given in parts. */
    public static final class MacStream implements Streams.State {
        private final String uniqueIdentifier;
        private final Mac mac;

        MacStream(String uniqueIdentifier, Mac mac) {
            this.uniqueIdentifier = uniqueIdentifier;
            this.mac = mac;
        }

        @Override
        public String uniqueIdentifier() {
            return uniqueIdentifier;
        }

        public void update(byte[] data) {
            mac.update(data);
        }

        /** The MAC of everything given to {@link #update}. */
        public byte[] finish() {
            return mac.doFinal();
        }

        /** Valid when the given MAC equals the computed one (constant-time comparison); Invalid otherwise. */
        public ValidityIndicator verify(byte[] expected) {
            return MessageDigest.isEqual(mac.doFinal(), expected) ? ValidityIndicator.VALID : ValidityIndicator.INVALID;
        }
    }
}
