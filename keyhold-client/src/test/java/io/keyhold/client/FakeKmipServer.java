package io.keyhold.client;

import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseHeader;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.pki.DevPki;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A scripted KMIP server for the failure cases a real server does not produce on demand: it reads each
 * request over mutual TLS (the development certificates) and does what the script says: answer, answer and
 * close, close without answering, or never answer.
 */
final class FakeKmipServer implements AutoCloseable {
    /** What to do with one request. */
    sealed interface Reply permits Answer, Close, Hang {}

    /** Answers with this response payload; closes the connection afterwards when {@code thenClose}. */
    record Answer(TtlvItem payload, boolean thenClose) implements Reply {}

    /** Closes the connection without answering. */
    record Close() implements Reply {}

    /** Never answers (the connection stays open until the server closes). */
    record Hang() implements Reply {}

    /** The script: the reply to a request, given which connection (from 0) and request overall (from 0) it is. */
    interface Script {
        Reply reply(RequestMessage request, int connection, int requestNumber);
    }

    static Answer ok(TtlvItem... fields) {
        return new Answer(TtlvItem.structure(Tag.RESPONSE_PAYLOAD, List.of(fields)), false);
    }

    private final SSLServerSocket listener;
    private final Script script;
    private final List<RequestMessage> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean closed;

    FakeKmipServer(Path pkiDir, Script script) throws Exception {
        this(pkiDir, InetAddress.getLoopbackAddress(), script);
    }

    /** Listening on another loopback address (127.0.0.2, which the development certificate does not name). */
    FakeKmipServer(Path pkiDir, InetAddress bind, Script script) throws Exception {
        this.script = script;
        DevPki.Layout pki = new DevPki.Layout(pkiDir);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", Pem.privateKey(pki.serverKey()), new char[0],
                Pem.certificates(pki.serverCertificate()).toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", Pem.certificates(pki.ca()).get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        listener = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50, bind);
        listener.setNeedClientAuth(true);
        Thread t = new Thread(this::accept, "fake-kmip-accept");
        t.setDaemon(true);
        t.start();
    }

    String address() {
        return listener.getInetAddress().getHostAddress() + ":" + listener.getLocalPort();
    }

    /** The requests received, in order. */
    List<RequestMessage> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    int connections() {
        return connections.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket s = listener.accept();
                sockets.add(s);
                int n = connections.getAndIncrement();
                Thread t = new Thread(() -> serve(s, n), "fake-kmip-" + n);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s, int connection) {
        try (s) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            TtlvDecoder decoder = new TtlvDecoder();
            while (true) {
                byte[] header = new byte[8];
                in.readFully(header);
                byte[] message = java.util.Arrays.copyOf(header, (int) TtlvDecoder.messageLength(header, 0));
                in.readFully(message, 8, message.length - 8);
                RequestMessage request = RequestMessage.from(decoder.decode(message));
                int number;
                synchronized (requests) {
                    number = requests.size();
                    requests.add(request);
                }
                Reply reply = script.reply(request, connection, number);
                if (reply instanceof Close) {
                    return;
                }
                if (reply instanceof Hang) {
                    while (!closed) {
                        Thread.sleep(20);
                    }
                    return;
                }
                Answer a = (Answer) reply;
                Operation op = request.batchItems().get(0).operation().orElseThrow();
                ResponseMessage response = new ResponseMessage(
                        ResponseHeader.of(request.header().protocolVersion(), System.currentTimeMillis() / 1000, 1),
                        List.of(ResponseBatchItem.success(op, null, a.payload())));
                out.write(new TtlvEncoder().encode(response.toTtlv()));
                out.flush();
                if (a.thenClose()) {
                    return;
                }
            }
        } catch (Exception e) {
            // the client went away, or the server is closing
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        synchronized (sockets) {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
