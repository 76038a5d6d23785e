package io.keyhold.server.crypto.wrap;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.ResultReason;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/**
 * A key-encryption algorithm with its parameters, validated when built: AES Key Wrap (RFC 3394), AES Key
 * Wrap with Padding (RFC 5649), AES-GCM (96-bit IV, the tag appended to the ciphertext) and RSA-OAEP.
 * Runs on the JDK's providers.
 */
final class WrapAlgorithm {
    enum Kind {
        AES_KW, AES_KWP, AES_GCM, RSA_OAEP
    }

    static final int GCM_IV_BYTES = 12;

    private final Kind kind;
    private final int tagBytes;
    private final String oaepHash;
    private final String mgfHash;

    private WrapAlgorithm(Kind kind, int tagBytes, String oaepHash, String mgfHash) {
        this.kind = kind;
        this.tagBytes = tagBytes;
        this.oaepHash = oaepHash;
        this.mgfHash = mgfHash;
    }

    static WrapAlgorithm aesKeyWrap() {
        return new WrapAlgorithm(Kind.AES_KW, 0, null, null);
    }

    static WrapAlgorithm aesKeyWrapPadded() {
        return new WrapAlgorithm(Kind.AES_KWP, 0, null, null);
    }

    static WrapAlgorithm aesGcm(int tagBytes) throws KmipException {
        if (tagBytes < 12 || tagBytes > 16) {
            throw new KmipException(ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS, "Tag Length " + tagBytes
                    + " (expected: 12 to 16 bytes for AES-GCM key wrapping)");
        }
        return new WrapAlgorithm(Kind.AES_GCM, tagBytes, null, null);
    }

    /** RSA-OAEP with the JCA digest names ("SHA-1", "SHA-256", …) of the OAEP hash and the MGF1 hash. */
    static WrapAlgorithm rsaOaep(String hash, String mgfHash) {
        return new WrapAlgorithm(Kind.RSA_OAEP, 0, hash, mgfHash);
    }

    Kind kind() {
        return kind;
    }

    boolean needsIv() {
        return kind == Kind.AES_GCM;
    }

    /** Encrypts the plaintext under the key; iv only for AES-GCM. */
    byte[] wrap(Key key, byte[] plaintext, byte[] iv) throws KmipException {
        if (kind == Kind.AES_KW && (plaintext.length % 8 != 0 || plaintext.length < 16)) {
            throw new KmipException(ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS, "AES Key Wrap (RFC 3394) needs at least 16 bytes"
                    + " in multiples of 8, the key has " + plaintext.length + ": use AES Key Wrap with Padding");
        }
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, key, iv);
            return cipher.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, "the key cannot be wrapped with " + describe());
        }
    }

    /** Decrypts and checks the integrity of wrapped bytes; any failure is Cryptographic Failure. */
    byte[] unwrap(Key key, byte[] wrapped, byte[] iv) throws KmipException {
        try {
            return cipher(Cipher.DECRYPT_MODE, key, iv).doFinal(wrapped);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, "the wrapped key does not unwrap with " + describe()
                    + " under the named key");
        }
    }

    private Cipher cipher(int mode, Key key, byte[] iv) throws GeneralSecurityException {
        Cipher cipher;
        AlgorithmParameterSpec spec = null;
        switch (kind) {
            case AES_KW -> cipher = Cipher.getInstance("AES/KW/NoPadding");
            case AES_KWP -> cipher = Cipher.getInstance("AES/KWP/NoPadding");
            case AES_GCM -> {
                cipher = Cipher.getInstance("AES/GCM/NoPadding");
                spec = new GCMParameterSpec(tagBytes * 8, iv);
            }
            default -> {
                cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
                spec = new OAEPParameterSpec(oaepHash, "MGF1", new MGF1ParameterSpec(mgfHash), PSource.PSpecified.DEFAULT);
            }
        }
        if (spec == null) {
            cipher.init(mode, key);
        } else {
            cipher.init(mode, key, spec);
        }
        return cipher;
    }

    String describe() {
        return switch (kind) {
            case AES_KW -> "AES Key Wrap";
            case AES_KWP -> "AES Key Wrap with Padding";
            case AES_GCM -> "AES-GCM";
            case RSA_OAEP -> "RSA-OAEP (" + oaepHash + ", MGF1 " + mgfHash + ")";
        };
    }

    @Override
    public String toString() {
        return describe();
    }
}
