package io.keyhold.testkit.load;

import io.keyhold.protocol.spec.KmipVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Command-line settings of {@link KmipLoad}. {@link #parse} throws {@link IllegalArgumentException} with a
 * message naming the bad option; the caller prints it with the usage text.
 */
record LoadOptions(String host, int port, Path ca, Path cert, Path key, Path p12, String password, Op op,
                   KmipRequests.CipherMode cipher, int connections, int durationSeconds, int warmupSeconds, KmipVersion kmipVersion,
                   String tlsProtocol, String cipherSuite, int timeoutMillis, boolean json) {

    /** The operation each connection repeats. */
    enum Op {
        GET("get"), CREATE("create"), ENCRYPT("encrypt"), SIGN_ECDSA("sign-ecdsa"), SIGN_RSA("sign-rsa");

        final String cliName;

        Op(String cliName) {
            this.cliName = cliName;
        }

        static Op parse(String value) {
            for (Op op : values()) {
                if (op.cliName.equals(value.toLowerCase(Locale.ROOT))) {
                    return op;
                }
            }
            throw new IllegalArgumentException("--op " + value + " (expected: get, create, encrypt, sign-ecdsa or sign-rsa)");
        }
    }

    /** The cipher of the encrypt operation: GCM from KMIP 1.4 unless --cipher says otherwise, CBC before. */
    KmipRequests.CipherMode effectiveCipher() {
        if (cipher != null) {
            return cipher;
        }
        return kmipVersion.isAtLeast(KmipVersion.V1_4) ? KmipRequests.CipherMode.GCM : KmipRequests.CipherMode.CBC;
    }

    static final String USAGE = String.join("\n",
            "usage: java -cp benchmarks.jar io.keyhold.testkit.load.KmipLoad [options]",
            "  --host HOST               server address (default 127.0.0.1)",
            "  --port PORT               KMIP port (default 5696)",
            "  --ca FILE                 PEM file of the CA certificate(s) to trust",
            "  --cert FILE --key FILE    client certificate chain (PEM) and its PKCS#8 PEM private key",
            "  --p12 FILE --password PW  or a PKCS#12 file holding the client key and certificate",
            "  --op OP                   what each request does (default get):",
            "                              get: Get one AES-256 key; create: Create AES-256 keys;",
            "                              encrypt: Encrypt 1 KiB with one AES-256 key, a fresh client IV each time;",
            "                              sign-ecdsa: Sign 64 bytes, ECDSA P-256 SHA-256;",
            "                              sign-rsa: Sign 64 bytes, RSA-2048 SHA-256 PKCS#1 v1.5",
            "  --cipher gcm|cbc          encrypt: AES-GCM (tag 16 bytes, KMIP 1.4 or later) or AES-CBC PKCS5;",
            "                              default gcm from KMIP 1.4 (falling back to cbc if the server refuses it), cbc before",
            "  --connections N           connections, one thread each (default 1)",
            "  --duration S              measured seconds (default 20)",
            "  --warmup S                seconds run before measuring (default 5)",
            "  --kmip-version V          protocol version of the requests: 1.0 .. 2.1 (default 1.2)",
            "  --tls-protocol P          TLSv1.2 or TLSv1.3 (default: whatever both ends prefer)",
            "  --cipher-suite NAME       enable only this JSSE cipher suite, e.g. TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
            "  --timeout-ms MS           connect and read timeout (default 30000)",
            "  --json                    print one JSON object instead of text");

    static LoadOptions parse(String[] args) {
        String host = "127.0.0.1";
        int port = 5696;
        Path ca = null;
        Path cert = null;
        Path key = null;
        Path p12 = null;
        String password = null;
        Op op = Op.GET;
        KmipRequests.CipherMode cipher = null;
        int connections = 1;
        int duration = 20;
        int warmup = 5;
        KmipVersion version = KmipVersion.V1_2;
        String tlsProtocol = null;
        String cipherSuite = null;
        int timeoutMillis = 30_000;
        boolean json = false;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("--json")) {
                json = true;
                continue;
            }
            if (name.equals("--help") || name.equals("-h")) {
                throw new IllegalArgumentException("");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name.startsWith("--") ? name + " needs a value" : "unknown argument " + name);
            }
            String value = args[++i];
            switch (name) {
                case "--host" -> host = value;
                case "--port" -> port = intIn(name, value, 1, 65535);
                case "--ca" -> ca = readable(name, value);
                case "--cert" -> cert = readable(name, value);
                case "--key" -> key = readable(name, value);
                case "--p12" -> p12 = readable(name, value);
                case "--password" -> password = value;
                case "--op" -> op = Op.parse(value);
                case "--cipher" -> cipher = switch (value.toLowerCase(Locale.ROOT)) {
                    case "gcm" -> KmipRequests.CipherMode.GCM;
                    case "cbc" -> KmipRequests.CipherMode.CBC;
                    default -> throw new IllegalArgumentException("--cipher " + value + " (expected: gcm or cbc)");
                };
                case "--connections" -> connections = intIn(name, value, 1, 10_000);
                case "--duration" -> duration = intIn(name, value, 1, 86_400);
                case "--warmup" -> warmup = intIn(name, value, 0, 86_400);
                case "--kmip-version" -> {
                    try {
                        version = KmipVersion.parse(value);
                    } catch (RuntimeException e) {
                        throw new IllegalArgumentException("--kmip-version " + value + " (expected: 1.0 .. 2.1)");
                    }
                    if (!version.isKnown()) {
                        throw new IllegalArgumentException("--kmip-version " + value + " (expected: 1.0 .. 2.1)");
                    }
                }
                case "--tls-protocol" -> {
                    if (!value.equals("TLSv1.2") && !value.equals("TLSv1.3")) {
                        throw new IllegalArgumentException("--tls-protocol " + value + " (expected: TLSv1.2 or TLSv1.3)");
                    }
                    tlsProtocol = value;
                }
                case "--cipher-suite" -> cipherSuite = value;
                case "--timeout-ms" -> timeoutMillis = intIn(name, value, 1, 3_600_000);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        if (ca == null) {
            throw new IllegalArgumentException("--ca is required");
        }
        if (p12 != null) {
            if (cert != null || key != null) {
                throw new IllegalArgumentException("give either --p12 or --cert/--key, not both");
            }
            if (password == null) {
                throw new IllegalArgumentException("--p12 needs --password");
            }
        } else if (cert == null || key == null) {
            throw new IllegalArgumentException("--cert and --key (or --p12 and --password) are required");
        }
        if (cipher != null && op != Op.ENCRYPT) {
            throw new IllegalArgumentException("--cipher applies to --op encrypt only");
        }
        if (cipher == KmipRequests.CipherMode.GCM && !version.isAtLeast(KmipVersion.V1_4)) {
            throw new IllegalArgumentException("--cipher gcm needs --kmip-version 1.4 or later"
                    + " (the Authenticated Encryption Tag came in KMIP 1.4)");
        }
        return new LoadOptions(host, port, ca, cert, key, p12, password, op, cipher, connections, duration, warmup, version,
                tlsProtocol, cipherSuite, timeoutMillis, json);
    }

    private static int intIn(String name, String value, int min, int max) {
        int v;
        try {
            v = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " " + value + " is not a number");
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException(name + " " + v + " (expected: " + min + " .. " + max + ")");
        }
        return v;
    }

    private static Path readable(String name, String value) {
        Path p = Path.of(value);
        if (!Files.isReadable(p)) {
            throw new IllegalArgumentException(name + " " + value + ": file not found or not readable");
        }
        return p;
    }
}
