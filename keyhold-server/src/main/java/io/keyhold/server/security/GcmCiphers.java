package io.keyhold.server.security;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;

/**
 * One JDK AES-GCM {@link Cipher} per thread, for the envelope encryption every stored object goes through
 * (the master key wrapping its data key, the data key sealing the object). Looking a cipher up in the JCA
 * providers on every read costs more than the decryption of a small object; a thread's cipher is re-initialised
 * with its key and IV before each use, so nothing carries over from one use to the next but the instance.
 * Callers must always {@code init} first and must not hand the cipher to another thread.
 */
public final class GcmCiphers {
    private static final ThreadLocal<Cipher> CIPHERS = new ThreadLocal<>();

    private GcmCiphers() {
    }

    /** This thread's AES/GCM/NoPadding cipher from the default providers. */
    public static Cipher forThisThread() throws GeneralSecurityException {
        Cipher c = CIPHERS.get();
        if (c == null) {
            c = Cipher.getInstance("AES/GCM/NoPadding");
            CIPHERS.set(c);
        }
        return c;
    }
}
