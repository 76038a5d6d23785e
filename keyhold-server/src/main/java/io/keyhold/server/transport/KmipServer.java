package io.keyhold.server.transport;

import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.dispatch.RequestProcessor;
import io.keyhold.server.tls.ServerTls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The KMIP listener: TLS over TCP (epoll when available, NIO otherwise), TTLV framing, limits, and a
 * bounded worker pool for the request processor. Each connection has at most one request in progress, so
 * the pool's queue never holds more tasks than there are connections.
 *
 * <p>The TLS files are checked for changes every {@code tls.reload_interval} on the acceptor thread, and
 * re-read on {@link #reloadTls()}; each new connection takes the newest context.
 *
 * <p>{@link #close()} stops gracefully: no new connections, idle connections closed, requests in progress
 * answered (for up to the shutdown grace), then everything closed.
 */
public final class KmipServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KmipServer.class);

    private final ServerConfig.Kmip listen;
    private final ServerConfig.Limits limits;
    private final ServerTls tls;
    private final RequestProcessor processor;
    private final ChannelGroup channels = new DefaultChannelGroup("kmip", GlobalEventExecutor.INSTANCE);
    private final AtomicInteger inProgress = new AtomicInteger();
    /** How long after requests last overlapped the listener counts as serving them one at a time. */
    static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long OVERLAP_RESOLUTION_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private volatile long lastOverlap = System.nanoTime() - QUIET_NANOS - 1;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final ConnectionLimit connectionLimit;
    private final IdentityLimits identityLimits;
    private final ConnectionRegistry connections = new ConnectionRegistry();
    private final ConnectionObserver observer;

    private EventLoopGroup acceptors;
    private EventLoopGroup ioLoops;
    private ThreadPoolExecutor workers;
    private Channel serverChannel;
    private volatile boolean stopping;
    private boolean closed;

    public KmipServer(ServerConfig.Kmip listen, ServerConfig.Limits limits, ServerTls tls, RequestProcessor processor) {
        this(listen, limits, tls, processor, ConnectionObserver.NONE);
    }

    /** As above, telling {@code observer} of every connection and request message (null: nobody). */
    public KmipServer(ServerConfig.Kmip listen, ServerConfig.Limits limits, ServerTls tls, RequestProcessor processor,
                      ConnectionObserver observer) {
        this.observer = observer == null ? ConnectionObserver.NONE : observer;
        this.listen = listen;
        this.limits = limits;
        this.tls = tls;
        this.processor = processor;
        this.connectionLimit = new ConnectionLimit(limits.maxConnections(), this.observer);
        this.identityLimits = new IdentityLimits(limits.maxConnectionsPerIdentity(),
                limits.requestsPerSecondPerIdentity());
    }

    /** Binds the listener; returns once connections are accepted. */
    public synchronized void start() throws IOException {
        if (serverChannel != null || closed) {
            throw new IllegalStateException("already started");
        }
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        acceptors = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("keyhold-accept"), io);
        // one event loop per processor: their work (TLS records, socket writes) never blocks, so more loops
        // than processors only add thread switches (Netty's default is two per processor)
        ioLoops = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                new DefaultThreadFactory("keyhold-io"), io);
        int threads = limits.effectiveWorkerThreads();
        workers = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory("keyhold-worker"));
        workers.allowCoreThreadTimeOut(true);

        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptors, ioLoops)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        SslHandler ssl = tls.context().newHandler(ch.alloc());
                        long readTimeoutMillis = limits.readTimeout().toMillis();
                        if (readTimeoutMillis > 0) {
                            ssl.setHandshakeTimeoutMillis(readTimeoutMillis);
                        }
                        ch.pipeline().addLast("limit", connectionLimit)
                                .addLast("idle", new IdleStateHandler(0, 0, limits.idleTimeout().toMillis(),
                                        TimeUnit.MILLISECONDS))
                                .addLast("tls", ssl)
                                .addLast("frames", new TtlvFrameDecoder(limits.maxMessageBytes(), readTimeoutMillis))
                                .addLast("kmip", new ConnectionHandler(tls, processor, workers, KmipServer.this,
                                        identityLimits));
                    }
                });
        try {
            serverChannel = bootstrap.bind(listen.host(), listen.port()).sync().channel();
        } catch (Exception e) {
            shutdownThreads(Duration.ZERO);
            closed = true;
            terminated.countDown();
            if (Listeners.addressInUse(e)) {
                throw new IOException("kmip.port " + listen.port() + " on " + listen.host() + " is in use by another"
                        + " process: stop that process or choose another kmip.port", e);
            }
            throw new IOException("cannot listen on " + listen.host() + ":" + listen.port() + ": " + e.getMessage(), e);
        }
        long every = tls.reloadInterval().toMillis();
        if (every > 0) {
            acceptors.next().scheduleWithFixedDelay(tls::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
        }
        log.info("KMIP listening on {} ({} transport, {} worker threads, TLS profile {} by {})",
                Listeners.describe(serverChannel.localAddress()), epoll ? "epoll" : "NIO", threads,
                tls.profile().name().toLowerCase(Locale.ROOT), tls.provider().name().toLowerCase(Locale.ROOT));
    }

    /**
     * Reads the TLS certificate, key, CA and CRL files again now; new connections use them, open ones keep
     * theirs. On failure the previous files stay in use; the result says which happened.
     */
    public ServerTls.Reload reloadTls() {
        return tls.reload();
    }

    /** The bound address (with the actual port when port 0 was configured). */
    public InetSocketAddress localAddress() {
        Channel ch = serverChannel;
        if (ch == null) {
            throw new IllegalStateException("not started");
        }
        return (InetSocketAddress) ch.localAddress();
    }

    boolean stopping() {
        return stopping;
    }

    ConnectionObserver observer() {
        return observer;
    }

    /**
     * Counts a request in progress. True when it is the only one and none overlapped another for {@link
     * #QUIET_NANOS}: the listener is serving requests one at a time, not under load.
     */
    boolean requestStarted() {
        int now = inProgress.incrementAndGet();
        long time = System.nanoTime();
        if (now > 1) {
            if (time - lastOverlap > OVERLAP_RESOLUTION_NANOS) { // one write per millisecond under load
                lastOverlap = time;
            }
            return false;
        }
        return time - lastOverlap > QUIET_NANOS;
    }

    /** The request's answer is ready (or it was abandoned): it no longer counts as in progress. */
    void requestFinished() {
        inProgress.decrementAndGet();
    }

    /** The connections whose handshake named a client and that are still open. */
    public ConnectionRegistry connections() {
        return connections;
    }

    /** Connections open now (for tests and status). */
    public int openConnections() {
        return connectionLimit.open();
    }

    /**
     * Stops: closes the listener, lets requests in progress finish for up to the shutdown grace, closes
     * every connection and the threads, then returns. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            stopping = true;
        }
        try {
            if (serverChannel == null) {
                return;
            }
            serverChannel.close().awaitUninterruptibly();
            long deadline = System.nanoTime() + limits.shutdownGrace().toNanos();
            for (Channel ch : channels) {
                ch.eventLoop().execute(() -> {
                    ConnectionHandler handler = ch.pipeline().get(ConnectionHandler.class);
                    if (handler != null) {
                        handler.drain();
                    } else {
                        ch.close();
                    }
                });
            }
            while (!channels.isEmpty() && System.nanoTime() < deadline) {
                sleep(10);
            }
            if (!channels.isEmpty() || inProgress.get() > 0) {
                log.warn("Stopping with {} requests still in progress after {}; closing their connections",
                        inProgress.get(), limits.shutdownGrace());
            }
            channels.close().awaitUninterruptibly();
            shutdownThreads(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            log.info("KMIP listener stopped");
        } finally {
            terminated.countDown();
        }
    }

    private void shutdownThreads(Duration wait) {
        Listeners.shutdown(workers, acceptors, ioLoops, wait);
    }

    /** Waits until {@link #close()} has finished. */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    /** Waits up to the timeout; true when {@link #close()} has finished. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
