package io.keyhold.server.store.sqlite;

import io.keyhold.server.security.MasterKey;
import io.keyhold.server.security.MasterKeyException;
import io.keyhold.server.store.StoreException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Envelope encryption of the object column. Each write draws a fresh 32-byte data key; the object's TTLV
 * is encrypted with AES-256-GCM under it, and the data key is wrapped by the master key; both bind the
 * Unique Identifier (UTF-8) as associated data, so a blob copied onto another row does not decrypt.
 *
 * <p>Blob: format byte {@code 0x01}, then four length-prefixed fields (4-byte big-endian length, bytes):
 * master key id (UTF-8), wrapped data key, IV (12 bytes), ciphertext with tag. A blob starting with
 * {@code 0x42} (the first byte of every TTLV encoding) is a legacy object stored in the clear; it is read
 * as is and encrypted when the object is next written.
 */
final class ObjectEnvelope {
    static final byte FORMAT_V1 = 0x01;
    static final byte LEGACY_TTLV = 0x42;
    private static final int DATA_KEY_BYTES = 32;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int MAX_FIELD_BYTES = 1 << 30;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MasterKey masterKey;

    ObjectEnvelope(MasterKey masterKey) {
        this.masterKey = masterKey;
    }

    byte[] seal(String uid, byte[] plain) {
        byte[] aad = uid.getBytes(StandardCharsets.UTF_8);
        byte[] dataKey = new byte[DATA_KEY_BYTES];
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(dataKey);
        RANDOM.nextBytes(iv);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(dataKey, "AES"), new GCMParameterSpec(TAG_BITS, iv));
            c.updateAAD(aad);
            byte[] ciphertext = c.doFinal(plain);
            byte[] wrapped = masterKey.wrap(dataKey, aad);
            byte[] id = masterKey.id().getBytes(StandardCharsets.UTF_8);
            ByteBuffer out = ByteBuffer.allocate(1 + 16 + id.length + wrapped.length + iv.length + ciphertext.length);
            out.put(FORMAT_V1);
            for (byte[] field : new byte[][] {id, wrapped, iv, ciphertext}) {
                out.putInt(field.length).put(field);
            }
            return out.array();
        } catch (GeneralSecurityException e) {
            throw new StoreException("object " + uid + ": cannot encrypt (" + e.getClass().getSimpleName() + ")");
        } catch (MasterKeyException e) {
            throw new StoreException("object " + uid + ": " + e.getMessage());
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /** The TTLV bytes of a stored blob: decrypted, or as is for a legacy clear blob. */
    byte[] open(String uid, byte[] blob) {
        if (blob.length > 0 && blob[0] == LEGACY_TTLV) {
            return blob;
        }
        if (blob.length == 0 || blob[0] != FORMAT_V1) {
            throw new StoreException("object " + uid + ": stored object column has unknown format "
                    + (blob.length == 0 ? "(empty)" : String.format("0x%02x", blob[0])));
        }
        byte[] id;
        byte[] wrapped;
        byte[] iv;
        byte[] ciphertext;
        try {
            ByteBuffer in = ByteBuffer.wrap(blob, 1, blob.length - 1);
            id = field(in);
            wrapped = field(in);
            iv = field(in);
            ciphertext = field(in);
            if (in.hasRemaining() || iv.length != IV_BYTES) {
                throw new IllegalArgumentException();
            }
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new StoreException("object " + uid + ": stored object column is not a valid envelope");
        }
        String keyId = new String(id, StandardCharsets.UTF_8);
        if (!keyId.equals(masterKey.id())) {
            throw new StoreException("object " + uid + ": encrypted under master key " + keyId
                    + ", but the configured master key is " + masterKey.id());
        }
        byte[] aad = uid.getBytes(StandardCharsets.UTF_8);
        byte[] dataKey = null;
        try {
            dataKey = masterKey.unwrap(wrapped, aad);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(dataKey, "AES"), new GCMParameterSpec(TAG_BITS, iv));
            c.updateAAD(aad);
            return c.doFinal(ciphertext);
        } catch (MasterKeyException e) {
            throw new StoreException("object " + uid + ": " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new StoreException("object " + uid + ": stored object does not decrypt (authentication failed)");
        } finally {
            if (dataKey != null) {
                Arrays.fill(dataKey, (byte) 0);
            }
        }
    }

    private static byte[] field(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > MAX_FIELD_BYTES || length > in.remaining()) {
            throw new IllegalArgumentException();
        }
        byte[] out = new byte[length];
        in.get(out);
        return out;
    }
}
