package io.keyhold.client;

import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One mutual-TLS connection to a KMIP server carrying binary TTLV, one request at a time: the request is
 * written whole and the response read by its 8-byte header (tag, type and the length at bytes 4 to 7).
 * Not thread-safe; the pool hands it to one caller at a time.
 */
final class Connection {
    private final ServerAddress server;
    private final SSLSocket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final TtlvDecoder decoder;
    private final byte[] header = new byte[8];
    private long lastUsedNanos;

    /** Why an exchange failed, and whether the request had left the client. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean sent;
        final boolean timedOut;
        final boolean malformed;

        Failure(String message, Throwable cause, boolean sent, boolean timedOut, boolean malformed) {
            super(message, cause);
            this.sent = sent;
            this.timedOut = timedOut;
            this.malformed = malformed;
        }
    }

    private Connection(ServerAddress server, SSLSocket socket, int maxResponseBytes) throws IOException {
        this.server = server;
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(socket.getInputStream());
        this.decoder = new TtlvDecoder(maxResponseBytes, TtlvDecoder.DEFAULT_MAX_DEPTH);
        this.lastUsedNanos = System.nanoTime();
    }

    /** Connects and completes the TLS handshake within the timeout, so that TLS failures show here. */
    static Connection open(ClientTls tls, ServerAddress server, int timeoutMillis, int maxResponseBytes) throws IOException {
        Socket raw = new Socket();
        try {
            raw.setTcpNoDelay(true);
            raw.connect(new InetSocketAddress(server.host(), server.port()), timeoutMillis);
            SSLSocket s = (SSLSocket) tls.sslContext().getSocketFactory().createSocket(raw, server.host(), server.port(), true);
            SSLParameters p = s.getSSLParameters();
            List<String> supported = Arrays.asList(s.getSupportedProtocols());
            List<String> protocols = new ArrayList<>(tls.protocols());
            protocols.retainAll(supported);
            if (protocols.isEmpty()) {
                throw new IOException("none of the TLS versions " + tls.protocols() + " is available in this JVM");
            }
            p.setProtocols(protocols.toArray(new String[0]));
            if (tls.hostnameVerification()) {
                p.setEndpointIdentificationAlgorithm("HTTPS");
            }
            s.setSSLParameters(p);
            s.setSoTimeout(timeoutMillis);
            s.startHandshake();
            return new Connection(server, s, maxResponseBytes);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    ServerAddress server() {
        return server;
    }

    long idleNanos() {
        return System.nanoTime() - lastUsedNanos;
    }

    /**
     * Whether the server has closed this idle connection (or sent something unasked): a read that must
     * time out at once when the connection is healthy.
     */
    boolean isStale() {
        try {
            socket.setSoTimeout(1);
            socket.getInputStream().read();
            return true; // end of stream, or bytes nobody asked for
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Sends one request and reads its response before the deadline. */
    TtlvItem exchange(byte[] request, long deadlineNanos) throws Failure {
        try {
            socket.setSoTimeout(remainingMillis(deadlineNanos));
            out.write(request);
            out.flush();
        } catch (SocketTimeoutException e) {
            throw new Failure("timed out sending the request to " + server, e, true, true, false);
        } catch (IOException e) {
            throw new Failure("cannot send the request to " + server + ": " + describe(e), e, false, false, false);
        }
        try {
            readFully(header, 0, 8, deadlineNanos);
            long total = TtlvDecoder.messageLength(header, 0);
            if (total > decoder.maxMessageBytes()) {
                throw new Failure(server + " answered with " + total + " bytes (more than the limit of "
                        + decoder.maxMessageBytes() + ")", null, true, false, true);
            }
            byte[] message = Arrays.copyOf(header, (int) total);
            readFully(message, 8, message.length - 8, deadlineNanos);
            lastUsedNanos = System.nanoTime();
            return decoder.decode(message);
        } catch (SocketTimeoutException e) {
            throw new Failure("no response from " + server + " within the request timeout", e, true, true, false);
        } catch (EOFException e) {
            throw new Failure(server + " closed the connection before answering", e, true, false, false);
        } catch (IOException e) {
            throw new Failure("the connection to " + server + " failed: " + describe(e), e, true, false, false);
        } catch (CodecException e) {
            throw new Failure(server + " sent a malformed response: " + e.getMessage(), e, true, false, true);
        }
    }

    private void readFully(byte[] buffer, int offset, int length, long deadlineNanos) throws IOException {
        int done = 0;
        while (done < length) {
            socket.setSoTimeout(remainingMillis(deadlineNanos));
            int n = in.read(buffer, offset + done, length - done);
            if (n < 0) {
                throw new EOFException();
            }
            done += n;
        }
    }

    private static int remainingMillis(long deadlineNanos) throws SocketTimeoutException {
        long ms = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (ms <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        return (int) Math.min(Integer.MAX_VALUE, ms);
    }

    static String describe(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // a broken connection: nothing more to do
        }
    }
}
