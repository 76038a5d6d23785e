package io.keyhold.server.security;

/**
 * The key that wraps the per-object data keys of the store (envelope encryption). Implementations never
 * expose the key itself; {@link #id()} names it in stored blobs so a blob written under another master key
 * is recognised.
 */
public interface MasterKey {

    /** A stable name for this key, never derived from the raw key bytes. */
    String id();

    /** Encrypts a data key, binding {@code aad} (authenticated, not stored). */
    byte[] wrap(byte[] dataKey, byte[] aad) throws MasterKeyException;

    /** Decrypts a wrapped data key; fails if the blob or {@code aad} differ from what was wrapped. */
    byte[] unwrap(byte[] wrapped, byte[] aad) throws MasterKeyException;
}
