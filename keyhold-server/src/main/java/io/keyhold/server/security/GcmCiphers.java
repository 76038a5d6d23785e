package io.keyhold.server.security;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;

/**
 * JDK AES-GCM {@link Cipher}s kept per thread, for the envelope encryption every stored object goes through
 * (the master key wrapping its data key, the data key sealing the object). Looking a cipher up in the JCA
 * providers on every read costs more than the decryption of a small object; a thread's cipher is re-initialised
 * with its key and IV before each use, so nothing carries over from one use to the next but the instance.
 * Callers must always {@code init} first and must not hand the cipher to another thread.
 *
 * <p>The master key has a cipher of its own, apart from the data keys': the JDK's AES expands a key into
 * its round keys again only when it differs from the key the cipher had last, so a cipher that only ever
 * sees the master key keeps that work from one object to the next (a shared one redid it on every unwrap).
 */
public final class GcmCiphers {
    private static final ThreadLocal<Cipher> MASTER_KEY = new ThreadLocal<>();
    private static final ThreadLocal<Cipher> DATA_KEYS = new ThreadLocal<>();

    private GcmCiphers() {
    }

    /** This thread's AES/GCM/NoPadding cipher for the master key, from the default providers. */
    public static Cipher forMasterKey() throws GeneralSecurityException {
        return of(MASTER_KEY);
    }

    /** This thread's AES/GCM/NoPadding cipher for data keys, from the default providers. */
    public static Cipher forDataKeys() throws GeneralSecurityException {
        return of(DATA_KEYS);
    }

    private static Cipher of(ThreadLocal<Cipher> slot) throws GeneralSecurityException {
        Cipher c = slot.get();
        if (c == null) {
            c = Cipher.getInstance("AES/GCM/NoPadding");
            slot.set(c);
        }
        return c;
    }
}
