package io.keyhold.testkit.load;

import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/** One mutual-TLS connection sending one request at a time and reading its response. */
final class KmipConnection implements LoadConnection {
    private static final int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

    private final SSLSocket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final TtlvDecoder decoder = new TtlvDecoder();
    private final byte[] header = new byte[8];

    private KmipConnection(SSLSocket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects and completes the handshake, so that a TLS failure shows here and not on the first request. */
    static KmipConnection open(SSLContext ctx, LoadOptions o) throws IOException {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket();
        try {
            s.setTcpNoDelay(true);
            s.setSoTimeout(o.timeoutMillis());
            if (o.tlsProtocol() != null) {
                s.setEnabledProtocols(new String[] {o.tlsProtocol()});
            }
            if (o.cipherSuite() != null) {
                s.setEnabledCipherSuites(new String[] {o.cipherSuite()});
            }
            s.connect(new InetSocketAddress(o.host(), o.port()), o.timeoutMillis());
            s.startHandshake();
            return new KmipConnection(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** The TLS session of this connection. */
    SSLSession session() {
        return socket.getSession();
    }

    @Override
    public String protocol() {
        return socket.getSession().getProtocol();
    }

    @Override
    public String cipherSuite() {
        return socket.getSession().getCipherSuite();
    }

    @Override
    public TtlvItem call(byte[] request) throws IOException, CodecException {
        out.write(request);
        out.flush();
        in.readFully(header);
        long total = TtlvDecoder.messageLength(header, 0);
        if (total > MAX_RESPONSE_BYTES) {
            throw new IOException("response length " + total + " (expected: <= " + MAX_RESPONSE_BYTES + ")");
        }
        byte[] message = new byte[(int) total];
        System.arraycopy(header, 0, message, 0, 8);
        in.readFully(message, 8, message.length - 8);
        return decoder.decode(message);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a broken connection: nothing more to do
        }
    }
}
