package io.keyhold.server.http;

import io.keyhold.server.auth.Identity;
import io.keyhold.server.auth.LinkCredential;
import io.keyhold.server.dispatch.ConnectionSession;
import io.keyhold.server.dispatch.Failures;
import io.keyhold.server.tls.ServerTls;
import io.keyhold.server.transport.Listeners;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTPS connection: names the client by its certificate when it presented one, then answers its requests
 * one at a time (the connection is not read while a request is in progress, which keeps pipelined answers in
 * order). A request is authenticated by an {@code Authorization: Bearer} token when it carries one, otherwise
 * by the connection's client certificate; a route that needs a caller answers 401 without either. Routes run
 * on the worker pool.
 */
final class HttpConnectionHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(HttpConnectionHandler.class);

    private final ServerTls tls;
    private final Router router;
    private final BearerAuthenticator bearer;
    private final Executor workers;
    private final HttpsListener listener;
    private final HttpObserver observer;
    private final ConnectionSession session = new ConnectionSession();
    private Caller certificateCaller;
    private String remote = "unknown";

    HttpConnectionHandler(ServerTls tls, Router router, BearerAuthenticator bearer, Executor workers,
                          HttpsListener listener, HttpObserver observer) {
        this.observer = observer;
        this.tls = tls;
        this.router = router;
        this.bearer = bearer;
        this.workers = workers;
        this.listener = listener;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        remote = Listeners.describe(ctx.channel().remoteAddress());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (!done.isSuccess()) {
                log.debug("HTTPS handshake with {} failed: {}", remote,
                        done.cause() == null ? "unknown" : done.cause().getMessage());
                ctx.close();
                return;
            }
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            try {
                Identity identity = tls.identity(ssl.engine().getSession());
                LinkCredential credential = ServerTls.credential(ssl.engine().getSession());
                Optional<String> refused = tls.refusal(credential);
                if (refused.isPresent()) {
                    log.info("Refused the HTTPS client at {} ({}): {}", remote, identity, refused.get());
                    ctx.close();
                    return;
                }
                session.linkCredential(credential);
                certificateCaller = Caller.certificate(identity);
            } catch (SSLPeerUnverifiedException e) {
                certificateCaller = null; // no client certificate: requests need a token
            }
        } else if (evt instanceof IdleStateEvent) {
            ctx.close();
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!request.decoderResult().isSuccess()) {
            write(ctx, HttpAnswer.problem(400, "bad-request", "The request is not valid HTTP", null), false, false);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String method = request.method().name();
        String path = uri.path();
        boolean head = "HEAD".equals(method);
        Map<String, String> headers = new HashMap<>();
        for (Map.Entry<String, String> h : request.headers()) {
            headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue());
        }
        byte[] body = ByteBufUtil.getBytes(request.content());

        Router.Match match = router.match(method, path);
        if (match instanceof Router.NoPath) {
            write(ctx, HttpAnswer.problem(404, "not-found", "Not found", "no resource at " + path), keepAlive, head);
            return;
        }
        if (match instanceof Router.WrongMethod wrong) {
            write(ctx, HttpAnswer.problem(405, "method-not-allowed", "Method not allowed", method + " is not allowed on "
                    + path + " (allowed: " + String.join(", ", wrong.allowed()) + ")")
                    .withHeader("Allow", String.join(", ", wrong.allowed())), keepAlive, head);
            return;
        }
        Router.Found found = (Router.Found) match;
        ctx.channel().config().setAutoRead(false);
        listener.requestStarted();
        Caller fromCertificate = certificateCaller;
        try {
            workers.execute(() -> {
                long started = System.nanoTime();
                HttpAnswer answer = authenticateAndRun(found, fromCertificate, method, path, uri, headers, body);
                observer.requestDone(method, found.entry().pattern(), answer.status(), System.nanoTime() - started);
                ctx.executor().execute(() -> {
                    listener.requestFinished();
                    write(ctx, answer, keepAlive, head);
                    ctx.channel().config().setAutoRead(true);
                });
            });
        } catch (RejectedExecutionException e) {
            listener.requestFinished();
            ctx.channel().config().setAutoRead(true);
            write(ctx, HttpAnswer.problem(503, "unavailable", "The server is busy", "try again shortly")
                    .withHeader("Retry-After", "1"), false, head);
        }
    }

    /**
     * On a worker thread (token checks read the database): the caller from the Authorization header when it
     * has one, else from the connection's certificate; then the route.
     */
    private HttpAnswer authenticateAndRun(Router.Found found, Caller fromCertificate, String method, String path,
                                          QueryStringDecoder uri, Map<String, String> headers, byte[] body) {
        Optional<Caller> caller;
        String authorization = headers.get("authorization");
        if (authorization != null) {
            try {
                caller = authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                        ? bearer.authenticate(authorization.substring(7).strip()) : Optional.empty();
            } catch (RuntimeException e) {
                log.warn("Checking an API token from {} failed: {}", remote, Failures.describe(e));
                return HttpAnswer.problem(503, "unavailable", "Cannot check the token now",
                        "the server cannot read its token store; try again shortly").withHeader("Retry-After", "1");
            }
            if (caller.isEmpty()) {
                return HttpAnswer.problem(401, "unauthenticated", "Not authenticated",
                                "the API token is unknown, expired or revoked (send Authorization: Bearer <token>)")
                        .withHeader("WWW-Authenticate", "Bearer");
            }
        } else {
            caller = Optional.ofNullable(fromCertificate);
            try {
                if (caller.isPresent() && !found.entry().pattern().equals("/kmip") && replaced()) {
                    return HttpAnswer.problem(403, "forbidden", "Certificate replaced",
                            "this client certificate was replaced by Re-Provision; connect with the new certificate");
                }
            } catch (RuntimeException e) {
                log.warn("Checking the client certificate of {} failed: {}", remote, Failures.describe(e));
                return HttpAnswer.problem(503, "unavailable", "Cannot check the certificate now",
                        "the server cannot read its store; try again shortly").withHeader("Retry-After", "1");
            }
        }
        if (found.entry().access() == Router.Access.AUTHENTICATED && caller.isEmpty()) {
            return HttpAnswer.problem(401, "unauthenticated", "Not authenticated",
                            "present a client certificate issued by the server's CA, or an API token as"
                                    + " Authorization: Bearer <token>")
                    .withHeader("WWW-Authenticate", "Bearer");
        }
        HttpCall call = new HttpCall(method, path, uri.parameters(), headers, body, caller.orElse(null), remote,
                session, found.pathParams());
        return run(found.entry(), call);
    }

    /** Whether Re-Provision replaced the connection's client certificate (KMIP at /kmip decides for itself). */
    private boolean replaced() {
        LinkCredential credential = session.linkCredential();
        return credential != null && tls.replaced(credential);
    }

    private HttpAnswer run(Router.Entry entry, HttpCall call) {
        try {
            HttpAnswer answer = entry.route().handle(call);
            log.debug("{} {} {} from {} ({})", call.method(), call.path(), answer.status(), remote,
                    call.caller() == null ? "anonymous" : call.caller().identity());
            return answer;
        } catch (HttpProblem p) {
            return p.answer();
        } catch (Exception | Error e) {
            String reference = UUID.randomUUID().toString();
            log.error("{} {} failed (reference {}): {}", call.method(), entry.pattern(), reference, Failures.describe(e));
            return HttpAnswer.problem(500, "internal", "The server failed to answer",
                    "the failure is in the server log under reference " + reference);
        }
    }

    private void write(ChannelHandlerContext ctx, HttpAnswer answer, boolean keepAlive, boolean head) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(answer.status()),
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(answer.body()));
        var h = response.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, answer.contentType());
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length);
        h.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Strict-Transport-Security", "max-age=31536000");
        h.set("Referrer-Policy", "no-referrer");
        h.set("X-Frame-Options", "DENY");
        for (Map.Entry<String, String> e : answer.headers().entrySet()) {
            h.set(e.getKey(), e.getValue());
        }
        if (keepAlive && !listener.stopping()) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        session.close();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("HTTPS connection from {}: {}", remote, cause.toString());
        ctx.close();
    }
}
