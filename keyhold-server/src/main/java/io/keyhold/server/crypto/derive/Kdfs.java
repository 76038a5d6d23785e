package io.keyhold.server.crypto.derive;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key derivation functions over HMAC, written on {@link Mac} so that keys and passwords are taken as
 * bytes (the JDK's PBKDF2 SecretKeyFactory takes a char[] password and encodes it as UTF-8, which cannot
 * carry arbitrary binary key material):
 * <ul>
 * <li>PBKDF2 (RFC 8018 section 5.2) with an HMAC PRF;</li>
 * <li>HKDF extract-and-expand (RFC 5869);</li>
 * <li>the NIST SP 800-108 counter-mode KDF with an HMAC PRF, the 32-bit counter before the fixed input
 * data: K(i) = PRF(K_I, [i]_32 || fixed input), i = 1, 2, ….</li>
 * </ul>
 * Callers check lengths; these functions only compute.
 */
final class Kdfs {
    private Kdfs() {}

    static Mac hmac(String jcaMac, byte[] key) throws GeneralSecurityException {
        Mac mac = Mac.getInstance(jcaMac);
        // an all-zero key of the block size is the same HMAC key as the empty one (RFC 2104 section 2),
        // and SecretKeySpec refuses empty keys
        byte[] k = key.length == 0 ? new byte[1] : key;
        mac.init(new SecretKeySpec(k, jcaMac));
        return mac;
    }

    /** PBKDF2 (RFC 8018 section 5.2): T_i = F(P, S, c, i) = U_1 xor … xor U_c. */
    static byte[] pbkdf2(String jcaMac, byte[] password, byte[] salt, int iterations, int lengthBytes)
            throws GeneralSecurityException {
        Mac prf = hmac(jcaMac, password);
        int hLen = prf.getMacLength();
        byte[] out = new byte[lengthBytes];
        byte[] u = new byte[hLen];
        byte[] t = new byte[hLen];
        for (int block = 1, offset = 0; offset < lengthBytes; block++, offset += hLen) {
            prf.update(salt);
            prf.update(ByteBuffer.allocate(4).putInt(block).array());
            prf.doFinal(u, 0);
            System.arraycopy(u, 0, t, 0, hLen);
            for (int j = 1; j < iterations; j++) {
                prf.update(u);
                prf.doFinal(u, 0);
                for (int k = 0; k < hLen; k++) {
                    t[k] ^= u[k];
                }
            }
            System.arraycopy(t, 0, out, offset, Math.min(hLen, lengthBytes - offset));
        }
        Arrays.fill(u, (byte) 0);
        Arrays.fill(t, (byte) 0);
        return out;
    }

    /** HKDF-Extract (RFC 5869 section 2.2): PRK = HMAC-Hash(salt, IKM); no salt is HashLen zero bytes. */
    static byte[] hkdfExtract(String jcaMac, byte[] salt, byte[] ikm) throws GeneralSecurityException {
        Mac probe = Mac.getInstance(jcaMac);
        byte[] s = salt == null || salt.length == 0 ? new byte[probe.getMacLength()] : salt;
        return hmac(jcaMac, s).doFinal(ikm);
    }

    /**
     * HKDF-Expand (RFC 5869 section 2.3): T(0) = empty, T(i) = HMAC-Hash(PRK, T(i-1) | info | i), OKM = the
     * first L bytes of T(1) | T(2) | …; L is at most 255 HashLen.
     */
    static byte[] hkdfExpand(String jcaMac, byte[] prk, byte[] info, int lengthBytes) throws GeneralSecurityException {
        Mac mac = hmac(jcaMac, prk);
        int hLen = mac.getMacLength();
        if (lengthBytes > 255 * hLen) {
            throw new IllegalArgumentException("HKDF output of " + lengthBytes + " bytes (expected: <= " + 255 * hLen + ")");
        }
        byte[] out = new byte[lengthBytes];
        byte[] previous = new byte[0];
        for (int i = 1, offset = 0; offset < lengthBytes; i++, offset += hLen) {
            mac.update(previous);
            mac.update(info == null ? new byte[0] : info);
            mac.update((byte) i);
            previous = mac.doFinal();
            System.arraycopy(previous, 0, out, offset, Math.min(hLen, lengthBytes - offset));
        }
        Arrays.fill(previous, (byte) 0);
        return out;
    }

    static byte[] hkdf(String jcaMac, byte[] ikm, byte[] salt, byte[] info, int lengthBytes) throws GeneralSecurityException {
        byte[] prk = hkdfExtract(jcaMac, salt, ikm);
        try {
            return hkdfExpand(jcaMac, prk, info, lengthBytes);
        } finally {
            Arrays.fill(prk, (byte) 0);
        }
    }

    /** NIST SP 800-108 section 5.1 counter mode, r = 32, counter before the fixed input data. */
    static byte[] counterMode(String jcaMac, byte[] key, byte[] fixedInput, int lengthBytes) throws GeneralSecurityException {
        Mac prf = hmac(jcaMac, key);
        int hLen = prf.getMacLength();
        byte[] out = new byte[lengthBytes];
        for (int i = 1, offset = 0; offset < lengthBytes; i++, offset += hLen) {
            prf.update(ByteBuffer.allocate(4).putInt(i).array());
            prf.update(fixedInput);
            byte[] k = prf.doFinal();
            System.arraycopy(k, 0, out, offset, Math.min(hLen, lengthBytes - offset));
            Arrays.fill(k, (byte) 0);
        }
        return out;
    }
}
