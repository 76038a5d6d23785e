package io.keyhold.server.ops.server;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.dispatch.AsyncResults;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import java.time.Duration;

/**
 * Process (KMIP 2.1 section 6.1): turns one of the client's asynchronous requests, named by its
 * Asynchronous Correlation Value, into a synchronous one: the server processes it as though it had not been
 * submitted asynchronously, and the next Poll returns its result. Keyhold's background executor starts every
 * queued request as soon as a thread is free, so Process waits until the request has finished (or was
 * canceled) and answers with an empty payload. A correlation value the client does not hold is an Invalid
 * Asynchronous Correlation Value; a request still unfinished after {@link #LONGEST_WAIT} is a General
 * Failure that leaves it running, so Poll collects it later.
 */
public final class ProcessHandler implements OperationHandler {
    static final Duration LONGEST_WAIT = Duration.ofSeconds(30);

    private final AsyncResults results;
    private final Duration longestWait;

    public ProcessHandler(AsyncResults results) {
        this(results, LONGEST_WAIT);
    }

    public ProcessHandler(AsyncResults results, Duration longestWait) {
        this.results = results;
        this.longestWait = longestWait;
    }

    @Override
    public Operation operation() {
        return Operation.PROCESS;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        byte[] acv = Payloads.required(payload, Tag.ASYNCHRONOUS_CORRELATION_VALUE, ItemType.BYTE_STRING).bytesValue();
        AsyncResults.Entry entry = results.find(context.identity().name(), acv)
                .orElseThrow(() -> new KmipException(ResultReason.INVALID_ASYNCHRONOUS_CORRELATION_VALUE,
                        "no asynchronous request with this Asynchronous Correlation Value"));
        boolean finished;
        try {
            finished = entry.awaitCompletion(longestWait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        if (!finished) {
            throw new KmipException(ResultReason.GENERAL_FAILURE, "the asynchronous request did not finish within "
                    + longestWait.toSeconds() + " s; collect its result with Poll");
        }
        return TtlvItem.structure(Tag.RESPONSE_PAYLOAD);
    }
}
