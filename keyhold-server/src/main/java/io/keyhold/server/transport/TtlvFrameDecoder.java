package io.keyhold.server.transport;

import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Cuts the decrypted byte stream into TTLV messages using the 8-byte header alone: tag (3 bytes), type (1),
 * length (4). A message starts with the byte 0x42 (every KMIP tag does); anything else, or a header that
 * declares more than the limit, ends reading from the connection: the handler answers what it can and
 * closes. The body is buffered only once the header has passed the limit check.
 */
final class TtlvFrameDecoder extends ByteToMessageDecoder {
    static final int HEADER_BYTES = 8;
    private static final int KMIP_TAG_FIRST_BYTE = 0x42;

    private final int maxMessageBytes;
    private boolean failed;

    TtlvFrameDecoder(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
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
    }

    private void fail(ByteBuf in, List<Object> out, Frame frame) {
        failed = true;
        in.skipBytes(in.readableBytes());
        out.add(frame);
    }
}
