package io.keyhold.protocol.ttlv;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * Cuts a byte stream into whole TTLV messages, however the bytes arrive (one at a time, or several
 * messages in one read). The message length is checked against the limit from the 8-byte header alone,
 * before its body is buffered. Not thread-safe: one framer per connection.
 */
public final class TtlvFramer {
    private final TtlvDecoder decoder;
    private byte[] buf = new byte[512];
    private int size;

    public TtlvFramer(TtlvDecoder decoder) {
        this.decoder = decoder;
    }

    /** Appends bytes read from the stream. */
    public void offer(ByteBuffer bytes) {
        int n = bytes.remaining();
        ensure(n);
        bytes.get(buf, size, n);
        size += n;
    }

    public void offer(byte[] bytes, int offset, int length) {
        offer(ByteBuffer.wrap(bytes, offset, length));
    }

    /**
     * The next whole message, decoded, or empty when more bytes are needed.
     *
     * @throws CodecException when the message is malformed or larger than the decoder's limit; the
     *                        stream cannot be resynchronised after that and should be closed once the
     *                        error has been answered
     */
    public Optional<TtlvItem> next() throws CodecException {
        if (size < 8) {
            return Optional.empty();
        }
        if (ItemType.fromCode(buf[3] & 0xFF) != ItemType.STRUCTURE) {
            throw new CodecException(String.format("message item 0x%06X at offset 0: item type 0x%02X (expected: Structure)",
                    (buf[0] & 0xFF) << 16 | (buf[1] & 0xFF) << 8 | (buf[2] & 0xFF), buf[3] & 0xFF), 0);
        }
        long total = TtlvDecoder.messageLength(buf, 0);
        if (total > decoder.maxMessageBytes()) {
            throw new CodecException("message length: " + total + " (expected: <= " + decoder.maxMessageBytes() + ")", 0);
        }
        if (size < total) {
            return Optional.empty();
        }
        int t = (int) total;
        TtlvItem item = decoder.decode(buf, 0, t);
        System.arraycopy(buf, t, buf, 0, size - t);
        size -= t;
        return Optional.of(item);
    }

    /** Bytes received but not yet returned as a message. */
    public int buffered() {
        return size;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }
}
