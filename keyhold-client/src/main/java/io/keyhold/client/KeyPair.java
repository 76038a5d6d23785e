package io.keyhold.client;

import java.util.Objects;

/** The Unique Identifiers of the two keys a Create Key Pair or Re-key Key Pair made. */
public record KeyPair(String privateKeyId, String publicKeyId) {
    public KeyPair {
        Objects.requireNonNull(privateKeyId, "privateKeyId");
        Objects.requireNonNull(publicKeyId, "publicKeyId");
    }
}
