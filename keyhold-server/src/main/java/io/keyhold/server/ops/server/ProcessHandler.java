package io.keyhold.server.ops.server;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ProcessingStage;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.dispatch.AsyncResults;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Process (KMIP 2.1 section 6.1): the client asks the server to process one of its asynchronous requests
 * that is still waiting, named by its Asynchronous Correlation Value. Keyhold queues every asynchronous
 * request for processing as soon as it arrives and needs no separate go-ahead, so Process confirms the
 * request will be processed: a request still Submitted (queued) is acknowledged with its correlation
 * value and Processing Stage. A request already In Process or Completed, or one a Process request was
 * already acknowledged for, is a Duplicate Process Request; a correlation value this client does not hold
 * is an Invalid Asynchronous Correlation Value. The result itself is collected with Poll.
 */
public final class ProcessHandler implements OperationHandler {
    static final int MAX_REMEMBERED = 4096;

    private final AsyncResults results;
    /** Correlation values a Process request was acknowledged for (bounded; the oldest is forgotten first). */
    private final Set<String> acknowledged = new LinkedHashSet<>();

    public ProcessHandler(AsyncResults results) {
        this.results = results;
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
        ProcessingStage stage = entry.stage();
        if (stage != ProcessingStage.SUBMITTED) {
            throw new KmipException(ResultReason.DUPLICATE_PROCESS_REQUEST,
                    "the asynchronous request is already " + stage.specName().toLowerCase(java.util.Locale.ROOT));
        }
        String key = HexFormat.of().formatHex(acv);
        synchronized (acknowledged) {
            if (acknowledged.contains(key)) {
                throw new KmipException(ResultReason.DUPLICATE_PROCESS_REQUEST,
                        "processing of this asynchronous request was already requested");
            }
            if (acknowledged.size() >= MAX_REMEMBERED) {
                Iterator<String> oldest = acknowledged.iterator();
                oldest.next();
                oldest.remove();
            }
            acknowledged.add(key);
        }
        return TtlvItem.structure(Tag.RESPONSE_PAYLOAD,
                TtlvItem.bytes(Tag.ASYNCHRONOUS_CORRELATION_VALUE, acv),
                TtlvItem.enumeration(Tag.PROCESSING_STAGE, stage.value()));
    }
}
