package io.keyhold.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine;

/** Runs dev or serve in a background thread, waits for the ready line, and stops them. */
final class ServerCommands {
    private static final Pattern READY = Pattern.compile("Keyhold ready: KMIP on 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern HTTPS = Pattern.compile("Keyhold ready: KMIP on [^,]+, HTTPS on 127\\.0\\.0\\.1:(\\d+)");

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final CommandLine cl = KeyholdCommand.commandLine(new ByteArrayInputStream(new byte[0]), out, err);
    CompletableFuture<Integer> exit;

    /** Starts the command; returns the port from the ready line. */
    int start(String... args) throws Exception {
        exit = CompletableFuture.supplyAsync(() -> cl.execute(args));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String printed = stdout();
            Matcher m = READY.matcher(printed);
            // the ready line comes first; the connection help follows it and ends with the stop hint
            if (m.find() && printed.contains("Stop with Ctrl-C or SIGTERM.")) {
                return Integer.parseInt(m.group(1));
            }
            if (exit.isDone()) {
                throw new AssertionError("exited with " + exit.get() + ": " + stderr());
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no ready line; stdout: " + stdout() + " stderr: " + stderr());
    }

    /** The HTTPS port from the ready line, or -1 when the server runs no HTTPS listener. */
    int httpsPort() {
        Matcher m = HTTPS.matcher(stdout());
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    String stdout() {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Connects with a PKCS#12 client identity (password changeit), sends the request, returns the answer. */
    static byte[] exchange(int port, Path p12, Path ca, byte[] request) throws Exception {
        return exchange(port, p12, ca, request, null);
    }

    /** As {@link #exchange(int, Path, Path, byte[])}, over TLS 1.2 with only the given suite (null: defaults). */
    static byte[] exchange(int port, Path p12, Path ca, byte[] request, String tls12Suite) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream s = Files.newInputStream(p12)) {
            ks.load(s, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream s = Files.newInputStream(ca)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(s));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        Socket raw = new Socket();
        raw.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(raw, "localhost", port, true)) {
            s.setSoTimeout(10000);
            if (tls12Suite != null) {
                s.setEnabledProtocols(new String[] {"TLSv1.2"});
                s.setEnabledCipherSuites(new String[] {tls12Suite});
            }
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] header = new byte[8];
            in.readFully(header);
            int length = ((header[4] & 0xFF) << 24) | ((header[5] & 0xFF) << 16) | ((header[6] & 0xFF) << 8)
                    | (header[7] & 0xFF);
            byte[] all = new byte[8 + length];
            System.arraycopy(header, 0, all, 0, 8);
            in.readFully(all, 8, length);
            return all;
        }
    }

    /** A Request Message header-and-nothing: enough for the server to frame and answer. */
    static final byte[] REQUEST = {0x42, 0x00, 0x78, 0x01, 0x00, 0x00, 0x00, 0x10,
            0x42, 0x00, (byte) 0x94, 0x07, 0x00, 0x00, 0x00, 0x02, 'h', 'i', 0, 0, 0, 0, 0, 0};
}
