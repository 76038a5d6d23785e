package io.keyhold.server.security;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * An AES-256 master key held in memory: wrap is AES-256-GCM with a random 12-byte IV and the caller's
 * associated data; the result is IV followed by ciphertext and tag. The id is the alias and the first 8 hex
 * digits of SHA-256 over a GCM encryption of a fixed block under a fixed IV, so it identifies the key
 * without revealing it.
 *
 * <p>The key may also live in a PKCS#11 token ({@link #inToken}): the same operations then run inside the
 * token through the JDK's SunPKCS11 provider, and the key never leaves it.
 */
public final class AesGcmMasterKey implements MasterKey {
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;
    private final Provider provider;
    private final String id;

    private AesGcmMasterKey(String alias, SecretKey key, Provider provider) throws MasterKeyException {
        this.key = key;
        this.provider = provider;
        this.id = alias + ":" + fingerprint(key, provider);
    }

    /** A master key over {@code key}, which must be a 256-bit AES key. */
    public static AesGcmMasterKey of(String alias, SecretKey key) throws MasterKeyException {
        if (!"AES".equalsIgnoreCase(key.getAlgorithm()) || key.getEncoded() == null || key.getEncoded().length != 32) {
            throw new MasterKeyException("master key " + alias + " is not an AES-256 secret key (algorithm "
                    + key.getAlgorithm() + ")");
        }
        return new AesGcmMasterKey(alias, key, null);
    }

    /**
     * A master key held by a PKCS#11 token: {@code key} is the token's handle (its bytes are not readable)
     * and every wrap and unwrap is an AES-GCM operation of {@code provider} inside the token.
     */
    public static AesGcmMasterKey inToken(String label, SecretKey key, Provider provider) throws MasterKeyException {
        if (!"AES".equalsIgnoreCase(key.getAlgorithm())) {
            throw new MasterKeyException("token key " + label + " is not an AES key (algorithm " + key.getAlgorithm() + ")");
        }
        return new AesGcmMasterKey(label, key, provider);
    }

    private static Cipher gcm(Provider provider) throws GeneralSecurityException {
        return provider == null ? Cipher.getInstance("AES/GCM/NoPadding") : Cipher.getInstance("AES/GCM/NoPadding", provider);
    }

    /** For wrapping and unwrapping: the thread's JDK cipher, or a new one from the token's provider. */
    private static Cipher reusableGcm(Provider provider) throws GeneralSecurityException {
        return provider == null ? GcmCiphers.forMasterKey() : Cipher.getInstance("AES/GCM/NoPadding", provider);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public byte[] wrap(byte[] dataKey, byte[] aad) throws MasterKeyException {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher c = reusableGcm(provider);
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            c.updateAAD(aad);
            byte[] sealed = c.doFinal(dataKey);
            return ByteBuffer.allocate(IV_BYTES + sealed.length).put(iv).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new MasterKeyException("master key " + id + " cannot wrap (" + e.getClass().getSimpleName() + ")");
        }
    }

    @Override
    public byte[] unwrap(byte[] wrapped, byte[] aad) throws MasterKeyException {
        if (wrapped.length < IV_BYTES + TAG_BITS / 8) {
            throw new MasterKeyException("wrapped data key is " + wrapped.length + " bytes (too short)");
        }
        try {
            Cipher c = reusableGcm(provider);
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, wrapped, 0, IV_BYTES));
            c.updateAAD(aad);
            return c.doFinal(wrapped, IV_BYTES, wrapped.length - IV_BYTES);
        } catch (GeneralSecurityException e) {
            throw new MasterKeyException("master key " + id
                    + " cannot unwrap the data key: authentication failed (wrong key or the blob belongs elsewhere)");
        }
    }

    private static String fingerprint(SecretKey key, Provider provider) throws MasterKeyException {
        try {
            Cipher c = gcm(provider);
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, new byte[IV_BYTES]));
            byte[] block = c.doFinal("keyhold master key fingerprint".getBytes(StandardCharsets.US_ASCII));
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(block);
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (GeneralSecurityException e) {
            throw new MasterKeyException("master key cannot be used for AES-GCM (" + e.getClass().getSimpleName() + ")");
        }
    }
}
