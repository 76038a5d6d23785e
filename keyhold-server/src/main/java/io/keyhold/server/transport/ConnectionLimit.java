package io.keyhold.server.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Counts open connections and closes a new one at once when the limit is reached. Shared by all channels. */
@ChannelHandler.Sharable
final class ConnectionLimit extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionLimit.class);

    private final int maxConnections;
    private final ConnectionObserver observer;
    private final AtomicInteger open = new AtomicInteger();

    ConnectionLimit(int maxConnections) {
        this(maxConnections, ConnectionObserver.NONE);
    }

    ConnectionLimit(int maxConnections, ConnectionObserver observer) {
        this.maxConnections = maxConnections;
        this.observer = observer;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        int n = open.incrementAndGet();
        observer.connectionOpened();
        if (n > maxConnections) {
            observer.connectionRefused();
            log.warn("Refused a connection from {}: {} connections are open (limits.max_connections: {})",
                    Listeners.describe(ctx.channel().remoteAddress()), n - 1, maxConnections);
            ctx.close();
            return;
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        open.decrementAndGet();
        observer.connectionClosed();
        super.channelInactive(ctx);
    }

    int open() {
        return open.get();
    }
}
