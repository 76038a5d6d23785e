package io.keyhold.server.crypto.cipher;

import io.keyhold.protocol.KmipException;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.IvParameterSpec;

/**
 * ChaCha20-Poly1305 decryption with a tag shorter than the 16 bytes of RFC 8439, as the KMIP Tag Length allows
 * and the OASIS test case CS-BC-M-CHACHA20POLY1305-1 uses (12 bytes): the JDK's AEAD cipher checks only whole
 * tags, so the ciphertext is deciphered with ChaCha20 from block counter 1 (RFC 8439 section 2.8), the whole tag
 * of that plaintext is computed again, and its first bytes are compared with the client's in constant time. The
 * plaintext is released only when they match; otherwise it is erased and the failure is the one a wrong
 * whole tag gets.
 */
final class TruncatedAeadTag {
    private final Key key;
    private final byte[] nonce;
    private final byte[] aad;

    TruncatedAeadTag(Key key, byte[] nonce, byte[] aad) {
        this.key = key;
        this.nonce = nonce.clone();
        this.aad = aad == null ? new byte[0] : aad.clone();
    }

    /** The plaintext of {@code ciphertext} when {@code tag} is the start of its Poly1305 tag. */
    byte[] decrypt(byte[] ciphertext, byte[] tag, CipherSpec spec) throws KmipException {
        byte[] plaintext = null;
        byte[] again = null;
        try {
            Cipher stream = Cipher.getInstance("ChaCha20");
            stream.init(Cipher.DECRYPT_MODE, key, new ChaCha20ParameterSpec(nonce, 1));
            plaintext = stream.doFinal(ciphertext);
            Cipher aead = Cipher.getInstance("ChaCha20-Poly1305");
            aead.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(nonce));
            aead.updateAAD(aad);
            again = aead.doFinal(plaintext);
            byte[] expected = Arrays.copyOfRange(again, again.length - 16, again.length - 16 + tag.length);
            if (!MessageDigest.isEqual(expected, tag)) {
                Arrays.fill(plaintext, (byte) 0);
                throw Ciphers.failure(new AEADBadTagException(), spec, false, ciphertext.length);
            }
            return plaintext;
        } catch (GeneralSecurityException e) {
            if (plaintext != null) {
                Arrays.fill(plaintext, (byte) 0);
            }
            throw Ciphers.failure(e, spec, false, ciphertext.length);
        } finally {
            if (again != null) {
                Arrays.fill(again, (byte) 0);
            }
        }
    }
}
