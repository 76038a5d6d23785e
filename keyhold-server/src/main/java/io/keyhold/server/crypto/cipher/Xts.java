package io.keyhold.server.crypto.cipher;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.ResultReason;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * XTS-AES (IEEE 1619-2018, NIST SP 800-38E), the storage mode, over the JDK's AES block function: neither
 * the JDK nor BouncyCastle offers it as a cipher. The key is Key1 ‖ Key2 (two AES-128 or two AES-256 keys,
 * which must differ); the 16-byte tweak is the data unit's IV/Counter/Nonce. A data unit of at least one
 * block; a final partial block is handled by ciphertext stealing. One shot only: a data unit is encrypted
 * whole.
 */
final class Xts {
    private static final int BLOCK = 16;

    private Xts() {}

    static byte[] encrypt(byte[] key, byte[] tweak, byte[] data) throws KmipException {
        return run(key, tweak, data, true);
    }

    static byte[] decrypt(byte[] key, byte[] tweak, byte[] data) throws KmipException {
        return run(key, tweak, data, false);
    }

    private static byte[] run(byte[] key, byte[] tweak, byte[] data, boolean encrypt) throws KmipException {
        if (key.length != 32 && key.length != 64) {
            throw new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, "an XTS-AES key is two AES keys: 256 or 512 bits, not "
                    + key.length * 8);
        }
        if (tweak == null || tweak.length != BLOCK) {
            throw new KmipException(ResultReason.INVALID_FIELD, "XTS needs a 16-byte tweak in IV/Counter/Nonce");
        }
        if (data.length < BLOCK) {
            throw new KmipException(ResultReason.INVALID_FIELD, "XTS needs a data unit of at least 16 bytes, not " + data.length);
        }
        int half = key.length / 2;
        byte[] k1 = Arrays.copyOfRange(key, 0, half);
        byte[] k2 = Arrays.copyOfRange(key, half, key.length);
        try {
            if (MessageDigest.isEqual(k1, k2)) {
                throw new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, "the two halves of an XTS-AES key must differ");
            }
            Cipher tweakCipher = Cipher.getInstance("AES/ECB/NoPadding");
            tweakCipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(k2, "AES"));
            byte[] t = tweakCipher.doFinal(tweak);
            Cipher block = Cipher.getInstance("AES/ECB/NoPadding");
            block.init(encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, new SecretKeySpec(k1, "AES"));

            int full = data.length / BLOCK;
            int rest = data.length % BLOCK;
            byte[] out = new byte[data.length];
            int plain = rest == 0 ? full : full - 1; // blocks processed before any stealing
            for (int j = 0; j < plain; j++) {
                xex(block, t, data, j * BLOCK, out, j * BLOCK);
                multiplyByAlpha(t);
            }
            if (rest != 0) {
                int last = (full - 1) * BLOCK; // the last full block
                byte[] tLast = t.clone();      // tweak of the last full block
                byte[] tNext = t.clone();
                multiplyByAlpha(tNext);        // tweak of the partial block
                byte[] first = new byte[BLOCK];
                // encryption uses the last full block's tweak first; decryption the partial block's
                xex(block, encrypt ? tLast : tNext, data, last, first, 0);
                byte[] stolen = new byte[BLOCK];
                System.arraycopy(data, last + BLOCK, stolen, 0, rest);
                System.arraycopy(first, rest, stolen, rest, BLOCK - rest);
                System.arraycopy(first, 0, out, last + BLOCK, rest);
                xex(block, encrypt ? tNext : tLast, stolen, 0, out, last);
                Arrays.fill(first, (byte) 0);
                Arrays.fill(stolen, (byte) 0);
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, "XTS-AES failed: " + e.getClass().getSimpleName());
        } finally {
            Arrays.fill(k1, (byte) 0);
            Arrays.fill(k2, (byte) 0);
        }
    }

    /** One block: out = E(in XOR t) XOR t (or D for decryption). */
    private static void xex(Cipher block, byte[] t, byte[] in, int inOff, byte[] out, int outOff)
            throws GeneralSecurityException {
        byte[] x = new byte[BLOCK];
        for (int i = 0; i < BLOCK; i++) {
            x[i] = (byte) (in[inOff + i] ^ t[i]);
        }
        byte[] y = block.doFinal(x);
        for (int i = 0; i < BLOCK; i++) {
            out[outOff + i] = (byte) (y[i] ^ t[i]);
        }
    }

    /** t = t·α in GF(2^128), little-endian as IEEE 1619 defines it (reduction polynomial x^128+x^7+x^2+x+1). */
    static void multiplyByAlpha(byte[] t) {
        int carry = 0;
        for (int i = 0; i < BLOCK; i++) {
            int b = t[i] & 0xff;
            t[i] = (byte) ((b << 1) | carry);
            carry = b >>> 7;
        }
        if (carry != 0) {
            t[0] ^= (byte) 0x87;
        }
    }
}
