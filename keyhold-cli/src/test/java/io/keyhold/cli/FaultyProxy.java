package io.keyhold.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Forwards TCP to a server on the loopback address, a thread per direction, and breaks connections on
 * purpose: one second after accepting its second and its third connection, it applies its fault to each.
 * STALL stops passing the server's bytes to the client (the client's still reach the server); CLOSE closes
 * both sides; CLOSE_AND_REFUSE also stops listening first, so that no new connection can be made.
 */
final class FaultyProxy implements AutoCloseable {
    enum Fault { STALL, CLOSE, CLOSE_AND_REFUSE }

    private final Fault fault;
    private final int upstreamPort;
    private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    FaultyProxy(Fault fault, int upstreamPort) throws IOException {
        this.fault = fault;
        this.upstreamPort = upstreamPort;
        daemon(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    int accepted() {
        return accepted.get();
    }

    private void accept() {
        try {
            while (true) {
                Socket client = listener.accept();
                int n = accepted.incrementAndGet();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                sockets.add(client);
                sockets.add(upstream);
                boolean faulty = n == 2 || n == 3;
                long faultAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                daemon(() -> pump(client, upstream, false, faultAt));
                daemon(() -> pump(upstream, client, faulty && fault == Fault.STALL, faultAt));
                if (faulty && fault != Fault.STALL) {
                    daemon(() -> {
                        sleepUntil(faultAt);
                        if (fault == Fault.CLOSE_AND_REFUSE) {
                            closeQuietly(listener);
                        }
                        closeQuietly(client);
                        closeQuietly(upstream);
                    });
                }
            }
        } catch (IOException e) {
            // the listener was closed
        }
    }

    /** Copies {@code from} to {@code to}; once {@code stallAt} has passed, if {@code stall}, reads and drops. */
    private static void pump(Socket from, Socket to, boolean stall, long stallAt) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (!(stall && System.nanoTime() >= stallAt)) {
                    out.write(buffer, 0, n);
                }
            }
        } catch (IOException e) {
            // either side closed
        } finally {
            closeQuietly(to);
        }
    }

    private static void sleepUntil(long nanoTime) {
        try {
            TimeUnit.NANOSECONDS.sleep(Math.max(0, nanoTime - System.nanoTime()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "faulty-proxy");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        closeQuietly(listener);
        sockets.forEach(FaultyProxy::closeQuietly);
    }
}
