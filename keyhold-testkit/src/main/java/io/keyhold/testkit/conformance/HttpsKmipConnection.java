package io.keyhold.testkit.conformance;

import io.keyhold.protocol.json.KmipJson;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.protocol.xml.KmipXml;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * KMIP over HTTPS (KMIP Additional Message Encodings 1.0): each request message is POSTed to {@code /kmip}
 * in one encoding (TTLV as {@code application/octet-stream}, JSON as {@code application/json}, XML as
 * {@code text/xml}) on one persistent HTTP/1.1 connection over mutually authenticated TLS, and the response
 * body is read back in the same encoding. One connection per instance, closed by {@link #close()}, so that a
 * vector file sees one connection as it would on the KMIP port.
 */
public final class HttpsKmipConnection implements KmipConnection {
    /** The encodings the HTTPS profile defines. */
    public enum Encoding {
        TTLV("application/octet-stream"), JSON("application/json"), XML("text/xml");

        private final String mediaType;

        Encoding(String mediaType) {
            this.mediaType = mediaType;
        }

        /** The media type sent as Content-Type and expected back. */
        public String mediaType() {
            return mediaType;
        }

        /** ttlv, json or xml. */
        public static Encoding parse(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    private static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final int MAX_BODY_BYTES = 64 * 1024 * 1024;

    private final SSLSocket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String host;
    private final Encoding encoding;
    private final TtlvEncoder ttlvEncoder = new TtlvEncoder();
    private final TtlvDecoder ttlvDecoder = new TtlvDecoder();
    private final KmipJson json = new KmipJson();
    private final KmipXml xml = new KmipXml();

    private HttpsKmipConnection(SSLSocket socket, String host, Encoding encoding) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.host = host;
        this.encoding = encoding;
    }

    /**
     * @param timeoutMillis for connecting and for each response
     */
    public static HttpsKmipConnection open(SSLContext tls, String host, int port, Encoding encoding, int timeoutMillis)
            throws IOException {
        SSLSocket s = TlsKmipConnection.handshake(tls, host, port, timeoutMillis);
        String authority = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        try {
            return new HttpsKmipConnection(s, authority, encoding);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public TtlvItem exchange(TtlvItem request) throws IOException, CodecException {
        byte[] body = switch (encoding) {
            case TTLV -> ttlvEncoder.encode(request);
            case JSON -> json.write(request).getBytes(StandardCharsets.UTF_8);
            case XML -> xml.write(request).getBytes(StandardCharsets.UTF_8);
        };
        String head = "POST /kmip HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: " + encoding.mediaType()
                + "\r\nAccept: " + encoding.mediaType() + "\r\nContent-Length: " + body.length + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] message = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, message, 0, headBytes.length);
        System.arraycopy(body, 0, message, headBytes.length, body.length);
        out.write(message); // one TLS record: a separate head and body would wait on delayed ACKs
        out.flush();
        Response response = readResponse();
        if (response.status != 200) {
            throw new IOException("POST /kmip answered HTTP " + response.status + ": "
                    + new String(response.body, 0, Math.min(response.body.length, 300), StandardCharsets.UTF_8));
        }
        String type = response.contentType == null ? "" : response.contentType.split(";", 2)[0].strip();
        if (!type.equalsIgnoreCase(encoding.mediaType())) {
            throw new IOException("POST /kmip answered in " + response.contentType + ", not " + encoding.mediaType());
        }
        return switch (encoding) {
            case TTLV -> ttlvDecoder.decode(response.body);
            case JSON -> json.read(new String(response.body, StandardCharsets.UTF_8));
            case XML -> xml.read(new String(response.body, StandardCharsets.UTF_8));
        };
    }

    private record Response(int status, String contentType, byte[] body) {
    }

    private Response readResponse() throws IOException {
        String statusLine = line();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status: " + statusLine);
        }
        long length = -1;
        boolean chunked = false;
        String contentType = null;
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = h.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).strip();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "content-type" -> contentType = value;
                default -> { }
            }
        }
        byte[] body;
        if (chunked) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line().split(";", 2)[0].strip(), 16); size > 0;
                 size = Integer.parseInt(line().split(";", 2)[0].strip(), 16)) {
                if (all.size() + size > MAX_BODY_BYTES) {
                    throw new IOException("response body larger than " + MAX_BODY_BYTES + " bytes");
                }
                all.write(in.readNBytes(size));
                line();
            }
            while (!line().isEmpty()) {
                // trailers
            }
            body = all.toByteArray();
        } else if (length >= 0) {
            if (length > MAX_BODY_BYTES) {
                throw new IOException("response body of " + length + " bytes is larger than " + MAX_BODY_BYTES);
            }
            body = in.readNBytes((int) length);
            if (body.length != length) {
                throw new IOException("the server closed the connection in the middle of a response");
            }
        } else {
            body = in.readAllBytes();
        }
        return new Response(status, contentType, body);
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                break;
            }
            if (b.size() >= MAX_HEADER_BYTES) {
                throw new IOException("HTTP header line longer than " + MAX_HEADER_BYTES + " bytes");
            }
            b.write(c);
        }
        if (c < 0 && b.size() == 0) {
            throw new IOException("the server closed the connection before answering");
        }
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
