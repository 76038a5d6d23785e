package io.keyhold.server.crypto;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Cipher;

/**
 * New {@link Cipher} instances without searching the JCA providers each time. {@code Cipher.getInstance(t)}
 * walks every installed provider for four spellings of the transformation and defers the final choice to
 * {@code init}; on a request path that lookup costs more than encrypting a kilobyte. The first lookup of a
 * transformation goes through the JCA as usual and remembers the provider it chose; later ones ask that
 * provider directly. Every call still returns a new instance, so nothing (key, IV, state) is shared.
 */
public final class CipherLookup {
    private static final Map<String, Provider> PROVIDERS = new ConcurrentHashMap<>();

    private CipherLookup() {
    }

    /** A new cipher for the transformation ("AES/GCM/NoPadding"), from the provider the JCA chose for it. */
    public static Cipher cipher(String transformation) throws GeneralSecurityException {
        Provider known = PROVIDERS.get(transformation);
        if (known != null) {
            return Cipher.getInstance(transformation, known);
        }
        Cipher cipher = Cipher.getInstance(transformation);
        PROVIDERS.putIfAbsent(transformation, cipher.getProvider());
        return cipher;
    }
}
