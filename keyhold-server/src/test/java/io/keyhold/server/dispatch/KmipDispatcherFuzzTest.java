package io.keyhold.server.dispatch;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.server.ServerAssembly;
import io.keyhold.server.auth.Identity;
import io.keyhold.server.store.memory.InMemoryObjectStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Fuzz target: arbitrary bytes as a request to the dispatcher with every operation ({@link
 * ServerAssembly#open(io.keyhold.server.store.ObjectStore, Clock)}) over a fresh in-memory store, as a
 * fixed client, at a fixed time. Findings: an exception escaping {@link KmipDispatcher#process}, an
 * answer that is not a KMIP Response Message, or an item answered with the generic "internal error"
 * message (an unexpected exception in the server: every bad request deserves a precise Result Reason).
 * Seeds: {@code KmipDispatcherFuzzTestInputs/process/}. See docs/fuzzing.md.
 */
class KmipDispatcherFuzzTest {
    private static final int MAX_INPUT_BYTES = 64 * 1024;
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private static final RequestContext CLIENT = new RequestContext(new Identity("fuzz-client"), "127.0.0.1:1",
            new ConnectionSession());
    private static final TtlvDecoder RESPONSE_DECODER = new TtlvDecoder();

    @FuzzTest(maxDuration = "40s")
    void process(byte[] request) {
        if (request.length > MAX_INPUT_BYTES) {
            return;
        }
        byte[] response;
        try (ServerAssembly.Assembly server = ServerAssembly.open(new InMemoryObjectStore(), CLOCK)) {
            response = server.processor().process(request, CLIENT);
        }
        ResponseMessage message;
        try {
            message = ResponseMessage.from(RESPONSE_DECODER.decode(response));
        } catch (CodecException | KmipException e) {
            throw new AssertionError("the answer is not a KMIP Response Message: " + e.getMessage(), e);
        }
        if (message.batchItems().isEmpty()) {
            throw new AssertionError("the answer has no batch item");
        }
        for (ResponseBatchItem item : message.batchItems()) {
            if (item.resultReason() != null && item.resultReason() == ResultReason.GENERAL_FAILURE.value()
                    && item.resultMessage() != null && item.resultMessage().startsWith("internal error")) {
                throw new AssertionError("an unexpected exception inside the server answered an item: "
                        + item.resultMessage() + " (the cause is in the log line with that reference)");
            }
        }
    }
}
