package io.keyhold.testkit.load;

import io.keyhold.protocol.spec.KmipVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The settings of one load run. Built with {@link #create}, which checks them and throws
 * {@link IllegalArgumentException} with a one-line message naming the bad option.
 *
 * @param durationSeconds measured seconds, or 0 when the run stops after {@code requestLimit} requests
 * @param requestLimit    measured requests in total over all connections, or 0 for a run of fixed duration
 * @param cipher          the encrypt cipher asked for, or null for the default ({@link #effectiveCipher()})
 */
public record LoadOptions(String host, int port, Path ca, Path cert, Path key, OperationMix mix,
                          KmipRequests.CipherMode cipher, int connections, int durationSeconds, long requestLimit,
                          int warmupSeconds, KmipVersion kmipVersion, String tlsProtocol, String cipherSuite,
                          int timeoutMillis, long seed) {
    /** Measured seconds when neither a duration nor a request limit is given. */
    public static final int DEFAULT_DURATION_SECONDS = 20;
    public static final int DEFAULT_WARMUP_SECONDS = 5;
    public static final int DEFAULT_TIMEOUT_MILLIS = 30_000;
    public static final int MAX_CONNECTIONS = 10_000;

    public LoadOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(mix, "mix");
        Objects.requireNonNull(kmipVersion, "kmipVersion");
        if ((durationSeconds > 0) == (requestLimit > 0)) {
            throw new IllegalArgumentException("exactly one of durationSeconds and requestLimit must be positive");
        }
    }

    /**
     * Checks the settings as given on a command line and builds the options.
     *
     * @param duration  --duration seconds, or null
     * @param requests  --requests, or null (neither: {@value #DEFAULT_DURATION_SECONDS} s)
     * @param warmup    --warmup seconds, or null ({@value #DEFAULT_WARMUP_SECONDS} s)
     * @param cipher    --cipher gcm|cbc, or null
     * @param timeout   --timeout-ms, or null ({@value #DEFAULT_TIMEOUT_MILLIS})
     * @throws IllegalArgumentException with a one-line message naming the option
     */
    public static LoadOptions create(String host, int port, Path ca, Path cert, Path key, String operation,
                                     String cipher, int connections, Integer duration, Long requests, Integer warmup,
                                     String kmipVersion, String tlsProtocol, String cipherSuite, Integer timeout,
                                     long seed) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " (expected: 1 .. 65535)");
        }
        OperationMix mix;
        try {
            mix = OperationMix.parse(operation);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--op: " + e.getMessage());
        }
        positive("--connections", connections, MAX_CONNECTIONS);
        if (duration != null && requests != null) {
            throw new IllegalArgumentException("give either --duration or --requests, not both");
        }
        if (duration != null) {
            positive("--duration", duration, 86_400);
        }
        if (mix.contains(LoadOperation.IDLE)) {
            if (requests != null) {
                throw new IllegalArgumentException("--requests does not apply to --op idle (it holds the connections"
                        + " for --duration seconds)");
            }
            if (warmup != null) {
                throw new IllegalArgumentException("--warmup does not apply to --op idle");
            }
        }
        if (requests != null && requests < 1) {
            throw new IllegalArgumentException("--requests " + requests + " (expected: > 0)");
        }
        int warmupSeconds = mix.contains(LoadOperation.IDLE) ? 0 : warmup == null ? DEFAULT_WARMUP_SECONDS : warmup;
        if (warmupSeconds < 0 || warmupSeconds > 86_400) {
            throw new IllegalArgumentException("--warmup " + warmupSeconds + " (expected: 0 .. 86400)");
        }
        int timeoutMillis = timeout == null ? DEFAULT_TIMEOUT_MILLIS : timeout;
        positive("--timeout-ms", timeoutMillis, 3_600_000);
        KmipVersion version;
        try {
            version = KmipVersion.parse(kmipVersion.trim());
        } catch (RuntimeException e) {
            version = null;
        }
        if (version == null || !version.isKnown()) {
            throw new IllegalArgumentException("--kmip-version " + kmipVersion + " (expected: 1.0 .. 2.1)");
        }
        if (tlsProtocol != null && !tlsProtocol.equals("TLSv1.2") && !tlsProtocol.equals("TLSv1.3")) {
            throw new IllegalArgumentException("--tls-protocol " + tlsProtocol + " (expected: TLSv1.2 or TLSv1.3)");
        }
        KmipRequests.CipherMode mode = null;
        if (cipher != null) {
            mode = switch (cipher.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "gcm" -> KmipRequests.CipherMode.GCM;
                case "cbc" -> KmipRequests.CipherMode.CBC;
                default -> throw new IllegalArgumentException("--cipher " + cipher + " (expected: gcm or cbc)");
            };
            if (!mix.contains(LoadOperation.ENCRYPT)) {
                throw new IllegalArgumentException("--cipher applies to the encrypt operation only");
            }
            if (mode == KmipRequests.CipherMode.GCM && !version.isAtLeast(KmipVersion.V1_4)) {
                throw new IllegalArgumentException("--cipher gcm needs --kmip-version 1.4 or later"
                        + " (the Authenticated Encryption Tag came in KMIP 1.4)");
            }
        }
        readable(ca);
        readable(cert);
        readable(key);
        int durationSeconds = requests != null ? 0 : duration != null ? duration : DEFAULT_DURATION_SECONDS;
        return new LoadOptions(host, port, ca, cert, key, mix, mode, connections, durationSeconds,
                requests == null ? 0 : requests, warmupSeconds, version, tlsProtocol, cipherSuite, timeoutMillis, seed);
    }

    /** True when the run stops after {@link #requestLimit()} requests rather than after a duration. */
    public boolean limitedByRequests() {
        return requestLimit > 0;
    }

    /** The cipher of the encrypt operation: GCM from KMIP 1.4 unless --cipher says otherwise, CBC before. */
    KmipRequests.CipherMode effectiveCipher() {
        if (cipher != null) {
            return cipher;
        }
        return kmipVersion.isAtLeast(KmipVersion.V1_4) ? KmipRequests.CipherMode.GCM : KmipRequests.CipherMode.CBC;
    }

    private static void positive(String name, long value, long max) {
        if (value < 1 || value > max) {
            throw new IllegalArgumentException(name + " " + value + " (expected: 1 .. " + max + ")");
        }
    }

    private static void readable(Path p) {
        if (!Files.isReadable(p)) {
            throw new IllegalArgumentException(p + ": file not found or not readable");
        }
    }
}
