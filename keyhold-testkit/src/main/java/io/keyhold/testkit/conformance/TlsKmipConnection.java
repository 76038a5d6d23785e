package io.keyhold.testkit.conformance;

import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.protocol.ttlv.TtlvFramer;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** A KMIP client connection: binary TTLV over mutual TLS, one request in flight at a time. */
public final class TlsKmipConnection implements KmipConnection {
    private final SSLSocket socket;
    private final TtlvEncoder encoder = new TtlvEncoder();
    private final TtlvFramer framer = new TtlvFramer(new TtlvDecoder());
    private final byte[] buffer = new byte[8192];

    private TlsKmipConnection(SSLSocket socket) {
        this.socket = socket;
    }

    /**
     * @param timeoutMillis for connecting and for each response
     */
    public static TlsKmipConnection open(SSLContext tls, String host, int port, int timeoutMillis) throws IOException {
        return new TlsKmipConnection(handshake(tls, host, port, timeoutMillis));
    }

    /**
     * A TCP connection (no Nagle delay) with its TLS handshake done, reads timing out after
     * {@code timeoutMillis}; the socket is closed again if either fails.
     */
    static SSLSocket handshake(SSLContext tls, String host, int port, int timeoutMillis) throws IOException {
        Socket raw = new Socket();
        try {
            raw.setTcpNoDelay(true);
            raw.connect(new InetSocketAddress(host, port), timeoutMillis);
            SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(raw, host, port, true);
            s.setSoTimeout(timeoutMillis);
            s.startHandshake();
            return s;
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    @Override
    public TtlvItem exchange(TtlvItem request) throws IOException, CodecException {
        socket.getOutputStream().write(encoder.encode(request));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        while (true) {
            Optional<TtlvItem> response = framer.next();
            if (response.isPresent()) {
                return response.get();
            }
            int n = in.read(buffer);
            if (n < 0) {
                throw new IOException("the server closed the connection before answering");
            }
            framer.offer(buffer, 0, n);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
