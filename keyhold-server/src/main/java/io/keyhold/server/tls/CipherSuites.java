package io.keyhold.server.tls;

import io.keyhold.server.config.ServerConfig.TlsProfile;
import java.util.ArrayList;
import java.util.List;

/**
 * The cipher suites the server offers, strongest first. TLS 1.3 suites and TLS 1.2 ECDHE with AES-GCM or
 * ChaCha20-Poly1305 in every profile; the compatibility profile adds the TLS 1.2 CBC suites with
 * SHA-256/384 that older clients need (vSphere has been seen to negotiate AES128-SHA256, that is
 * TLS_RSA_WITH_AES_128_CBC_SHA256; PyKMIP's own server offers only CBC-SHA256 suites). docs/tls.md has the
 * table per client.
 */
final class CipherSuites {
    static final List<String> TLS13 = List.of(
            "TLS_AES_256_GCM_SHA384",
            "TLS_AES_128_GCM_SHA256",
            "TLS_CHACHA20_POLY1305_SHA256");

    static final List<String> TLS12_AEAD = List.of(
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    static final List<String> TLS12_LEGACY = List.of(
            "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
            "TLS_RSA_WITH_AES_256_CBC_SHA256",
            "TLS_RSA_WITH_AES_128_CBC_SHA256");

    private CipherSuites() {
    }

    static List<String> offered(TlsProfile profile) {
        List<String> all = new ArrayList<>(TLS13);
        all.addAll(TLS12_AEAD);
        if (profile == TlsProfile.COMPATIBILITY) {
            all.addAll(TLS12_LEGACY);
        }
        return List.copyOf(all);
    }
}
