package io.keyhold.server.testing;

import io.keyhold.server.security.AesGcmMasterKey;
import io.keyhold.server.security.MasterKey;
import io.keyhold.server.security.MasterKeyException;
import java.security.SecureRandom;
import javax.crypto.spec.SecretKeySpec;

/** Master keys for tests. */
public final class TestMasterKeys {
    private TestMasterKeys() {}

    /** A fresh random AES-256 master key held in memory only. */
    public static MasterKey ephemeral() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return of("test-master", key);
    }

    /** The same master key in every process (for tests whose data outlives one process). */
    public static MasterKey fixed() {
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i * 7 + 3);
        }
        return of("test-fixed", key);
    }

    /** A master key over the given 32 bytes (the same bytes give the same key, across processes). */
    public static MasterKey of(String alias, byte[] key) {
        try {
            return AesGcmMasterKey.of(alias, new SecretKeySpec(key, "AES"));
        } catch (MasterKeyException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
