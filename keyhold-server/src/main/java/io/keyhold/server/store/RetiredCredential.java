package io.keyhold.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A client link-level credential (TLS client certificate) that Re-Provision replaced: recorded in the store
 * so that every node sharing it refuses the certificate from then on, except that until
 * {@code retrievableUntil} it may still Get the objects of its replacement. Times are whole seconds, as the
 * stores keep them.
 *
 * @param fingerprint      SHA-256 of the certificate's DER encoding, lowercase hex (64 chars)
 * @param identity         the identity the certificate named
 * @param retiredAt        when it was replaced (whole seconds, as stores keep time)
 * @param retrievableUntil until when the old certificate may still Get the objects of its replacement
 * @param replacements     Unique Identifiers of the replacement objects (certificate, and private/public key
 *                         when the server made them), in order; may be empty
 */
public record RetiredCredential(String fingerprint, String identity, Instant retiredAt, Instant retrievableUntil,
                                List<String> replacements) {
    public RetiredCredential {
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(retiredAt, "retiredAt");
        Objects.requireNonNull(retrievableUntil, "retrievableUntil");
        Objects.requireNonNull(replacements, "replacements");
        if (fingerprint.isEmpty() || identity.isEmpty()) {
            throw new IllegalArgumentException("retired credential fingerprint and identity must not be empty");
        }
        replacements = List.copyOf(replacements);
    }
}
