package io.keyhold.server.transport;

import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.server.auth.Identity;
import io.keyhold.server.auth.LinkCredential;
import io.keyhold.server.dispatch.ConnectionSession;
import io.keyhold.server.dispatch.RequestContext;
import io.keyhold.server.dispatch.RequestProcessor;
import io.keyhold.server.tls.ServerTls;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection after TLS: names the client when the handshake completes, then runs its requests
 * one at a time, in order, on the worker pool. Once a whole request waits behind the one in progress (a
 * client that sends ahead of its answers), the connection is no longer read (auto-read off) until the
 * queue is empty again, which keeps the answers in order and bounds what one client can make the server
 * buffer. A client that waits for each answer, as most do, is never paused: turning reading off and on
 * again costs two changes of the event loop's interest set per request. Every method runs on the
 * channel's event loop.
 *
 * <p>The limits that need the client's name apply here: a connection beyond the identity's share is
 * closed once the handshake names the client, and a request beyond the identity's rate is answered with
 * Server Limit Exceeded (General Failure before KMIP 2.0) without being run, the connection staying open.
 * A message that does not arrive whole within the read timeout closes the connection.
 *
 * <p>A request the processor calls {@link RequestProcessor#quick quick} runs on the event loop itself when
 * the listener serves requests one at a time: none other in progress, and none overlapping another for the
 * last 10 ms. The hand-off to a worker and back then costs more than such a request (two wake-ups of parked
 * threads), and no client waits behind it but one whose request arrives on the same loop meanwhile. Once
 * requests overlap, every request goes to the workers, where they run side by side and the loops keep to
 * the connections' reads and writes, which measured faster under load than running requests on the loops.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);

    private final ServerTls tls;
    private final RequestProcessor processor;
    private final Executor workers;
    private final KmipServer server;
    private final IdentityLimits identityLimits;
    private final ConnectionSession session = new ConnectionSession();
    private final ArrayDeque<Frame> queue = new ArrayDeque<>();

    private ChannelHandlerContext ctx;
    /** The pipeline's message decoder, which times messages arriving (null in tests without one). */
    private TtlvFrameDecoder frames;
    private Identity identity;
    private String remote = "unknown";
    private boolean busy;
    private boolean closeWhenIdle;
    private boolean sessionClosed;
    private boolean countedForIdentity;
    private ConnectionRegistry.Registration listed;

    ConnectionHandler(ServerTls tls, RequestProcessor processor, Executor workers, KmipServer server,
                      IdentityLimits identityLimits) {
        this.tls = tls;
        this.processor = processor;
        this.workers = workers;
        this.server = server;
        this.identityLimits = identityLimits;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.frames = ctx.pipeline().get(TtlvFrameDecoder.class);
        this.remote = Listeners.describe(ctx.channel().remoteAddress());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        log.debug("Connection {} from {} opened", session.id(), remote);
        if (server.stopping()) {
            ctx.close();
            return;
        }
        super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            handshakeDone(done);
        } else if (evt instanceof TtlvFrameDecoder.ReadTimedOut late) {
            log.info("Closing the connection from {} ({}): {} bytes of a message arrived but not the rest within {} ms"
                    + " (limits.read_timeout)", remote, identity, late.bytesReceived(), late.timeoutMillis());
            ctx.close();
        } else if (evt instanceof IdleStateEvent) {
            if (!busy && queue.isEmpty()) {
                log.debug("Connection {} from {} idle; closing", session.id(), remote);
                ctx.close();
            }
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    private void handshakeDone(SslHandshakeCompletionEvent done) {
        if (!done.isSuccess()) {
            Throwable cause = done.cause();
            if (cause instanceof ClosedChannelException || (cause != null && cause.getCause() instanceof ClosedChannelException)) {
                log.debug("Connection {} from {} closed before completing TLS", session.id(), remote);
            } else {
                log.info("TLS handshake with {} failed: {}", remote, cause == null ? "unknown" : cause.getMessage());
                server.observer().handshakeFailed();
            }
            ctx.close();
            return;
        }
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        try {
            Identity named = tls.identity(ssl.engine().getSession());
            LinkCredential credential = ServerTls.credential(ssl.engine().getSession());
            Optional<String> refused = tls.refusal(credential);
            if (refused.isPresent()) {
                log.info("Refused the client at {} ({}): {}", remote, named, refused.get());
                server.observer().handshakeFailed();
                ctx.close();
                return;
            }
            session.linkCredential(credential);
            if (!identityLimits.opened(named)) {
                log.warn("Refused a connection from {} ({}): that client already has {} connections open"
                        + " (limits.max_connections_per_identity)", remote, named,
                        identityLimits.maxConnectionsPerIdentity());
                server.observer().connectionRefused();
                ctx.close();
                return;
            }
            countedForIdentity = true;
            identity = named;
            log.debug("Connection {} from {} is {} ({}, {})", session.id(), remote, identity,
                    ssl.engine().getSession().getProtocol(), ssl.engine().getSession().getCipherSuite());
            listed = server.connections().opened(session.id(), identity.name(), remote,
                    ssl.engine().getSession().getProtocol(), ssl.engine().getSession().getCipherSuite());
            if (!busy && !queue.isEmpty()) {
                next();
            }
        } catch (SSLPeerUnverifiedException e) {
            log.info("Refused the client at {}: {}", remote, e.getMessage());
            server.observer().handshakeFailed();
            ctx.close();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Frame frame)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        queue.add(frame);
        if (!busy && identity != null) {
            next(); // before the handshake event has named the client, requests wait for it
        }
        if (!queue.isEmpty()) {
            ctx.channel().config().setAutoRead(false); // a request waits: read no more until it is taken
        }
    }

    /** Starts the next queued request, or resumes reading when there is none. */
    private void next() {
        if (closeWhenIdle || server.stopping()) {
            ctx.close();
            return;
        }
        Frame frame = queue.poll();
        if (frame == null) {
            if (frames != null) {
                frames.requestAnswered();
            }
            ctx.channel().config().setAutoRead(true); // nothing when it was on
            return;
        }
        if (frame instanceof Frame.NotKmip bad) {
            log.info("Closing the connection from {} ({}): it sent byte 0x{} where a KMIP message starts",
                    remote, identity, String.format("%02X", bad.firstByte()));
            ctx.close();
        } else if (frame instanceof Frame.TooLarge big) {
            log.info("Closing the connection from {} ({}): message of {} bytes exceeds the limit of {} bytes",
                    remote, identity, big.length(), big.limit());
            byte[] answer = processor.failure(ResultReason.INVALID_MESSAGE,
                    "message of " + big.length() + " bytes exceeds the limit of " + big.limit() + " bytes");
            ctx.writeAndFlush(Unpooled.wrappedBuffer(answer)).addListener(ChannelFutureListener.CLOSE);
        } else if (frame instanceof Frame.Request request) {
            listed.requestReceived();
            run(request.bytes(), identityLimits.tryRequest(identity));
        }
    }

    /**
     * Runs the request on the worker pool, or on this event loop when it is quick and the listener is serving
     * requests one at a time, or, when over the identity's rate, answers that it was not run.
     */
    private void run(byte[] request, boolean withinRate) {
        boolean oneAtATime = server.requestStarted();
        boolean inline = withinRate && oneAtATime && processor.quick(request);
        busy = true;
        if (frames != null) {
            frames.requestStarted();
        }
        RequestContext context = new RequestContext(identity, remote, session);
        if (inline) {
            runHere(request, context);
            return;
        }
        try {
            workers.execute(() -> {
                long started = System.nanoTime();
                byte[] answer = withinRate ? process(request, context) : overRate(request, context);
                server.observer().messageDone(System.nanoTime() - started);
                try {
                    ctx.executor().execute(() -> respond(answer));
                } catch (RejectedExecutionException e) {
                    server.requestFinished();
                    closeSession();
                }
            });
        } catch (RejectedExecutionException e) {
            busy = false;
            server.requestFinished();
            ctx.close();
        }
    }

    /** Runs a quick request on this event loop and answers it. */
    private void runHere(byte[] request, RequestContext context) {
        long started = System.nanoTime();
        byte[] answer = process(request, context);
        server.observer().messageDone(System.nanoTime() - started);
        respond(answer);
    }

    private byte[] process(byte[] request, RequestContext context) {
        try {
            return processor.process(request, context);
        } catch (RuntimeException | Error e) {
            log.error("The request processor failed on a request from {} ({}): {}", remote, identity,
                    e.getClass().getName());
            return processor.failure(ResultReason.GENERAL_FAILURE, "the server failed to process the request");
        }
    }

    private byte[] overRate(byte[] request, RequestContext context) {
        try {
            return processor.reject(request, context, ResultReason.SERVER_LIMIT_EXCEEDED, "more than "
                    + identityLimits.requestsPerSecond() + " requests per second from this client"
                    + " (limits.requests_per_second_per_identity); try again later");
        } catch (RuntimeException | Error e) {
            log.error("Answering an over-limit request from {} ({}) failed: {}", remote, identity,
                    e.getClass().getName());
            return processor.failure(ResultReason.GENERAL_FAILURE, "the server failed to process the request");
        }
    }

    private void respond(byte[] answer) {
        // No longer counted as in progress from here: a client that has the answer may send its next request
        // on another connection, whose event loop must not find this one still counted.
        server.requestFinished();
        ctx.writeAndFlush(Unpooled.wrappedBuffer(answer)).addListener(f -> {
            busy = false;
            if (!f.isSuccess() || !ctx.channel().isActive()) {
                ctx.close();
                closeSession();
                return;
            }
            next();
        });
    }

    /** Called on stop: close now if idle, else after the request in progress is answered. */
    void drain() {
        closeWhenIdle = true;
        if (!busy) {
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        log.debug("Connection {} from {} closed", session.id(), remote);
        queue.clear();
        if (listed != null) {
            listed.closed();
        }
        if (countedForIdentity) {
            countedForIdentity = false;
            identityLimits.closed(identity);
        }
        if (!busy) {
            closeSession();
        }
        super.channelInactive(ctx);
    }

    private void closeSession() {
        if (!sessionClosed) {
            sessionClosed = true;
            session.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Resets, TLS alerts and peers that leave without close_notify end up here: routine for a server.
        log.debug("Connection {} from {}: {}", session.id(), remote, cause.toString());
        ctx.close();
    }
}
