package io.keyhold.cli;

import io.keyhold.testkit.load.KmipLoad;
import io.keyhold.testkit.load.LoadOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code keyhold bench}: a closed-loop KMIP load generator against any KMIP server over mutual TLS (the
 * engine is {@link KmipLoad} in keyhold-testkit). Exit status: 0 when the run completed (request errors
 * are counted and reported, not fatal), 1 when a connection or the TLS setup failed or a connection was
 * lost for good, 2 for bad arguments (one line on standard error), 3 when the server refused the setup or
 * the first request of an operation (it does not support the operation or algorithm). The operations
 * handshake, resume and idle measure TLS connections rather than requests (benchmarks/README.md); idle
 * exits 1 when a connection failed to open or to answer after the hold.
 */
@Command(name = "bench",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        description = {"Closed-loop KMIP load against any KMIP server: N connections, one request in flight on each.",
                "Prints ops/s, latency p50/p90/p99/p99.9 in ms and the error count, per operation for a mix."},
        footer = {"",
                "Operations: get, create, locate (by Name), get-attributes, encrypt (1 KiB,",
                "AES-256), sign (RSA-2048), sign-ecdsa (P-256), register (a fresh AES-256 key",
                "each time), or a weighted mix such as mix:get=8,create=2.",
                "Connections: handshake (a new TLS connection with a full handshake per",
                "request: one Discover Versions, then close), resume (the same, resuming the",
                "TLS session; the report counts full and resumed handshakes), idle (open",
                "--connections connections, one Discover Versions each, hold them idle for",
                "--duration seconds, one more Discover Versions each, close; prints",
                "'holding N connections' on standard error once all are open).",
                "",
                "Exit status: 0 the run completed (request errors are reported, not fatal);",
                "1 connection or TLS failure, or a connection lost for good; 2 bad arguments;",
                "3 the server refused the setup or the first request of an operation.",
                "idle: 1 when a connection failed to open or to answer after the hold.",
                "",
                "Examples:",
                "  keyhold bench --server 127.0.0.1:5696 --certs keyhold-dev --op get \\",
                "      --connections 8 --duration 20",
                "  keyhold bench --server 127.0.0.1:5696 --certs keyhold-dev \\",
                "      --op mix:get=8,create=2 --requests 10000 --json",
                "  keyhold bench --server 127.0.0.1:5696 --certs keyhold-dev --op idle \\",
                "      --connections 10000 --duration 60"})
final class BenchCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--server", required = true, paramLabel = "HOST:PORT", description = "The KMIP server.")
    String server;

    @Option(names = "--certs", required = true, paramLabel = "DIR",
            description = "Directory with ca.pem (the CA to trust), the client certificate NAME.pem and its PKCS#8 key "
                    + "NAME.key, as 'keyhold dev' writes them.")
    Path certs;

    @Option(names = "--client", paramLabel = "NAME", defaultValue = "client",
            description = "The client files' name in DIR (default: ${DEFAULT-VALUE}, i.e. client.pem and client.key).")
    String client;

    @Option(names = "--op", paramLabel = "OP", defaultValue = "get",
            description = "What each request does (default: ${DEFAULT-VALUE}); see Operations below.")
    String op;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "1",
            description = "Connections, each with one request in flight (default: ${DEFAULT-VALUE}); for idle, the connections held.")
    int connections;

    @Option(names = "--duration", paramLabel = "S",
            description = "Measured seconds (default: " + LoadOptions.DEFAULT_DURATION_SECONDS + " unless --requests is given); "
                    + "for idle, the seconds the connections are held.")
    Integer duration;

    @Option(names = "--requests", paramLabel = "R",
            description = "Stop after R measured requests in total over all connections, instead of a duration.")
    Long requests;

    @Option(names = "--warmup", paramLabel = "S",
            description = "Seconds run before measuring (default: " + LoadOptions.DEFAULT_WARMUP_SECONDS + ").")
    Integer warmup;

    @Option(names = "--kmip-version", paramLabel = "X.Y", defaultValue = "1.2",
            description = "Protocol version of the requests, 1.0 .. 2.1 (default: ${DEFAULT-VALUE}).")
    String kmipVersion;

    @Option(names = "--tls-protocol", paramLabel = "PROTOCOL",
            description = "TLSv1.2 or TLSv1.3 (default: whatever both ends prefer).")
    String tlsProtocol;

    @Option(names = "--cipher-suite", paramLabel = "NAME",
            description = "Enable only this JSSE cipher suite, e.g. TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256 (PyKMIP offers "
                    + "only CBC-SHA256 suites over TLS 1.2). A TLS_RSA_* suite is re-enabled if the JDK disables it.")
    String cipherSuite;

    @Option(names = "--cipher", paramLabel = "gcm|cbc",
            description = "encrypt: AES-GCM (KMIP 1.4 or later) or AES-CBC PKCS5; default gcm from KMIP 1.4, falling back "
                    + "to cbc if the server refuses it, cbc before.")
    String cipher;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "Seed of the per-connection choice of the next operation of a mix (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--timeout-ms", paramLabel = "MS",
            description = "Connect and read timeout (default: " + LoadOptions.DEFAULT_TIMEOUT_MILLIS + ").")
    Integer timeoutMillis;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() {
        int colon = server.lastIndexOf(':');
        int port = colon < 1 ? -1 : parsePort(server.substring(colon + 1));
        if (port < 1) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--server': '" + server
                    + "' (expected: HOST:PORT)");
        }
        String host = server.substring(0, colon).replaceAll("^\\[|]$", "");
        LoadOptions options;
        try {
            options = LoadOptions.create(host, port, certs.resolve("ca.pem"), certs.resolve(client + ".pem"),
                    certs.resolve(client + ".key"), op, cipher, connections, duration, requests, warmup, kmipVersion,
                    tlsProtocol, cipherSuite, timeoutMillis, seed);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        return KmipLoad.run(options, json, out, err);
    }

    private static int parsePort(String text) {
        try {
            int p = Integer.parseInt(text);
            return p <= 65535 ? p : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Reports a usage error of {@code keyhold bench} in one line on standard error, exit status 2; other
     * commands' usage errors go to {@code others}.
     */
    static IParameterExceptionHandler oneLineUsageErrors(IParameterExceptionHandler others) {
        return (ex, args) -> {
            CommandLine cl = ex.getCommandLine();
            if (!(cl.getCommandSpec().userObject() instanceof BenchCommand)) {
                return others.handleParseException(ex, args);
            }
            cl.getErr().println("keyhold bench: " + ex.getMessage() + " (see keyhold bench --help)");
            cl.getErr().flush();
            return KmipLoad.EXIT_USAGE;
        };
    }
}
