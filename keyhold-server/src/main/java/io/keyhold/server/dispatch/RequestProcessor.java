package io.keyhold.server.dispatch;

import io.keyhold.protocol.spec.ResultReason;

/**
 * Turns one encoded KMIP request message into one encoded response message. This is the boundary between
 * a transport (the TLS socket, later HTTPS) and the protocol: the transport frames and delivers whole
 * messages, the processor decodes, authorizes, executes and encodes. Thread-safe; calls may block on the
 * database, so transports call it off their I/O threads.
 */
public interface RequestProcessor {

    /**
     * Processes one request message (the complete TTLV bytes, header included) and returns the complete
     * TTLV response. Never throws: every failure, including an undecodable message, becomes a KMIP
     * response with Result Status Operation Failed.
     */
    byte[] process(byte[] request, RequestContext context);

    /**
     * A response reporting a failure for a message that could not be processed at all (for example one
     * larger than the size limit): one batch item with the given reason and message, in KMIP 1.0 so that
     * every client can read it.
     */
    byte[] failure(ResultReason reason, String message);

    /**
     * A response refusing a whole request message without running any of it (for example one over the
     * client's request rate): every batch item fails with the reason, in the request's protocol version and
     * with the reason that version has, echoing each item's Operation and Unique Batch Item ID where the
     * request can be read. By default {@link #failure}.
     */
    default byte[] reject(byte[] request, ResultReason reason, String message) {
        return failure(reason, message);
    }

    /**
     * As {@link #reject(byte[], ResultReason, String)}, recording the refusal in the audit log. By default
     * no record is kept.
     */
    default byte[] reject(byte[] request, RequestContext context, ResultReason reason, String message) {
        return reject(request, reason, message);
    }

    /**
     * Whether {@code request} (the complete TTLV bytes) is one this processor answers in microseconds without
     * waiting on anything: then the connection may run it on its event loop instead of handing it to a
     * worker thread and back, which on a lightly loaded server costs more than the request itself. Must be
     * cheap (it only looks at the bytes) and false whenever unsure. By default false.
     */
    default boolean quick(byte[] request) {
        return false;
    }

    /** The counter of object uses this processor keeps (see {@link ObjectUses}), or null when it counts none. */
    default ObjectUses objectUses() {
        return null;
    }
}
