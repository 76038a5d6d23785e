package io.keyhold.server.transport;

import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.tls.LegacySuites;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** A blocking TLS client for tests: connects to 127.0.0.1 without SNI, sends bytes, reads TTLV messages. */
public final class TlsClient implements AutoCloseable {
    private final SSLSocket socket;
    private final DataInputStream in;

    private TlsClient(SSLSocket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
    }

    /** A client context with the PKCS#12 identity (null for none), trusting the CA in {@code caPem}. */
    public static SSLContext context(Path p12, Path caPem) throws Exception {
        LegacySuites.enable();
        KeyManagerFactory kmf = null;
        if (p12 != null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream s = Files.newInputStream(p12)) {
                ks.load(s, "changeit".toCharArray());
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, "changeit".toCharArray());
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream s = Files.newInputStream(caPem)) {
            trust.setCertificateEntry("ca", (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(s));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    /** Client 1 of the trusted test PKI. */
    public static SSLContext client1() throws Exception {
        return context(TestPki.trusted().clientP12(1), TestPki.trusted().ca());
    }

    /** Connects and completes the handshake; {@code protocol} and {@code suite} may be null for defaults. */
    public static TlsClient connect(SSLContext ctx, int port, String protocol, String suite) throws IOException {
        Socket raw = new Socket();
        raw.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        // Layering over a connected socket with a null host sends no SNI.
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(raw, null, port, true);
        s.setUseClientMode(true);
        s.setSoTimeout(5000);
        if (protocol != null) {
            s.setEnabledProtocols(new String[] {protocol});
        }
        if (suite != null) {
            s.setEnabledCipherSuites(new String[] {suite});
        }
        try {
            s.startHandshake();
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return new TlsClient(s);
    }

    public static TlsClient connect(int port) throws Exception {
        return connect(client1(), port, null, null);
    }

    public SSLSocket socket() {
        return socket;
    }

    public void send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** Reads one whole TTLV message. */
    public byte[] readMessage() throws IOException {
        byte[] header = new byte[8];
        in.readFully(header);
        int length = (int) TtlvDecoder.messageLength(header, 0);
        byte[] all = new byte[length];
        System.arraycopy(header, 0, all, 0, 8);
        in.readFully(all, 8, length - 8);
        return all;
    }

    public TtlvItem readItem() throws Exception {
        return new TtlvDecoder().decode(readMessage());
    }

    /** True when the server closes the connection (end of stream or reset) within the read timeout. */
    public boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (EOFException e) {
            return true;
        } catch (IOException e) {
            return true; // reset, or a TLS alert that ends the connection
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
