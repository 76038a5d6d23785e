package io.keyhold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.server.pki.DevPki;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code keyhold health} against a small HTTPS server with the development PKI's server certificate: exit 0
 * on 200, 1 on 503 or when nothing listens, the port from KEYHOLD_HTTP_PORT, the CA checked with --ca, and
 * refused without it for a host that is not a loopback address.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HealthCommandTest {
    @TempDir
    static Path pki;

    static SSLContext serverTls;

    private SSLServerSocket listener;
    private Thread acceptor;

    @BeforeAll
    static void tls() throws Exception {
        DevPki.ensure(pki);
        DevPki.Layout layout = new DevPki.Layout(pki);
        Certificate[] chain;
        try (InputStream in = java.nio.file.Files.newInputStream(layout.serverCertificate())) {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(Certificate[]::new);
        }
        String pem = java.nio.file.Files.readString(layout.serverKey());
        PrivateKey key = privateKey(pem, chain[0].getPublicKey().getAlgorithm());
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", key, "pw".toCharArray(), chain);
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "pw".toCharArray());
        serverTls = SSLContext.getInstance("TLS");
        serverTls.init(keys.getKeyManagers(), null, null);
    }

    private static PrivateKey privateKey(String pem, String algorithm) throws Exception {
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    /** Answers every request with this status and body, then closes the connection. */
    private int serve(int status, String body) throws IOException {
        listener = (SSLServerSocket) serverTls.getServerSocketFactory().createServerSocket();
        listener.bind(new InetSocketAddress("127.0.0.1", 0));
        AtomicReference<String> unused = new AtomicReference<>();
        acceptor = new Thread(() -> {
            while (!listener.isClosed()) {
                try (var socket = listener.accept()) {
                    InputStream in = socket.getInputStream();
                    StringBuilder request = new StringBuilder();
                    while (!request.toString().endsWith("\r\n\r\n")) {
                        int b = in.read();
                        if (b < 0) {
                            break;
                        }
                        request.append((char) b);
                    }
                    unused.set(request.toString());
                    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                    OutputStream out = socket.getOutputStream();
                    out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: "
                            + bytes.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(bytes);
                    out.flush();
                } catch (IOException closed) {
                    // the listener closed, or the client went away
                }
            }
        }, "health-test-server");
        acceptor.setDaemon(true);
        acceptor.start();
        return listener.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        if (listener != null) {
            listener.close();
            acceptor.join(5000);
        }
    }

    private static CliRun health(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cl = KeyholdCommand.commandLine(new ByteArrayInputStream(new byte[0]), out, err);
        CommandLine sub = cl.getSubcommands().get("health");
        CommandLine replaced = new CommandLine(new HealthCommand(env));
        replaced.setOut(sub.getOut());
        replaced.setErr(sub.getErr());
        replaced.setExecutionExceptionHandler(sub.getExecutionExceptionHandler());
        replaced.setParameterExceptionHandler(cl.getParameterExceptionHandler());
        cl.getCommandSpec().removeSubcommand("health");
        cl.addSubcommand("health", replaced);
        String[] all = new String[args.length + 1];
        all[0] = "health";
        System.arraycopy(args, 0, all, 1, args.length);
        int exit = cl.execute(all);
        return new CliRun(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void ready_exits0_withThePortFromTheEnvironment() throws Exception {
        int port = serve(200, "{\"status\":\"up\",\"checks\":{\"database\":\"up\"}}");
        CliRun r = health(Map.of("KEYHOLD_HTTP_PORT", String.valueOf(port)));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("ready: {\"status\":\"up\",\"checks\":{\"database\":\"up\"}}"
                + System.lineSeparator());
    }

    @Test
    void notReady_exits1_withTheAnswer() throws Exception {
        int port = serve(503, "{\"status\":\"down\",\"checks\":{\"database\":\"down\"}}");
        CliRun r = health(Map.of(), "--url", "https://127.0.0.1:" + port + "/health/ready");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).isEqualTo("keyhold health: not ready (HTTP 503): {\"status\":\"down\",\"checks\":"
                + "{\"database\":\"down\"}}" + System.lineSeparator());
    }

    @Test
    void nothingListening_exits1() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        CliRun r = health(Map.of("KEYHOLD_HTTP_PORT", String.valueOf(port)));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).startsWith("keyhold health: cannot reach https://127.0.0.1:" + port + "/health/ready: ");
        assertThat(r.stderr().lines()).hasSize(1);
    }

    @Test
    void withCa_theServerCertificateIsChecked() throws Exception {
        int port = serve(200, "{\"status\":\"up\"}");
        CliRun trusted = health(Map.of(), "--url", "https://localhost:" + port + "/health/ready", "--ca",
                new DevPki.Layout(pki).ca().toString());
        assertThat(trusted.exitCode()).as(trusted.stderr()).isZero();

        // another CA: the handshake fails, and so does the check
        Path other = pki.resolveSibling(pki.getFileName() + "-other");
        DevPki.ensure(other);
        CliRun untrusted = health(Map.of(), "--url", "https://localhost:" + port + "/health/ready", "--ca",
                new DevPki.Layout(other).ca().toString());
        assertThat(untrusted.exitCode()).isEqualTo(1);
        assertThat(untrusted.stderr()).startsWith("keyhold health: cannot reach https://localhost:" + port);
    }

    @Test
    void usageErrors_exit2() {
        assertThat(health(Map.of(), "--url", "http://127.0.0.1:8443/health").exitCode()).isEqualTo(2);
        assertThat(health(Map.of("KEYHOLD_HTTP_PORT", "many")).stderr()).contains("KEYHOLD_HTTP_PORT must be a port");
        CliRun remote = health(Map.of(), "--url", "https://192.0.2.1:8443/health/ready");
        assertThat(remote.exitCode()).isEqualTo(2);
        assertThat(remote.stderr()).contains("--ca is required to check 192.0.2.1");
    }
}
