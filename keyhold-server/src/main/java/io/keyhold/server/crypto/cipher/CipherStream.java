package io.keyhold.server.crypto.cipher;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.server.crypto.Streams;
import io.keyhold.server.crypto.cipher.CipherSpec.Algorithm;
import io.keyhold.server.crypto.cipher.CipherSpec.Mode;
import io.keyhold.server.crypto.cipher.CipherSpec.Padding;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;

/**
 * One encryption or decryption in progress, part by part. Unauthenticated modes return output as soon as
 * whole blocks are available. Authenticated decryption (GCM, ChaCha20-Poly1305) returns nothing until the
 * last part: it holds the ciphertext, at most {@link Streams#MAX_BUFFERED_BYTES}, and releases plaintext
 * only after the tag has been verified. Key Wrap and RSA work on whole messages and cannot stream.
 *
 * <p>Its methods are synchronized: requests of one connection may use a stream one at a time.
 */
public final class CipherStream implements Streams.State {
    private static final byte[] EMPTY = new byte[0];

    private final String uniqueIdentifier;
    private final CipherSpec spec;
    private final Cipher cipher;
    private final boolean encrypt;
    private final byte[] generatedIv;
    /** For a ChaCha20-Poly1305 decryption with a tag shorter than 16 bytes; else null. */
    private final TruncatedAeadTag truncatedTag;
    private ByteArrayOutputStream held;
    private long totalBytes;
    private boolean closed;

    CipherStream(String uniqueIdentifier, CipherSpec spec, Cipher cipher, boolean encrypt, byte[] generatedIv) {
        this(uniqueIdentifier, spec, cipher, encrypt, generatedIv, null);
    }

    CipherStream(String uniqueIdentifier, CipherSpec spec, Cipher cipher, boolean encrypt, byte[] generatedIv,
                 TruncatedAeadTag truncatedTag) {
        this.truncatedTag = truncatedTag;
        this.uniqueIdentifier = uniqueIdentifier;
        this.spec = spec;
        this.cipher = cipher;
        this.encrypt = encrypt;
        this.generatedIv = generatedIv;
        this.held = !encrypt && spec.authenticated() ? new ByteArrayOutputStream() : null;
    }

    @Override
    public String uniqueIdentifier() {
        return uniqueIdentifier;
    }

    @Override
    public synchronized long bufferedBytes() {
        return held == null ? 0 : held.size();
    }

    public CipherSpec spec() {
        return spec;
    }

    /** The IV the server drew for this encryption, or null when the client gave it or the mode uses none. */
    public byte[] generatedIv() {
        return generatedIv == null ? null : generatedIv.clone();
    }

    /**
     * Processes a middle (or first) part and returns the output available so far.
     *
     * @throws KmipException Feature Not Supported for modes that cannot stream; Invalid Field when an
     *                       authenticated decryption would hold more than the limit
     */
    public synchronized byte[] update(byte[] data) throws KmipException {
        checkOpen();
        if (spec.mode() == Mode.KEY_WRAP || spec.mode() == Mode.KEY_WRAP_PADDED || spec.algorithm() == Algorithm.RSA) {
            throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, "multi-part " + (encrypt ? "encryption" : "decryption")
                    + " is not supported with " + spec + "; send the data in one request");
        }
        totalBytes += data.length;
        if (held != null) {
            if ((long) held.size() + data.length > Streams.MAX_BUFFERED_BYTES) {
                throw new KmipException(ResultReason.INVALID_FIELD, "an authenticated decryption stream holds at most "
                        + Streams.MAX_BUFFERED_BYTES + " bytes until its tag is verified (this part would make it "
                        + ((long) held.size() + data.length) + ")");
            }
            held.write(data, 0, data.length);
            return EMPTY;
        }
        byte[] out = cipher.update(data);
        return out == null ? EMPTY : out;
    }

    /**
     * Processes the last part and ends the stream.
     *
     * @param tag the Authenticated Encryption Tag for an authenticated decryption, else null
     */
    public synchronized CipherResult finish(byte[] data, byte[] tag) throws KmipException {
        checkOpen();
        closed = true;
        totalBytes += data.length;
        try {
            if (encrypt) {
                return finishEncrypt(data, tag);
            }
            return finishDecrypt(data, tag);
        } finally {
            close();
        }
    }

    private CipherResult finishEncrypt(byte[] data, byte[] tag) throws KmipException {
        if (tag != null) {
            throw new KmipException(ResultReason.INVALID_FIELD, "Authenticated Encryption Tag is not sent with Encrypt");
        }
        int block = spec.algorithm().blockBytes;
        if (spec.padding() == Padding.NONE && (spec.mode() == Mode.CBC || spec.mode() == Mode.ECB) && totalBytes % block != 0) {
            throw new KmipException(ResultReason.INVALID_FIELD, "Data is " + totalBytes + " bytes, not a multiple of the "
                    + block + "-byte block, and Padding Method is None");
        }
        byte[] out;
        try {
            out = cipher.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw Ciphers.failure(e, spec, true, (int) Math.min(Integer.MAX_VALUE, totalBytes));
        }
        if (!spec.authenticated()) {
            return new CipherResult(out, generatedIv, null);
        }
        int t = spec.tagLengthBytes();
        // ChaCha20-Poly1305 always computes the whole 16-byte tag; a shorter Tag Length keeps its first bytes
        int whole = spec.mode() == Mode.AEAD ? 16 : t;
        return new CipherResult(Arrays.copyOf(out, out.length - whole), generatedIv,
                Arrays.copyOfRange(out, out.length - whole, out.length - whole + t));
    }

    private CipherResult finishDecrypt(byte[] data, byte[] tag) throws KmipException {
        byte[] input = data;
        if (spec.authenticated()) {
            if (tag == null) {
                throw new KmipException(ResultReason.MISSING_DATA, "Authenticated Encryption Tag is missing: " + spec.mode()
                        + " decryption verifies it");
            }
            if (tag.length != spec.tagLengthBytes()) {
                throw new KmipException(ResultReason.INVALID_FIELD, "Authenticated Encryption Tag is " + tag.length
                        + " bytes (expected: " + spec.tagLengthBytes() + ", the Tag Length)");
            }
            if (truncatedTag != null) {
                byte[] ciphertext = Ciphers.concat(held.toByteArray(), data);
                try {
                    return new CipherResult(truncatedTag.decrypt(ciphertext, tag, spec), null, null);
                } finally {
                    Arrays.fill(ciphertext, (byte) 0);
                }
            }
            input = Ciphers.concat(Ciphers.concat(held.toByteArray(), data), tag);
        } else if (tag != null) {
            throw new KmipException(ResultReason.INVALID_FIELD, "Authenticated Encryption Tag is only used with GCM and "
                    + "ChaCha20-Poly1305, not " + spec.mode());
        }
        try {
            return new CipherResult(cipher.doFinal(input), null, null);
        } catch (GeneralSecurityException e) {
            throw Ciphers.failure(e, spec, false, (int) Math.min(Integer.MAX_VALUE, totalBytes));
        } finally {
            if (input != data) {
                Arrays.fill(input, (byte) 0);
            }
        }
    }

    private void checkOpen() throws KmipException {
        if (closed) {
            throw new KmipException(ResultReason.INVALID_CORRELATION_VALUE, "the stream has ended");
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        held = held == null ? null : new ByteArrayOutputStream(0);
    }

    @Override
    public String toString() {
        return "CipherStream[" + spec + ", " + (encrypt ? "encrypt" : "decrypt") + ", " + totalBytes + " bytes]";
    }
}
