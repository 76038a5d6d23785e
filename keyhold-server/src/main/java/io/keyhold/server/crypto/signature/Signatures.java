package io.keyhold.server.crypto.signature;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ValidityIndicator;
import io.keyhold.server.crypto.KeyMaterial;
import io.keyhold.server.crypto.Streams;
import io.keyhold.server.crypto.signature.SignatureParameters.Scheme;
import io.keyhold.server.store.StoredObject;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAKey;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Objects;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Signing and signature verification with stored key pairs: RSASSA-PKCS1-v1_5 and RSASSA-PSS with SHA-1, SHA-2
 * and SHA-3, ECDSA (DER-encoded signatures) on the curves the JDK implements, Ed25519 and Ed448 — all from the
 * JDK providers. Signing a given digest (KMIP Digested Data) is RSASSA-PKCS1-v1_5 over the DigestInfo, ECDSA over
 * the raw digest, and RSASSA-PSS through BouncyCastle's raw PSS; EdDSA cannot sign a digest (it hashes the whole
 * message).
 *
 * <p>Verification answers a {@link ValidityIndicator}: a signature that does not verify, whatever its encoding
 * or length, is {@link ValidityIndicator#INVALID}, never an error.
 */
public final class Signatures {
    private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();
    private final SecureRandom random;

    public Signatures(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /** A signing stream: feed the message in parts, then {@link Signer#sign()} once. */
    public Signer signer(StoredObject privateKey, SignatureParameters parameters) throws KmipException {
        PrivateKey key = KeyMaterial.privateKey(privateKey, parameters.scheme().key.jca);
        Signature s = messageSignature(parameters, key);
        try {
            s.initSign(key, random);
        } catch (InvalidKeyException e) {
            throw new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, "the private key cannot sign with " + parameters);
        }
        return new Signer(privateKey.uniqueIdentifier(), s, parameters.scheme().eddsa());
    }

    /** A verification stream: feed the message in parts, then {@link Verifier#verify(byte[])} once. */
    public Verifier verifier(StoredObject publicKey, SignatureParameters parameters) throws KmipException {
        PublicKey key = KeyMaterial.publicKey(publicKey, parameters.scheme().key.jca);
        Signature s = messageSignature(parameters, key);
        try {
            s.initVerify(key);
        } catch (InvalidKeyException e) {
            throw new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, "the public key cannot verify with " + parameters);
        }
        return new Verifier(publicKey.uniqueIdentifier(), s, parameters.scheme().eddsa());
    }

    /**
     * Signs a digest the client computed with the parameters' hash.
     *
     * @throws KmipException Invalid Field when the digest's length is not the hash's; Unsupported Cryptographic
     *                       Parameters for EdDSA
     */
    public byte[] signDigest(StoredObject privateKey, SignatureParameters parameters, byte[] digest) throws KmipException {
        PrivateKey key = KeyMaterial.privateKey(privateKey, parameters.scheme().key.jca);
        Signature s = digestSignature(parameters, digest, key);
        try {
            s.initSign(key, random);
            s.update(parameters.scheme() == Scheme.RSA_PKCS1_V1_5 ? parameters.hash().digestInfo(digest) : digest);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, "the private key cannot sign with " + parameters);
        }
    }

    /** Verifies a signature over a digest the client computed; see {@link #signDigest}. */
    public ValidityIndicator verifyDigest(StoredObject publicKey, SignatureParameters parameters, byte[] digest,
                                          byte[] signature) throws KmipException {
        PublicKey key = KeyMaterial.publicKey(publicKey, parameters.scheme().key.jca);
        Signature s = digestSignature(parameters, digest, key);
        try {
            s.initVerify(key);
        } catch (InvalidKeyException e) {
            throw new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, "the public key cannot verify with " + parameters);
        }
        try {
            s.update(parameters.scheme() == Scheme.RSA_PKCS1_V1_5 ? parameters.hash().digestInfo(digest) : digest);
        } catch (SignatureException e) {
            throw new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, "the digest cannot be verified");
        }
        return Verifier.check(s, signature);
    }

    private static Signature messageSignature(SignatureParameters p, Key key) throws KmipException {
        return switch (p.scheme()) {
            case RSA_PKCS1_V1_5 -> instance(p.hash().jcaShort + "withRSA", null, p);
            case RSA_PSS -> pss(instance("RSASSA-PSS", null, p), p, key);
            case ECDSA -> instance(p.hash().jcaShort + "withECDSA", null, p);
            case ED25519 -> instance("Ed25519", null, p);
            case ED448 -> instance("Ed448", null, p);
        };
    }

    private static Signature digestSignature(SignatureParameters p, byte[] digest, Key key) throws KmipException {
        if (p.scheme().eddsa()) {
            throw new KmipException(ResultReason.UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS, p.scheme().key.jca
                    + " signs the whole message (PureEdDSA); Digested Data cannot be used, send Data");
        }
        if (digest.length != p.hash().lengthBytes()) {
            throw new KmipException(ResultReason.INVALID_FIELD, "Digested Data is " + digest.length + " bytes (expected: "
                    + p.hash().lengthBytes() + " for " + p.hash().kmip().specName() + ")");
        }
        return switch (p.scheme()) {
            case RSA_PKCS1_V1_5 -> instance("NONEwithRSA", null, p);
            case RSA_PSS -> pss(instance("RAWRSASSA-PSS", BOUNCY_CASTLE, p), p, key);
            default -> instance("NONEwithECDSA", null, p);
        };
    }

    private static Signature instance(String name, Provider provider, SignatureParameters p) throws KmipException {
        try {
            return provider == null ? Signature.getInstance(name) : Signature.getInstance(name, provider);
        } catch (NoSuchAlgorithmException e) {
            throw new KmipException(ResultReason.UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS, p + " is not available on this server");
        }
    }

    private static Signature pss(Signature s, SignatureParameters p, Key key) throws KmipException {
        int salt = p.saltLength();
        if (salt == SignatureParameters.MAXIMUM_SALT) {
            if (!(key instanceof RSAKey rsa)) {
                throw new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, "the stored key is not an RSA key");
            }
            int encodedBytes = (rsa.getModulus().bitLength() - 1 + 7) / 8;
            salt = Math.max(0, encodedBytes - p.hash().lengthBytes() - 2);
        }
        try {
            s.setParameter(new PSSParameterSpec(p.hash().jcaDigest, "MGF1", new MGF1ParameterSpec(p.mgfHash().jcaDigest),
                    salt, PSSParameterSpec.TRAILER_FIELD_BC));
            return s;
        } catch (InvalidAlgorithmParameterException e) {
            throw new KmipException(ResultReason.UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS, p + " is not available on this server");
        }
    }

    /** Counts what an EdDSA stream holds: the JDK's EdDSA buffers the whole message until it signs. */
    private abstract static class Stream implements Streams.State {
        private final String uniqueIdentifier;
        final Signature signature;
        private final boolean buffers;
        private long buffered;

        Stream(String uniqueIdentifier, Signature signature, boolean buffers) {
            this.uniqueIdentifier = uniqueIdentifier;
            this.signature = signature;
            this.buffers = buffers;
        }

        @Override
        public String uniqueIdentifier() {
            return uniqueIdentifier;
        }

        @Override
        public long bufferedBytes() {
            return buffered;
        }

        /**
         * Adds the next part of the message.
         *
         * @throws KmipException Server Limit Exceeded when an EdDSA message would exceed
         *                       {@link Streams#MAX_BUFFERED_BYTES}
         */
        public void update(byte[] data) throws KmipException {
            if (buffers) {
                if (buffered + data.length > Streams.MAX_BUFFERED_BYTES) {
                    throw new KmipException(ResultReason.SERVER_LIMIT_EXCEEDED, "an EdDSA message is held whole and may be at most "
                            + Streams.MAX_BUFFERED_BYTES + " bytes (got: " + (buffered + data.length) + ")");
                }
                buffered += data.length;
            }
            try {
                signature.update(data);
            } catch (SignatureException e) {
                throw new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, "the signature stream is not usable");
            }
        }
    }

    /** Signs a message given in one or more parts. */
    public static final class Signer extends Stream {
        Signer(String uniqueIdentifier, Signature signature, boolean buffers) {
            super(uniqueIdentifier, signature, buffers);
        }

        /** The signature over everything given to {@link #update}. */
        public byte[] sign() throws KmipException {
            try {
                return signature.sign();
            } catch (SignatureException e) {
                throw new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, "the key cannot sign with these parameters"
                        + " (is the key large enough for the hash and salt?)");
            }
        }
    }

    /** Verifies a signature over a message given in one or more parts. */
    public static final class Verifier extends Stream {
        Verifier(String uniqueIdentifier, Signature signature, boolean buffers) {
            super(uniqueIdentifier, signature, buffers);
        }

        /** Valid when the signature verifies over everything given to {@link #update}; Invalid otherwise. */
        public ValidityIndicator verify(byte[] signature) {
            return check(this.signature, signature);
        }

        static ValidityIndicator check(Signature s, byte[] signature) {
            try {
                return s.verify(signature) ? ValidityIndicator.VALID : ValidityIndicator.INVALID;
            } catch (SignatureException | RuntimeException e) {
                // malformed encoding, wrong length, out-of-range values: the signature is not valid
                return ValidityIndicator.INVALID;
            }
        }
    }
}
