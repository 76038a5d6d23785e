package io.keyhold.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.URL;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code keyhold health}: asks a server's HTTPS listener whether it is ready ({@code /health/ready}) and
 * exits 0 when it is, 1 when it is not or cannot be reached. It is the container image's health check, so
 * it needs nothing but the server's address: the port comes from {@code KEYHOLD_HTTP_PORT} when set.
 *
 * <p>The health endpoints are open and say nothing secret, and the command sends nothing, so on a loopback
 * address the server's certificate is not checked (a container's health check has no CA file to check it
 * with). Any other host needs {@code --ca}.
 */
@Command(name = "health", mixinStandardHelpOptions = true,
        description = "Checks that a Keyhold server is ready (GET /health/ready on its HTTPS listener): exit "
                + "status 0 when it is, 1 when it is not or cannot be reached.",
        footer = {"", "Examples:", "  keyhold health                                   # https://127.0.0.1:8443/health/ready",
                "  keyhold health --url https://kms1.example.com:8443/health/ready --ca ca.pem"})
final class HealthCommand implements Callable<Integer> {
    static final String DEFAULT_PATH = "/health/ready";

    @Spec
    private CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL",
            description = "What to ask (default: https://127.0.0.1:PORT/health/ready, PORT from "
                    + "KEYHOLD_HTTP_PORT or 8443).")
    String url;

    @Option(names = "--ca", paramLabel = "FILE",
            description = "PEM file of the CA the server's certificate must chain to; required for a host "
                    + "other than a loopback address.")
    Path ca;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "5",
            description = "How long to wait for the answer (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    private final Map<String, String> environment;

    HealthCommand() {
        this(System.getenv());
    }

    HealthCommand(Map<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws Exception {
        if (timeoutSeconds < 1 || timeoutSeconds > 300) {
            throw new ParameterException(spec.commandLine(), "--timeout must be from 1 to 300 seconds");
        }
        URI target = target();
        SSLContext tls = ca != null ? trusting(ca) : loopbackOnly(target);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        HttpsURLConnection connection;
        try {
            connection = (HttpsURLConnection) new URL(target.toString()).openConnection();
        } catch (IOException e) {
            err.println("keyhold health: " + target + ": " + e.getMessage());
            return 1;
        }
        connection.setSSLSocketFactory(tls.getSocketFactory());
        if (ca == null) {
            connection.setHostnameVerifier((host, session) -> true);
        }
        connection.setConnectTimeout(timeoutSeconds * 1000);
        connection.setReadTimeout(timeoutSeconds * 1000);
        connection.setInstanceFollowRedirects(false);
        try {
            int status = connection.getResponseCode();
            String body = readBody(connection, status);
            if (status == 200) {
                out.println("ready: " + body);
                return 0;
            }
            err.println("keyhold health: not ready (HTTP " + status + "): " + body);
            return 1;
        } catch (IOException e) {
            err.println("keyhold health: cannot reach " + target + ": " + describe(e));
            return 1;
        } finally {
            connection.disconnect();
        }
    }

    private URI target() {
        if (url != null) {
            URI given;
            try {
                given = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--url is not a URL: " + url);
            }
            if (!"https".equalsIgnoreCase(given.getScheme()) || given.getHost() == null) {
                throw new ParameterException(spec.commandLine(),
                        "--url must be an https:// URL with a host (the health endpoints are on the HTTPS listener)");
            }
            return given;
        }
        String port = environment.getOrDefault("KEYHOLD_HTTP_PORT", "8443").trim();
        if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw new ParameterException(spec.commandLine(),
                    "KEYHOLD_HTTP_PORT must be a port number from 1 to 65535 (was \"" + port + "\")");
        }
        return URI.create("https://127.0.0.1:" + port + DEFAULT_PATH);
    }

    private SSLContext loopbackOnly(URI target) throws GeneralSecurityException {
        boolean loopback;
        try {
            loopback = InetAddress.getByName(target.getHost().replaceAll("^\\[|\\]$", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            loopback = false;
        }
        if (!loopback) {
            throw new ParameterException(spec.commandLine(),
                    "--ca is required to check " + target.getHost() + " (only a loopback address is asked without it)");
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new AnyServerCertificate()}, null);
        return context;
    }

    private static SSLContext trusting(Path caFile) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            int i = 0;
            for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, certificate);
            }
            if (i == 0) {
                throw new IOException(caFile + " holds no certificate");
            }
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static String readBody(HttpsURLConnection connection, int status) throws IOException {
        InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream();
        if (in == null) {
            return "";
        }
        try (in) {
            byte[] bytes = in.readNBytes(4096);
            return new String(bytes, StandardCharsets.UTF_8).replaceAll("\\R+", " ").trim();
        }
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }

    /** The server is on this machine and is asked nothing secret: any certificate it shows is accepted. */
    private static final class AnyServerCertificate implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // loopback only: see the class comment
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
