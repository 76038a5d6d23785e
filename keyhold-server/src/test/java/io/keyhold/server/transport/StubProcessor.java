package io.keyhold.server.transport;

import io.keyhold.protocol.message.MessageEncoder;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseHeader;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.dispatch.ConnectionSession;
import io.keyhold.server.dispatch.RequestContext;
import io.keyhold.server.dispatch.RequestProcessor;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Answers every request with a Response Message structure holding the client's identity (Unique
 * Identifier) and the request bytes (Nonce Value), after an optional delay; counts what it sees.
 */
public class StubProcessor implements RequestProcessor {
    public volatile long delayMillis;
    public final AtomicInteger running = new AtomicInteger();
    public final AtomicInteger maxRunning = new AtomicInteger();
    public final AtomicInteger processed = new AtomicInteger();
    public final ConcurrentLinkedQueue<String> threads = new ConcurrentLinkedQueue<>();
    public final ConcurrentLinkedQueue<ConnectionSession> sessions = new ConcurrentLinkedQueue<>();
    public final AtomicInteger sessionsClosed = new AtomicInteger();
    /** Which requests the stub calls quick (none by default). */
    public volatile Predicate<byte[]> quick = request -> false;
    /** Which requests wait {@link #delayMillis} (all by default). */
    public volatile Predicate<byte[]> delayed = request -> true;

    @Override
    public boolean quick(byte[] request) {
        return quick.test(request);
    }

    @Override
    public byte[] process(byte[] request, RequestContext context) {
        // the thread first: a test that waits for a request to be running may then clear the list
        threads.add(Thread.currentThread().getName());
        int now = running.incrementAndGet();
        maxRunning.accumulateAndGet(now, Math::max);
        sessions.add(context.session());
        context.session().values().computeIfAbsent("stub", k -> (AutoCloseable) sessionsClosed::incrementAndGet);
        try {
            if (delayMillis > 0 && delayed.test(request)) {
                Thread.sleep(delayMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            running.decrementAndGet();
        }
        processed.incrementAndGet();
        return new TtlvEncoder().encode(TtlvItem.structure(Tag.RESPONSE_MESSAGE,
                TtlvItem.text(Tag.UNIQUE_IDENTIFIER, context.identity().name()),
                TtlvItem.bytes(Tag.NONCE_VALUE, request)));
    }

    @Override
    public byte[] failure(ResultReason reason, String message) {
        try {
            return new MessageEncoder().encode(new ResponseMessage(ResponseHeader.of(KmipVersion.V1_0, 0, 1),
                    List.of(ResponseBatchItem.failure(null, null, reason, message))));
        } catch (CodecException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A request-shaped message: Request Message structure with a text child of the given size. */
    public static byte[] request(String text) {
        return new TtlvEncoder().encode(TtlvItem.structure(Tag.REQUEST_MESSAGE, TtlvItem.text(Tag.UNIQUE_IDENTIFIER, text)));
    }
}
