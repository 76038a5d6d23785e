package io.keyhold.cli;

import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.testkit.conformance.ClientTls;
import io.keyhold.testkit.conformance.ConformanceReport;
import io.keyhold.testkit.conformance.ConformanceRun;
import io.keyhold.testkit.conformance.FileResult;
import io.keyhold.testkit.conformance.HttpsKmipConnection;
import io.keyhold.testkit.conformance.TlsKmipConnection;
import io.keyhold.testkit.conformance.VectorReplayer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code keyhold conformance}: replays OASIS XML test vectors against a KMIP server over TTLV and mutual
 * TLS and compares every response with the expected one (docs/conformance.md gives the rules). Prints a
 * line per file and "N passed, M failed"; exit status 1 when any file failed.
 */
@Command(name = "conformance",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        description = {"Replays OASIS KMIP XML test vectors against a server and compares the responses.",
                "Prints one line per file and 'N passed, M failed'; exits 1 when any file failed."},
        footer = {"", "Example:", "  keyhold conformance --vectors vectors/ --server 127.0.0.1:5696 --certs keyhold-dev "
                + "--version-filter 1.0-2.1 --report conformance.md"})
final class ConformanceCommand implements Callable<Integer> {
    static final int TIMEOUT_MILLIS = 30_000;
    static final long TIME_TOLERANCE_SECONDS = 60;

    @Spec
    private CommandSpec spec;

    @Option(names = "--vectors", required = true, paramLabel = "DIR_OR_FILE",
            description = "An XML vector file, or a directory searched for *.xml files.")
    Path vectors;

    @Option(names = "--server", required = true, paramLabel = "HOST:PORT", description = "The KMIP server.")
    String server;

    @Option(names = "--certs", required = true, paramLabel = "DIR",
            description = "Directory with ca.pem and the client's PKCS#12 file, as 'keyhold dev' creates it.")
    Path certs;

    @Option(names = "--client", paramLabel = "FILE", defaultValue = "client.p12",
            description = "The client's PKCS#12 file in DIR (default: ${DEFAULT-VALUE}); its password comes from "
                    + "KEYHOLD_CLIENT_P12_PASSWORD, or is 'changeit' as for 'keyhold dev'.")
    String client;

    @Option(names = "--fresh-identity",
            description = "Connect with a new client certificate for each file, issued from DIR/ca.key, so that no "
                    + "file sees the objects another left behind (the server scopes objects by owner); a file that "
                    + "starts with Locate continues the previous file of its profile and version as its client.")
    boolean freshIdentity;

    @Option(names = "--encoding", paramLabel = "ENCODING", defaultValue = "ttlv",
            description = "Message encoding on the wire: ttlv (over the KMIP port, or over HTTPS with --https), json "
                    + "or xml (always over HTTPS: POST /kmip, KMIP Additional Message Encodings; --server is then the "
                    + "HTTPS port).")
    String encoding;

    @Option(names = "--https", description = "Send TTLV over HTTPS (POST /kmip) rather than on the KMIP port; "
            + "implied by --encoding json and xml.")
    boolean https;

    @Option(names = "--version-filter", paramLabel = "VERSIONS", split = ",",
            description = "Protocol versions to replay: 1.4, or a range 1.0-2.1; several separated by commas.")
    List<String> versionFilter;

    @Option(names = "--report", paramLabel = "FILE", description = "Write a Markdown report to FILE.")
    Path report;

    @Override
    public Integer call() throws IOException {
        HttpsKmipConnection.Encoding wire;
        try {
            wire = HttpsKmipConnection.Encoding.parse(encoding);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--encoding': '" + encoding
                    + "' (expected: ttlv, json or xml)");
        }
        boolean overHttps = https || wire != HttpsKmipConnection.Encoding.TTLV;
        int colon = server.lastIndexOf(':');
        int port = colon < 1 ? -1 : parsePort(server.substring(colon + 1));
        if (port < 1) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--server': '" + server
                    + "' (expected: HOST:PORT)");
        }
        String host = server.substring(0, colon).replaceAll("^\\[|]$", "");
        Set<KmipVersion> versions = versions(versionFilter);
        String password = System.getenv("KEYHOLD_CLIENT_P12_PASSWORD");
        ConformanceRun.Connector connector;
        if (freshIdentity) {
            FreshClientIdentities identities = FreshClientIdentities.fromDirectory(certs);
            connector = overHttps
                    ? file -> HttpsKmipConnection.open(identities.forFile(file), host, port, wire, TIMEOUT_MILLIS)
                    : file -> TlsKmipConnection.open(identities.forFile(file), host, port, TIMEOUT_MILLIS);
        } else {
            SSLContext tls = ClientTls.fromDirectory(certs, client, (password == null ? "changeit" : password).toCharArray());
            connector = overHttps
                    ? file -> HttpsKmipConnection.open(tls, host, port, wire, TIMEOUT_MILLIS)
                    : file -> TlsKmipConnection.open(tls, host, port, TIMEOUT_MILLIS);
        }
        ConformanceRun run = new ConformanceRun(new VectorReplayer(Clock.systemUTC(), TIME_TOLERANCE_SECONDS), connector,
                versions);
        PrintWriter out = spec.commandLine().getOut();
        List<FileResult> results = run.run(vectors, r -> {
            out.println(r.line());
            out.flush();
        });
        if (report != null) {
            Files.writeString(report, ConformanceReport.markdown(results), StandardCharsets.UTF_8);
        }
        out.println(ConformanceReport.summary(results));
        out.flush();
        return results.stream().allMatch(FileResult::passed) ? 0 : 1;
    }

    private static int parsePort(String text) {
        try {
            int p = Integer.parseInt(text);
            return p <= 65535 ? p : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private Set<KmipVersion> versions(List<String> filter) {
        Set<KmipVersion> out = new LinkedHashSet<>();
        if (filter == null) {
            return out;
        }
        for (String f : filter) {
            try {
                String[] range = f.trim().split("-", 2);
                KmipVersion from = KmipVersion.parse(range[0].trim());
                KmipVersion to = range.length == 2 ? KmipVersion.parse(range[1].trim()) : from;
                for (int major = from.major(); major <= to.major(); major++) {
                    for (int minor = 0; minor <= 9; minor++) {
                        KmipVersion v = new KmipVersion(major, minor);
                        if (v.compareTo(from) >= 0 && v.compareTo(to) <= 0) {
                            out.add(v);
                        }
                    }
                }
            } catch (RuntimeException e) {
                throw new ParameterException(spec.commandLine(), "Invalid value for option '--version-filter': '" + f
                        + "' (expected: a version such as 1.4 or a range such as 1.0-2.1)");
            }
        }
        return out;
    }
}
