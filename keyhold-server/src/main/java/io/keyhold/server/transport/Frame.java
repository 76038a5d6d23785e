package io.keyhold.server.transport;

/** What the frame decoder passes on: a whole request, or the reason the stream cannot be read further. */
sealed interface Frame {
    /** One complete TTLV message, header included. */
    record Request(byte[] bytes) implements Frame {
    }

    /** A message whose header declares more bytes than the limit; nothing after it is read. */
    record TooLarge(long length, int limit) implements Frame {
    }

    /** Bytes that cannot start a KMIP request message; nothing after them is read. */
    record NotKmip(int firstByte) implements Frame {
    }
}
