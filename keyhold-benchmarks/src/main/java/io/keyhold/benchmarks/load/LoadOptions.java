package io.keyhold.benchmarks.load;

import io.keyhold.protocol.spec.KmipVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Command-line settings of {@link KmipLoad}. {@link #parse} throws {@link IllegalArgumentException} with a
 * message naming the bad option; the caller prints it with the usage text.
 */
record LoadOptions(String host, int port, Path ca, Path cert, Path key, Path p12, String password, Op op,
                   int connections, int durationSeconds, int warmupSeconds, KmipVersion kmipVersion,
                   String tlsProtocol, String cipherSuite, int timeoutMillis, boolean json) {

    /** The operation each connection repeats. */
    enum Op { GET, CREATE }

    static final String USAGE = String.join("\n",
            "usage: java -cp benchmarks.jar io.keyhold.benchmarks.load.KmipLoad [options]",
            "  --host HOST               server address (default 127.0.0.1)",
            "  --port PORT               KMIP port (default 5696)",
            "  --ca FILE                 PEM file of the CA certificate(s) to trust",
            "  --cert FILE --key FILE    client certificate chain (PEM) and its PKCS#8 PEM private key",
            "  --p12 FILE --password PW  or a PKCS#12 file holding the client key and certificate",
            "  --op get|create           Get one AES-256 key repeatedly, or Create AES-256 keys (default get)",
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
                case "--op" -> op = switch (value.toLowerCase(Locale.ROOT)) {
                    case "get" -> Op.GET;
                    case "create" -> Op.CREATE;
                    default -> throw new IllegalArgumentException("--op " + value + " (expected: get or create)");
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
        return new LoadOptions(host, port, ca, cert, key, p12, password, op, connections, duration, warmup, version,
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
