package io.keyhold.client;

/**
 * What an Encrypt answered: the ciphertext, the IV/Counter/Nonce when the server chose it (null otherwise),
 * and the Authenticated Encryption Tag for authenticated modes (null otherwise).
 */
public record EncryptResult(byte[] data, byte[] iv, byte[] tag) {
    public EncryptResult {
        data = data.clone();
        iv = iv == null ? null : iv.clone();
        tag = tag == null ? null : tag.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public byte[] iv() {
        return iv == null ? null : iv.clone();
    }

    @Override
    public byte[] tag() {
        return tag == null ? null : tag.clone();
    }
}
