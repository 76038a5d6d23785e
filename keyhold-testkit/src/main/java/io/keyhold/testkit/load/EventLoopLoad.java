package io.keyhold.testkit.load;

import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

/**
 * The closed loop of {@link KmipLoad} on Netty event loops (epoll where the platform has it): as many threads
 * as the machine has processors, at most one per connection, each connection sending its next request from
 * the event loop that read the answer to the previous one. A thread per connection blocked in its socket
 * costs a wake-up and several system calls per request; on a machine whose cores the load tool shares with
 * the server it measures, that is processor time the server does not get.
 *
 * <p>The same rules as the threaded loop: one request in flight per connection; each response decoded and
 * its Result Status checked; a request counts when it completes inside the measured window, or holds a
 * ticket of the request budget; a request unanswered after the timeout counts as an error and its connection
 * is replaced, as is a connection the server closed or broke; a connection that cannot be replaced is lost.
 */
final class EventLoopLoad {
    private static final int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

    private final LoadOptions o;
    private final SSLContext ctx;
    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelType;

    private EventLoopLoad(LoadOptions o, SSLContext ctx) {
        this.o = o;
        this.ctx = ctx;
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        int threads = Math.max(1, Math.min(o.connections(), Runtime.getRuntime().availableProcessors()));
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("kmip-load", true), io);
    }

    /**
     * Opens the options' connections, runs the closed loop over them with the prepared workloads and returns
     * the outcome; notes and errors go to {@code err}. Throws when a connection cannot be opened.
     */
    static KmipLoad.Outcome run(LoadOptions o, SSLContext ctx, List<Workloads.Workload> workloads, PrintWriter err)
            throws IOException {
        EventLoopLoad load = new EventLoopLoad(o, ctx);
        List<Loop> loops = new ArrayList<>();
        try {
            for (int i = 0; i < o.connections(); i++) {
                EventLoop eventLoop = load.group.next();
                loops.add(load.new Loop(eventLoop, load.open(eventLoop), workloads, i));
            }
            return load.measure(loops, workloads, err);
        } finally {
            for (Loop l : loops) {
                l.close();
            }
            load.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private KmipLoad.Outcome measure(List<Loop> loops, List<Workloads.Workload> workloads, PrintWriter err) {
        SSLSession session = loops.get(0).channel.pipeline().get(SslHandler.class).engine().getSession();
        long start = System.nanoTime();
        long measureStart = start + o.warmupSeconds() * 1_000_000_000L;
        long measureEnd = o.limitedByRequests() ? Long.MAX_VALUE : measureStart + o.durationSeconds() * 1_000_000_000L;
        RequestBudget budget = o.limitedByRequests() ? RequestBudget.of(o.requestLimit()) : RequestBudget.unlimited();
        CountDownLatch finished = new CountDownLatch(loops.size());
        for (Loop l : loops) {
            l.eventLoop.execute(() -> l.start(budget, measureStart, measureEnd, finished));
        }
        long cpuAtStart = KmipLoad.processCpuNanosAt(measureStart);
        try {
            if (o.limitedByRequests()) {
                finished.await();
            } else {
                long joinDeadline = measureEnd + (o.timeoutMillis() + 5_000L) * 1_000_000L;
                finished.await(Math.max(1, joinDeadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        double cpuSeconds = KmipLoad.cpuSecondsSince(cpuAtStart);
        List<ConnectionTally> tallies = new ArrayList<>();
        for (Loop l : loops) {
            tallies.add(l.done ? l.tally : null);
        }
        return KmipLoad.report(o, workloads, null, measureStart, session.getProtocol(), session.getCipherSuite(),
                tallies, cpuSeconds, err);
    }

    /** A connected channel on the event loop whose TLS handshake completed; throws when either failed. */
    private Channel open(EventLoop eventLoop) throws IOException {
        SSLEngine engine = ctx.createSSLEngine(o.host(), o.port());
        engine.setUseClientMode(true);
        if (o.tlsProtocol() != null) {
            engine.setEnabledProtocols(new String[] {o.tlsProtocol()});
        }
        if (o.cipherSuite() != null) {
            engine.setEnabledCipherSuites(new String[] {o.cipherSuite()});
        }
        SslHandler ssl = new SslHandler(engine);
        ssl.setHandshakeTimeoutMillis(o.timeoutMillis());
        ChannelFuture connect = new Bootstrap().group(eventLoop).channel(channelType)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, o.timeoutMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(ssl, new LengthFieldBasedFrameDecoder(MAX_RESPONSE_BYTES, 4, 4, 0, 0));
                    }
                })
                .connect(o.host(), o.port());
        Throwable failure = null;
        if (!connect.awaitUninterruptibly().isSuccess()) {
            failure = connect.cause();
        } else if (!ssl.handshakeFuture().awaitUninterruptibly().isSuccess()) {
            failure = ssl.handshakeFuture().cause();
            connect.channel().close();
        }
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure != null) {
            throw new IOException(KmipLoad.describe(failure), failure);
        }
        return connect.channel();
    }

    /**
     * One connection's closed loop. Every method runs on its event loop, as does every reconnection, so its
     * state needs no locks; the main thread reads the tally after {@link #done} was published by the latch.
     */
    private final class Loop {
        final EventLoop eventLoop;
        final Workloads.RequestSource[] sources;
        final OperationMix.Picker picker;
        final ConnectionTally tally;
        final TtlvDecoder decoder = new TtlvDecoder();
        Channel channel;
        RequestBudget budget;
        long measureStart;
        long measureEnd;
        CountDownLatch finished;
        ScheduledFuture<?> timer;
        volatile boolean done;
        boolean inFlight;
        boolean ticket;
        int operation;
        long sentAt;
        String closeReason;

        Loop(EventLoop eventLoop, Channel channel, List<Workloads.Workload> workloads, int index) {
            this.eventLoop = eventLoop;
            this.sources = new Workloads.RequestSource[workloads.size()];
            for (int k = 0; k < sources.length; k++) {
                sources[k] = workloads.get(k).forConnection(index);
            }
            this.picker = o.mix().picker(o.seed(), index);
            this.tally = new ConnectionTally(sources.length);
            attach(channel);
        }

        void start(RequestBudget budget, long measureStart, long measureEnd, CountDownLatch finished) {
            this.budget = budget;
            this.measureStart = measureStart;
            this.measureEnd = measureEnd;
            this.finished = finished;
            long period = Math.max(1, Math.min(o.timeoutMillis() / 4, 250));
            timer = eventLoop.scheduleAtFixedRate(this::checkTimeout, period, period, TimeUnit.MILLISECONDS);
            next();
        }

        private void attach(Channel ch) {
            channel = ch;
            closeReason = null;
            ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                @Override
                protected void channelRead0(ChannelHandlerContext c, ByteBuf frame) {
                    if (c.channel() == channel) {
                        answered(frame);
                    }
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
                    if (c.channel() == channel && closeReason == null) {
                        closeReason = KmipLoad.describe(cause);
                    }
                    c.close();
                }

                @Override
                public void channelInactive(ChannelHandlerContext c) {
                    if (c.channel() == channel) {
                        broken(closeReason == null ? "the server closed the connection" : closeReason);
                    }
                }
            });
            if (!ch.isActive()) {
                eventLoop.execute(() -> {
                    if (ch == channel) {
                        broken("the server closed the connection");
                    }
                });
            }
        }

        private void next() {
            long now = System.nanoTime();
            if (now >= measureEnd) {
                finish();
                return;
            }
            // with a request limit, a request counts when it starts after the warm-up and got a ticket
            ticket = o.limitedByRequests() && now >= measureStart;
            if (ticket && !budget.tryTake()) {
                finish();
                return;
            }
            operation = picker.next();
            byte[] request = sources[operation].next();
            inFlight = true;
            sentAt = System.nanoTime();
            channel.writeAndFlush(Unpooled.wrappedBuffer(request), channel.voidPromise());
        }

        private void answered(ByteBuf frame) {
            if (!inFlight) {
                broken("an answer came without a request");
                return;
            }
            Optional<String> failure;
            boolean broken = false;
            try {
                failure = KmipRequests.failure(decoder.decode(ByteBufUtil.getBytes(frame)));
            } catch (CodecException | RuntimeException e) {
                failure = Optional.of(KmipLoad.describe(e));
                broken = true;
            }
            inFlight = false;
            tally.record(o, operation, ticket, sentAt, System.nanoTime(), failure, measureStart, measureEnd);
            if (broken) {
                replace();
            } else {
                next();
            }
        }

        /** The connection failed: the request in flight, if any, fails with it, and a new connection replaces it. */
        private void broken(String reason) {
            if (done || finished == null) {
                return;
            }
            if (inFlight) {
                inFlight = false;
                tally.record(o, operation, ticket, sentAt, System.nanoTime(), Optional.of(reason), measureStart,
                        measureEnd);
            }
            replace();
        }

        private void checkTimeout() {
            if (inFlight && System.nanoTime() - sentAt > o.timeoutMillis() * 1_000_000L) {
                if (channel.isActive()) {
                    closeReason = "timed out";
                    channel.close(); // channelInactive counts the failure and replaces the connection
                } else {
                    broken("timed out");
                }
            }
        }

        private void replace() {
            Channel old = channel;
            channel = null;
            old.close();
            if (System.nanoTime() >= measureEnd) {
                finish();
                return;
            }
            // opening blocks until connected; off the event loop, so that it can complete the connection
            Thread opener = new Thread(() -> {
                Runnable then;
                try {
                    Channel ch = open(eventLoop);
                    then = () -> {
                        attach(ch);
                        next();
                    };
                } catch (IOException | RuntimeException e) {
                    then = () -> {
                        tally.lost = true;
                        finish();
                    };
                }
                try {
                    eventLoop.execute(then);
                } catch (RejectedExecutionException e) {
                    // the run is over and its event loops are shut down, with the new channel
                }
            }, "kmip-load-reconnect");
            opener.setDaemon(true);
            opener.start();
        }

        private void finish() {
            if (done) {
                return;
            }
            if (timer != null) {
                timer.cancel(false);
            }
            done = true;
            finished.countDown();
        }

        void close() {
            Channel ch = channel;
            if (ch != null) {
                ch.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
            }
        }
    }
}
