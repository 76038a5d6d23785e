package io.keyhold.protocol.ttlv;

/**
 * A message that cannot be decoded or encoded: malformed TTLV, XML or JSON, a limit exceeded, or an item
 * that the target version or encoding cannot carry. The message says what and where ("item 0x420094 at
 * offset 48: length 7 exceeds remaining 3") and never contains item values. A server answers it with
 * a KMIP error response (Invalid Message), not a dropped connection.
 */
public class CodecException extends Exception {
    private static final long serialVersionUID = 1L;

    private final long offset;

    public CodecException(String message) {
        this(message, -1);
    }

    public CodecException(String message, long offset) {
        super(message);
        this.offset = offset;
    }

    public CodecException(String message, Throwable cause) {
        super(message, cause);
        this.offset = -1;
    }

    /** The byte offset in the input where the problem was found, or -1 when not applicable. */
    public long offset() {
        return offset;
    }
}
