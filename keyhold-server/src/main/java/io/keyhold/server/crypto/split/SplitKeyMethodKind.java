package io.keyhold.server.crypto.split;

/** The ways this server splits a secret (KMIP Split Key Method values it implements). */
public enum SplitKeyMethodKind {
    /** Every part is needed; the secret is the XOR of the parts. */
    XOR,
    /** Shamir secret sharing over GF(2^8), byte by byte (KMIP 1.4+ "Polynomial Sharing GF (2^8)"). */
    POLYNOMIAL_GF_2_8,
    /** Shamir secret sharing over the integers modulo a prime (KMIP "Polynomial Sharing Prime Field"). */
    POLYNOMIAL_PRIME_FIELD
}
