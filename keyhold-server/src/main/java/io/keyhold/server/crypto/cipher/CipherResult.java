package io.keyhold.server.crypto.cipher;

/**
 * The output of an encryption or decryption (or of one part of a stream). Arrays are handed over, not
 * copied; {@link #toString()} shows only their lengths, never their contents.
 *
 * @param data the ciphertext or plaintext (possibly empty)
 * @param iv   the IV/Counter/Nonce the server chose, or null when the client gave it or none is used
 * @param tag  the Authenticated Encryption Tag of an authenticated encryption's last part, else null
 */
public record CipherResult(byte[] data, byte[] iv, byte[] tag) {
    @Override
    public String toString() {
        return "CipherResult[data " + data.length + " bytes" + (iv != null ? ", iv " + iv.length + " bytes" : "")
                + (tag != null ? ", tag " + tag.length + " bytes" : "") + "]";
    }
}
