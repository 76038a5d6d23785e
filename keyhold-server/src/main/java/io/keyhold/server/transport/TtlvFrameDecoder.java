package io.keyhold.server.transport;

import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Cuts the decrypted byte stream into TTLV messages using the 8-byte header alone: tag (3 bytes), type (1),
 * length (4). A message starts with the byte 0x42 (every KMIP tag does); anything else, or a header that
 * declares more than the limit, ends reading from the connection: the handler answers what it can and
 * closes. The body is buffered only once the header has passed the limit check.
 *
 * <p>With a read timeout, a message must arrive whole within that time of its first byte; otherwise
 * {@link ReadTimedOut} is fired down the pipeline, for the handler to close the connection. This is what
 * defeats a client that holds a connection (and a buffer) by trickling a message one byte at a time, which
 * the idle timeout cannot, since every byte counts as traffic. While a request of the connection is in
 * progress ({@link #requestStarted}), or the connection is not being read, the clock is stopped: it
 * restarts once the request is answered ({@link #requestAnswered}).
 */
final class TtlvFrameDecoder extends ByteToMessageDecoder {
    static final int HEADER_BYTES = 8;
    private static final int KMIP_TAG_FIRST_BYTE = 0x42;

    /** The user event for a message that did not arrive whole within the read timeout. */
    record ReadTimedOut(long timeoutMillis, int bytesReceived) {
    }

    private final int maxMessageBytes;
    private final long readTimeoutNanos;
    private boolean failed;
    private boolean requestInProgress;
    private long deadlineNanos;
    private ScheduledFuture<?> check;

    TtlvFrameDecoder(int maxMessageBytes) {
        this(maxMessageBytes, 0);
    }

    /** {@code readTimeoutMillis} 0: no read timeout. */
    TtlvFrameDecoder(int maxMessageBytes, long readTimeoutMillis) {
        this.maxMessageBytes = maxMessageBytes;
        this.readTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(readTimeoutMillis);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        super.channelRead(ctx, msg);
        if (readTimeoutNanos > 0) {
            watch(ctx);
        }
    }

    /** Starts the clock when part of a message is waiting; stops it when none is. */
    private void watch(ChannelHandlerContext ctx) {
        boolean partial = !failed && actualReadableBytes() > 0;
        if (!partial) {
            deadlineNanos = 0;
            if (check != null) {
                check.cancel(false);
                check = null;
            }
            return;
        }
        if (deadlineNanos == 0) {
            deadlineNanos = System.nanoTime() + readTimeoutNanos;
        }
        if (check == null) {
            schedule(ctx, deadlineNanos - System.nanoTime());
        }
    }

    /** Called on the event loop when a request of this connection starts: the clock stops until it is answered. */
    void requestStarted() {
        requestInProgress = true;
    }

    /**
     * Called on the event loop when the requests of the connection are answered: a message already begun
     * gets the whole timeout from now, since its sender may have waited for the answer before going on.
     */
    void requestAnswered() {
        requestInProgress = false;
        if (deadlineNanos != 0) {
            deadlineNanos = System.nanoTime() + readTimeoutNanos;
        }
    }

    private void schedule(ChannelHandlerContext ctx, long delayNanos) {
        check = ctx.executor().schedule(() -> expire(ctx), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }

    private void expire(ChannelHandlerContext ctx) {
        check = null;
        if (deadlineNanos == 0 || !ctx.channel().isActive()) {
            return;
        }
        long now = System.nanoTime();
        if (requestInProgress || !ctx.channel().config().isAutoRead()) {
            deadlineNanos = now + readTimeoutNanos; // answering, or not reading: the client cannot be blamed
            schedule(ctx, readTimeoutNanos);
        } else if (now - deadlineNanos < 0) {
            schedule(ctx, deadlineNanos - now);
        } else {
            deadlineNanos = 0;
            ctx.fireUserEventTriggered(new ReadTimedOut(TimeUnit.NANOSECONDS.toMillis(readTimeoutNanos),
                    actualReadableBytes()));
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (!in.isReadable()) {
            return;
        }
        int start = in.readerIndex();
        int first = in.getUnsignedByte(start);
        if (first != KMIP_TAG_FIRST_BYTE) {
            fail(in, out, new Frame.NotKmip(first));
            return;
        }
        if (in.readableBytes() < HEADER_BYTES) {
            return;
        }
        byte[] header = new byte[HEADER_BYTES];
        in.getBytes(start, header);
        long length = TtlvDecoder.messageLength(header, 0);
        if (length > maxMessageBytes) {
            fail(in, out, new Frame.TooLarge(length, maxMessageBytes));
            return;
        }
        if (in.readableBytes() < length) {
            return;
        }
        byte[] message = new byte[(int) length];
        in.readBytes(message);
        out.add(new Frame.Request(message));
        deadlineNanos = 0; // whatever follows is the start of the next message
    }

    private void fail(ByteBuf in, List<Object> out, Frame frame) {
        failed = true;
        in.skipBytes(in.readableBytes());
        out.add(frame);
    }
}
