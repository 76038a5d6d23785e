package io.keyhold.server;

import io.keyhold.protocol.message.MessageEncoder;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseHeader;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.dispatch.RequestContext;
import io.keyhold.server.dispatch.RequestProcessor;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.memory.InMemoryObjectStore;
import java.util.List;

/** The one place that chooses the store and the request processor for a configuration. */
public final class ServerAssembly {
    private ServerAssembly() {
    }

    /** The store and the processor working on it; closing it closes the store. */
    public record Assembly(ObjectStore store, RequestProcessor processor) implements AutoCloseable {
        @Override
        public void close() {
            store.close();
        }
    }

    /** Opens the store and builds the processor for the configuration. */
    public static Assembly open(ServerConfig config) {
        // Placeholder until the SQLite store and the dispatcher are merged: every request is refused.
        ObjectStore store = new InMemoryObjectStore();
        RequestProcessor processor = new RequestProcessor() {
            @Override
            public byte[] process(byte[] request, RequestContext context) {
                return failure(ResultReason.OPERATION_NOT_SUPPORTED, "this server does not process requests yet");
            }

            @Override
            public byte[] failure(ResultReason reason, String message) {
                ResponseMessage response = new ResponseMessage(
                        ResponseHeader.of(KmipVersion.V1_0, System.currentTimeMillis() / 1000, 1),
                        List.of(ResponseBatchItem.failure(null, null, reason, message)));
                try {
                    return new MessageEncoder().encode(response);
                } catch (CodecException e) {
                    throw new IllegalStateException("cannot encode a failure response", e);
                }
            }
        };
        return new Assembly(store, processor);
    }
}
