package io.keyhold.server.http;

import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.tls.ServerTls;
import io.keyhold.server.transport.Listeners;
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
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS listener (HTTP/1.1 over TLS, default port 8443): the REST API, KMIP over HTTPS, health, metrics
 * and the console, all from one {@link Router}. It shares the KMIP port's TLS files, CAs and suites
 * ({@link ServerTls#httpsContext()}: a client certificate is asked for but not required) and its limits
 * (message size, idle timeout, worker threads, shutdown grace). Bodies larger than
 * {@code limits.max_message_bytes} are answered 413.
 */
public final class HttpsListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpsListener.class);

    private final ServerConfig.Http listen;
    private final ServerConfig.Limits limits;
    private final ServerTls tls;
    private final Router router;
    private final BearerAuthenticator bearer;
    private final HttpObserver observer;
    private final ChannelGroup channels = new DefaultChannelGroup("https", GlobalEventExecutor.INSTANCE);
    private final AtomicInteger inProgress = new AtomicInteger();

    private EventLoopGroup acceptors;
    private EventLoopGroup ioLoops;
    private ThreadPoolExecutor workers;
    private Channel serverChannel;
    private volatile boolean stopping;
    private boolean closed;

    public HttpsListener(ServerConfig.Http listen, ServerConfig.Limits limits, ServerTls tls, Router router,
                         BearerAuthenticator bearer) {
        this(listen, limits, tls, router, bearer, HttpObserver.NONE);
    }

    /** As above, reporting every answered request to {@code observer}. */
    public HttpsListener(ServerConfig.Http listen, ServerConfig.Limits limits, ServerTls tls, Router router,
                         BearerAuthenticator bearer, HttpObserver observer) {
        this.observer = observer == null ? HttpObserver.NONE : observer;
        this.listen = listen;
        this.limits = limits;
        this.tls = tls;
        this.router = router;
        this.bearer = bearer;
    }

    /** Binds; on return requests are accepted. */
    public synchronized void start() throws IOException {
        if (serverChannel != null || closed) {
            throw new IllegalStateException("already started");
        }
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        acceptors = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("keyhold-https-accept"), io);
        ioLoops = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                new DefaultThreadFactory("keyhold-https-io"), io);
        int threads = Math.max(4, limits.effectiveWorkerThreads() / 4);
        workers = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4096),
                new DefaultThreadFactory("keyhold-https-worker"));
        workers.allowCoreThreadTimeOut(true);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptors, ioLoops)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (stopping) {
                            ch.close();
                            return;
                        }
                        channels.add(ch);
                        SslHandler ssl = tls.httpsContext().newHandler(ch.alloc());
                        long readTimeoutMillis = limits.readTimeout().toMillis();
                        if (readTimeoutMillis > 0) {
                            ssl.setHandshakeTimeoutMillis(readTimeoutMillis);
                        }
                        ch.pipeline()
                                .addLast("idle", new IdleStateHandler(0, 0, limits.idleTimeout().toMillis(),
                                        TimeUnit.MILLISECONDS))
                                .addLast("tls", ssl)
                                .addLast("http", new HttpServerCodec())
                                .addLast("aggregate", new HttpObjectAggregator(limits.maxMessageBytes()))
                                .addLast("routes", new HttpConnectionHandler(tls, router, bearer, workers,
                                        HttpsListener.this, observer));
                    }
                });
        try {
            serverChannel = bootstrap.bind(listen.host(), listen.port()).sync().channel();
        } catch (Exception e) {
            shutdownThreads(Duration.ZERO);
            closed = true;
            if (Listeners.addressInUse(e)) {
                throw new IOException("http.port " + listen.port() + " on " + listen.host() + " is in use by another"
                        + " process: stop that process, choose another http.port, or set http.enabled: false", e);
            }
            throw new IOException("cannot listen for HTTPS on " + listen.host() + ":" + listen.port() + ": "
                    + e.getMessage() + " (http.port; http.enabled: false turns the HTTPS listener off)", e);
        }
        log.info("HTTPS listening on {} (REST API /v1, KMIP /kmip, /health, /metrics, console /)",
                Listeners.describe(serverChannel.localAddress()));
    }

    /** The bound address (with the actual port when port 0 was configured). */
    public InetSocketAddress localAddress() {
        Channel ch = serverChannel;
        if (ch == null) {
            throw new IllegalStateException("not started");
        }
        return (InetSocketAddress) ch.localAddress();
    }

    /** HTTPS connections open now. */
    public int openConnections() {
        return channels.size();
    }

    boolean stopping() {
        return stopping;
    }

    void requestStarted() {
        inProgress.incrementAndGet();
    }

    void requestFinished() {
        inProgress.decrementAndGet();
    }

    /** Stops accepting, lets requests in progress finish (up to the shutdown grace), closes everything. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            stopping = true;
        }
        if (serverChannel == null) {
            return;
        }
        serverChannel.close().awaitUninterruptibly();
        long deadline = System.nanoTime() + limits.shutdownGrace().toNanos();
        while (inProgress.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        channels.close().awaitUninterruptibly();
        shutdownThreads(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        log.info("HTTPS listener stopped");
    }

    private void shutdownThreads(Duration wait) {
        Listeners.shutdown(workers, acceptors, ioLoops, wait);
    }
}
