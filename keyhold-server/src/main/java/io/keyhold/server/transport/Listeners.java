package io.keyhold.server.transport;

import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** What the KMIP and HTTPS listeners share: addresses for logs, and stopping their threads. */
public final class Listeners {
    private Listeners() {
    }

    /** An address as logs and the audit show it: {@code 127.0.0.1:50312}, {@code [::1]:50312}. */
    public static String describe(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            String host = inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    /**
     * Whether a failed bind failed because another socket holds the address: {@link java.net.BindException}
     * (NIO transport) or the native transport's "Address already in use".
     */
    public static boolean addressInUse(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (message.contains("Address already in use") || message.contains("EADDRINUSE")) {
                return true;
            }
            if (t instanceof java.net.BindException && !message.contains("ermission")
                    && !message.contains("Cannot assign requested address")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Stops a listener's threads: the workers get up to {@code wait} (at least 100 ms) to finish their tasks,
     * then are interrupted; the event loops are shut down gracefully. Any of them may be null (never started).
     */
    public static void shutdown(ThreadPoolExecutor workers, EventLoopGroup acceptors, EventLoopGroup ioLoops,
                                Duration wait) {
        if (workers != null) {
            workers.shutdown();
            try {
                if (!workers.awaitTermination(Math.max(wait.toMillis(), 100), TimeUnit.MILLISECONDS)) {
                    workers.shutdownNow();
                }
            } catch (InterruptedException e) {
                workers.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        if (acceptors != null) {
            acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
        if (ioLoops != null) {
            ioLoops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (acceptors != null) {
            acceptors.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
