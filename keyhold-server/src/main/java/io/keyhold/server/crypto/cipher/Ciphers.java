package io.keyhold.server.crypto.cipher;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.server.crypto.CipherLookup;
import io.keyhold.server.crypto.KeyMaterial;
import io.keyhold.server.crypto.cipher.CipherSpec.Algorithm;
import io.keyhold.server.crypto.cipher.CipherSpec.Mode;
import io.keyhold.server.crypto.cipher.CipherSpec.Padding;
import io.keyhold.server.store.StoredObject;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/**
 * Encryption and decryption with a managed key, in one shot or as a stream, on the JDK's providers: AES
 * (CBC, ECB, CTR, GCM, Key Wrap RFC 3394 and RFC 5649), Triple DES (CBC, ECB), ChaCha20 and ChaCha20-Poly1305 (RFC 8439)
 * and RSA (OAEP, PKCS #1 v1.5); XTS-AES through {@link Xts}, one data unit per request (no streaming).
 *
 * <p>Keys come from {@link KeyMaterial}: secret keys for symmetric ciphers; for RSA the Public Key (X.509)
 * encrypts and the Private Key (PKCS #8) decrypts. When a mode needs an IV and the client gives none, the
 * server draws one and returns it. Failures are {@link KmipException}s: bad input (IV length, unaligned
 * data without padding) is Invalid Field; a wrong tag, key or padding and truncated ciphertext are
 * Cryptographic Failure, with the same message for each cause so nothing leaks about the plaintext.
 */
public final class Ciphers {
    private final SecureRandom random;

    public Ciphers(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Encrypts in one shot.
     *
     * @param iv  the client's IV/Counter/Nonce, or null to have one drawn when the mode needs it
     * @param aad Authenticated Encryption Additional Data, or null
     */
    public CipherResult encrypt(StoredObject key, CipherSpec spec, byte[] data, byte[] iv, byte[] aad) throws KmipException {
        if (spec.mode() == CipherSpec.Mode.XTS) {
            return xts(key, spec, data, iv, aad, true);
        }
        CipherStream stream = startEncrypt(key, spec, iv, aad, "");
        return stream.finish(data, null);
    }

    /**
     * Decrypts in one shot; for GCM and ChaCha20-Poly1305 the tag is verified before any plaintext is returned.
     *
     * @param tag the Authenticated Encryption Tag (required for authenticated modes)
     */
    public CipherResult decrypt(StoredObject key, CipherSpec spec, byte[] data, byte[] iv, byte[] aad, byte[] tag)
            throws KmipException {
        if (spec.mode() == CipherSpec.Mode.XTS) {
            if (tag != null) {
                throw new KmipException(ResultReason.INVALID_FIELD, "XTS is not authenticated: no Authenticated Encryption Tag");
            }
            return xts(key, spec, data, iv, aad, false);
        }
        CipherStream stream = startDecrypt(key, spec, iv, aad, "");
        return stream.finish(data, tag);
    }

    /** Starts a multi-part encryption with the key whose Unique Identifier is {@code uid}. */
    public CipherStream startEncrypt(StoredObject key, CipherSpec spec, byte[] iv, byte[] aad, String uid) throws KmipException {
        return start(Cipher.ENCRYPT_MODE, key, spec, iv, aad, uid);
    }

    /** Starts a multi-part decryption; authenticated modes hold the ciphertext until the last part. */
    public CipherStream startDecrypt(StoredObject key, CipherSpec spec, byte[] iv, byte[] aad, String uid) throws KmipException {
        return start(Cipher.DECRYPT_MODE, key, spec, iv, aad, uid);
    }

    /** One XTS data unit; the tweak is the client's IV/Counter/Nonce, or a random one returned for encryption. */
    private CipherResult xts(StoredObject key, CipherSpec spec, byte[] data, byte[] iv, byte[] aad, boolean encrypt)
            throws KmipException {
        if (aad != null) {
            throw new KmipException(ResultReason.INVALID_FIELD, "Authenticated Encryption Additional Data is not used with XTS");
        }
        byte[] generated = null;
        if (iv == null) {
            if (!encrypt) {
                throw new KmipException(ResultReason.INVALID_MESSAGE, "IV/Counter/Nonce is missing: XTS decryption needs the"
                        + " data unit's tweak");
            }
            generated = new byte[16];
            random.nextBytes(generated);
            iv = generated;
        } else if (encrypt && spec.serverIv()) {
            throw new KmipException(ResultReason.INVALID_FIELD, "IV/Counter/Nonce is given but Random IV asks the server to choose it");
        }
        byte[] keyBytes = KeyMaterial.secretBytes(key);
        try {
            byte[] out = encrypt ? Xts.encrypt(keyBytes, iv, data) : Xts.decrypt(keyBytes, iv, data);
            return new CipherResult(out, generated, null);
        } finally {
            java.util.Arrays.fill(keyBytes, (byte) 0);
        }
    }

    private CipherStream start(int opMode, StoredObject key, CipherSpec spec, byte[] iv, byte[] aad, String uid)
            throws KmipException {
        if (spec.mode() == CipherSpec.Mode.XTS) {
            throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, "XTS encrypts one data unit per request; it cannot be"
                    + " streamed in parts");
        }
        boolean encrypt = opMode == Cipher.ENCRYPT_MODE;
        byte[] generated = null;
        if (!spec.usesIv()) {
            if (iv != null) {
                throw new KmipException(ResultReason.INVALID_FIELD, "IV/Counter/Nonce is given but " + spec.mode()
                        + " (" + spec.algorithm() + ") uses none");
            }
        } else if (iv == null) {
            if (!encrypt) {
                // as the OASIS test case CS-BC-M-11 answers a Decrypt without IV
                throw new KmipException(ResultReason.INVALID_MESSAGE, "IV/Counter/Nonce is missing: " + spec.algorithm()
                        + " " + spec.mode() + " decryption needs the IV used to encrypt");
            }
            generated = new byte[spec.ivLengthBytes()];
            random.nextBytes(generated);
            iv = generated;
        } else {
            if (encrypt && spec.serverIv()) {
                throw new KmipException(ResultReason.INVALID_FIELD, "IV/Counter/Nonce is given but Random IV asks the server to choose it");
            }
            checkIvLength(spec, iv);
        }
        if (aad != null && !spec.authenticated()) {
            throw new KmipException(ResultReason.INVALID_FIELD, "Authenticated Encryption Additional Data is only used with GCM and ChaCha20-Poly1305, not "
                    + spec.mode());
        }
        Key k = key(key, spec, encrypt);
        Cipher cipher;
        try {
            cipher = CipherLookup.cipher(spec.transformation());
        } catch (GeneralSecurityException e) {
            throw new KmipException(ResultReason.UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS, spec + " is not available on this server");
        }
        try {
            AlgorithmParameterSpec params = parameters(spec, iv);
            if (params == null) {
                cipher.init(opMode, k, random);
            } else {
                cipher.init(opMode, k, params, random);
            }
            if (aad != null && aad.length > 0) {
                cipher.updateAAD(aad);
            }
        } catch (InvalidKeyException e) {
            throw new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, "the key cannot be used for " + spec.algorithm() + " "
                    + spec.mode() + " (wrong key type or length)");
        } catch (InvalidAlgorithmParameterException e) {
            throw new KmipException(ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS, "the parameters are not accepted for " + spec);
        }
        TruncatedAeadTag truncated = !encrypt && spec.mode() == Mode.AEAD && spec.tagLengthBytes() < 16
                ? new TruncatedAeadTag(k, iv, aad) : null;
        return new CipherStream(uid, spec, cipher, encrypt, generated, truncated);
    }

    private static void checkIvLength(CipherSpec spec, byte[] iv) throws KmipException {
        int fixed = CipherSpec.fixedIvBytes(spec.algorithm(), spec.mode());
        if (fixed != 0 && iv.length != fixed) {
            throw new KmipException(ResultReason.INVALID_FIELD, "IV/Counter/Nonce is " + iv.length + " bytes (expected: "
                    + fixed + " for " + spec.algorithm() + " " + spec.mode() + ")");
        }
        if (spec.mode() == Mode.STREAM && iv.length != 8 && iv.length != 16) {
            throw new KmipException(ResultReason.INVALID_FIELD, "IV/Counter/Nonce is " + iv.length + " bytes (expected: 8, a "
                    + "64-bit nonce with the block counter from 0, or 16, a 32-bit little-endian counter and a 96-bit nonce)");
        }
        if (spec.mode() == Mode.GCM && (iv.length < 1 || iv.length > 128)) {
            throw new KmipException(ResultReason.INVALID_FIELD, "IV/Counter/Nonce is " + iv.length
                    + " bytes (expected: 1 to 128 for GCM; 12 recommended)");
        }
    }

    private static AlgorithmParameterSpec parameters(CipherSpec spec, byte[] iv) {
        return switch (spec.mode()) {
            case GCM -> new GCMParameterSpec(spec.tagLengthBytes() * 8, iv);
            case CBC, CTR, AEAD -> new IvParameterSpec(iv);
            case STREAM -> chaCha20(iv);
            case NONE -> spec.padding() == Padding.OAEP ? new OAEPParameterSpec(spec.oaepHash().jcaName, "MGF1",
                    new MGF1ParameterSpec(spec.mgfHash().jcaName), new PSource.PSpecified(spec.oaepLabel())) : null;
            default -> null;
        };
    }

    /**
     * Plain ChaCha20's nonce and counter: 8 bytes are the original 64-bit nonce (its 64-bit counter's upper
     * half is the first nonce word of RFC 8439's layout, zero here); 16 bytes are a 32-bit little-endian
     * block counter and a 96-bit nonce.
     */
    private static AlgorithmParameterSpec chaCha20(byte[] iv) {
        if (iv.length == 8) {
            byte[] nonce = new byte[12];
            System.arraycopy(iv, 0, nonce, 4, 8);
            return new ChaCha20ParameterSpec(nonce, 0);
        }
        int counter = (iv[0] & 0xff) | (iv[1] & 0xff) << 8 | (iv[2] & 0xff) << 16 | (iv[3] & 0xff) << 24;
        return new ChaCha20ParameterSpec(Arrays.copyOfRange(iv, 4, 16), counter);
    }

    private static Key key(StoredObject key, CipherSpec spec, boolean encrypt) throws KmipException {
        int type = key.objectType();
        if (spec.algorithm() != Algorithm.RSA) {
            if (type != ObjectType.SYMMETRIC_KEY.value()) {
                throw new KmipException(ResultReason.INVALID_OBJECT_TYPE, spec.algorithm() + " needs a Symmetric Key");
            }
            return KeyMaterial.secretKey(key, spec.keyAlgorithm());
        }
        if (encrypt) {
            if (type != ObjectType.PUBLIC_KEY.value()) {
                throw new KmipException(ResultReason.INVALID_OBJECT_TYPE, "RSA encryption uses the Public Key of the pair");
            }
            return KeyMaterial.publicKey(key, "RSA");
        }
        if (type != ObjectType.PRIVATE_KEY.value()) {
            throw new KmipException(ResultReason.INVALID_OBJECT_TYPE, "RSA decryption uses the Private Key of the pair");
        }
        return KeyMaterial.privateKey(key, "RSA");
    }

    /** Maps a JCA failure in the last step to a Result Reason, without detail about the data. */
    static KmipException failure(GeneralSecurityException e, CipherSpec spec, boolean encrypt, int length) {
        if (encrypt) {
            if (e instanceof IllegalBlockSizeException) {
                return new KmipException(ResultReason.INVALID_FIELD, "Data of " + length + " bytes cannot be encrypted with " + spec
                        + (spec.algorithm() == Algorithm.RSA ? " (too long for the key)" : " (wrong length for the mode)"));
            }
            return new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, "encryption with " + spec + " failed");
        }
        if (e instanceof AEADBadTagException) {
            return new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, "authentication failed: the Authenticated Encryption Tag "
                    + "does not match (wrong key, IV, additional data, tag or ciphertext)");
        }
        if (e instanceof IllegalBlockSizeException) {
            return new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, "decryption failed: " + length
                    + " bytes of ciphertext is not a valid length for " + spec + " (truncated?)");
        }
        if (e instanceof BadPaddingException) {
            return new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, "decryption failed: wrong key, IV or ciphertext");
        }
        return new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, "decryption with " + spec + " failed");
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
