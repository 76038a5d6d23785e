package io.keyhold.server.store.sql;

import io.keyhold.server.security.GcmCiphers;
import io.keyhold.server.security.MasterKey;
import io.keyhold.server.security.MasterKeyException;
import io.keyhold.server.security.MasterKeyRing;
import io.keyhold.server.store.StoreException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
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
 *
 * <p>Blobs are opened with whichever key of the {@link MasterKeyRing} they name. New blobs are sealed under
 * the current key as recorded in {@code master_key_state}: the writer calls {@link #useCurrentKey} at the
 * start of each write transaction, which re-reads the record only when {@code PRAGMA data_version} shows
 * that another connection (such as {@code keyhold master-key rotate}) committed since the last look. The
 * writer holds the write lock from then to its commit, so no blob is sealed under a key that has just
 * stopped being current.
 */
final class ObjectEnvelope {
    static final byte FORMAT_V1 = 0x01;
    static final byte LEGACY_TTLV = 0x42;
    private static final int DATA_KEY_BYTES = 32;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int MAX_FIELD_BYTES = 1 << 30;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MasterKeyRing ring;
    private volatile MasterKey current;
    private final Dialect dialect;
    private long dataVersion = -1;

    ObjectEnvelope(MasterKeyRing ring) {
        this(ring, Dialect.SQLITE);
    }

    ObjectEnvelope(MasterKeyRing ring, Dialect dialect) {
        this.ring = ring;
        this.dialect = dialect;
    }

    /**
     * Makes the key recorded as current in the database the one new blobs are sealed under; called inside
     * the writer's transaction, on the writer's connection.
     */
    void useCurrentKey(Connection c) throws SQLException {
        // SQLite counts other connections' commits; PostgreSQL has no such counter, so its one row is read each time
        long version = dialect == Dialect.SQLITE ? MasterKeyState.dataVersion(c) : -1;
        if (version >= 0 && version == dataVersion && current != null) {
            return;
        }
        MasterKeyState.State state = MasterKeyState.read(c);
        if (state == null) {
            throw new StoreException("the database records no current master key (table master_key_state is empty)");
        }
        try {
            current = ring.find(state.currentKeyId());
        } catch (MasterKeyException e) {
            throw new StoreException("current master key: " + e.getMessage());
        }
        dataVersion = version;
    }

    /** The id of the key new blobs are sealed under; null before the first write transaction. */
    String currentKeyId() {
        MasterKey k = current;
        return k == null ? null : k.id();
    }

    byte[] seal(String uid, byte[] plain) {
        MasterKey key = current;
        if (key == null) {
            throw new IllegalStateException("seal outside a write transaction");
        }
        return seal(uid, plain, key);
    }

    /** Seals under {@code masterKey}: a fresh data key and IV. */
    byte[] seal(String uid, byte[] plain, MasterKey masterKey) {
        byte[] aad = uid.getBytes(StandardCharsets.UTF_8);
        byte[] dataKey = new byte[DATA_KEY_BYTES];
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(dataKey);
        RANDOM.nextBytes(iv);
        try {
            Cipher c = GcmCiphers.forDataKeys();
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(dataKey, "AES"), new GCMParameterSpec(TAG_BITS, iv));
            c.updateAAD(aad);
            byte[] ciphertext = c.doFinal(plain);
            return blob(masterKey.id(), masterKey.wrap(dataKey, aad), iv, ciphertext);
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
        Sealed sealed = parse(uid, blob);
        byte[] aad = uid.getBytes(StandardCharsets.UTF_8);
        byte[] dataKey = null;
        try {
            dataKey = keyOf(sealed).unwrap(sealed.wrapped, aad);
            Cipher c = GcmCiphers.forDataKeys();
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(dataKey, "AES"), new GCMParameterSpec(TAG_BITS, sealed.iv));
            c.updateAAD(aad);
            return c.doFinal(sealed.ciphertext);
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

    /**
     * The blob with its data key wrapped by {@code target} instead: IV and ciphertext stay as they are, so
     * the object itself is not decrypted. A legacy clear blob is sealed under {@code target}.
     */
    byte[] rewrap(String uid, byte[] blob, MasterKey target) {
        if (blob.length > 0 && blob[0] == LEGACY_TTLV) {
            return seal(uid, blob, target);
        }
        Sealed sealed = parse(uid, blob);
        byte[] aad = uid.getBytes(StandardCharsets.UTF_8);
        byte[] dataKey = null;
        try {
            dataKey = keyOf(sealed).unwrap(sealed.wrapped, aad);
            return blob(target.id(), target.wrap(dataKey, aad), sealed.iv, sealed.ciphertext);
        } catch (MasterKeyException e) {
            throw new StoreException("object " + uid + ": " + e.getMessage());
        } finally {
            if (dataKey != null) {
                Arrays.fill(dataKey, (byte) 0);
            }
        }
    }

    /**
     * The first bytes of every blob sealed under {@code keyId} (format byte and key id field), so SQL can
     * tell the blobs under a key from the others without opening them.
     */
    static byte[] prefix(String keyId) {
        byte[] id = keyId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(5 + id.length).put(FORMAT_V1).putInt(id.length).put(id).array();
    }

    /** The master key id a blob names, or null for a legacy clear blob. */
    static String keyId(String uid, byte[] blob) {
        if (blob.length > 0 && blob[0] == LEGACY_TTLV) {
            return null;
        }
        return parse(uid, blob).keyId;
    }

    private MasterKey keyOf(Sealed sealed) throws MasterKeyException {
        return ring.find(sealed.keyId);
    }

    private static byte[] blob(String keyId, byte[] wrapped, byte[] iv, byte[] ciphertext) {
        byte[] id = keyId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(1 + 16 + id.length + wrapped.length + iv.length + ciphertext.length);
        out.put(FORMAT_V1);
        for (byte[] field : new byte[][] {id, wrapped, iv, ciphertext}) {
            out.putInt(field.length).put(field);
        }
        return out.array();
    }

    /** The fields of an envelope blob. */
    private record Sealed(String keyId, byte[] wrapped, byte[] iv, byte[] ciphertext) {}

    private static Sealed parse(String uid, byte[] blob) {
        if (blob.length == 0 || blob[0] != FORMAT_V1) {
            throw new StoreException("object " + uid + ": stored object column has unknown format "
                    + (blob.length == 0 ? "(empty)" : String.format("0x%02x", blob[0])));
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(blob, 1, blob.length - 1);
            byte[] id = field(in);
            byte[] wrapped = field(in);
            byte[] iv = field(in);
            byte[] ciphertext = field(in);
            if (in.hasRemaining() || iv.length != IV_BYTES) {
                throw new IllegalArgumentException();
            }
            return new Sealed(new String(id, StandardCharsets.UTF_8), wrapped, iv, ciphertext);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new StoreException("object " + uid + ": stored object column is not a valid envelope");
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
