package io.keyhold.server.testing;

import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestHeader;
import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.io.DataInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A minimal blocking KMIP client for tests: one mutually authenticated TLS connection, one request at a
 * time, every byte visible. Not a product client; it checks nothing about the answers itself.
 */
public final class KmipTestClient implements AutoCloseable {
    private final SSLSocket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final TtlvEncoder encoder = new TtlvEncoder();
    private final TtlvDecoder decoder = new TtlvDecoder();

    private KmipTestClient(SSLSocket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(socket.getInputStream());
    }

    /** Connects with the PKCS#12 client identity (password changeit) and trusts the PEM CA. */
    public static KmipTestClient connect(int port, Path p12, Path caPem) throws Exception {
        return connect(port, sslContext(p12, caPem), null, null);
    }

    public static KmipTestClient connect(int port, SSLContext context, String[] protocols, String[] suites)
            throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        if (protocols != null) {
            s.setEnabledProtocols(protocols);
        }
        if (suites != null) {
            s.setEnabledCipherSuites(suites);
        }
        s.setSoTimeout(30_000);
        s.startHandshake();
        return new KmipTestClient(s);
    }

    public static SSLContext sslContext(Path p12, Path caPem) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream is = new FileInputStream(p12.toFile())) {
            ks.load(is, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        KeyStore ts = KeyStore.getInstance(KeyStore.getDefaultType());
        ts.load(null, null);
        try (InputStream is = new FileInputStream(caPem.toFile())) {
            int i = 0;
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(is)) {
                ts.setCertificateEntry("ca" + i++, (X509Certificate) c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    public SSLSocket socket() {
        return socket;
    }

    /** Sends raw bytes and returns the raw response message. */
    public byte[] exchange(byte[] request) throws IOException {
        out.write(request);
        out.flush();
        return readMessage();
    }

    /** Reads one whole TTLV message from the connection. */
    public byte[] readMessage() throws IOException {
        byte[] header = new byte[8];
        in.readFully(header);
        int length = ((header[4] & 0xff) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8) | (header[7] & 0xff);
        byte[] message = new byte[8 + length];
        System.arraycopy(header, 0, message, 0, 8);
        in.readFully(message, 8, length);
        return message;
    }

    public TtlvItem exchange(TtlvItem request) throws Exception {
        return decoder.decode(exchange(encoder.encode(request)));
    }

    public ResponseMessage send(RequestMessage request) throws Exception {
        return ResponseMessage.from(exchange(request.toTtlv()));
    }

    /** Sends one operation in a one-item batch and returns its response item. */
    public ResponseBatchItem call(KmipVersion version, Operation operation, TtlvItem payload) throws Exception {
        ResponseMessage r = send(new RequestMessage(RequestHeader.of(version, 1), List.of(RequestBatchItem.of(operation, payload))));
        return r.batchItems().get(0);
    }

    /** Like {@link #call} but fails unless the item succeeded; returns its Response Payload. */
    public TtlvItem ok(KmipVersion version, Operation operation, TtlvItem payload) throws Exception {
        ResponseBatchItem item = call(version, operation, payload);
        if (item.resultStatus() != ResultStatus.SUCCESS.value()) {
            throw new AssertionError(operation.specName() + " at " + version + " failed: reason " + item.resultReason()
                    + ": " + item.resultMessage());
        }
        return item.payload();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
