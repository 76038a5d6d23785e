package io.keyhold.server.dispatch;

import io.keyhold.protocol.KmipException;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.protocol.ttlv.TtlvItem;

/**
 * A handler that decides the whole item result rather than only its payload (Poll). The dispatcher calls
 * {@link #execute} instead of {@link #handle}; a thrown {@link KmipException} still becomes a failure.
 */
public interface ItemResultHandler extends OperationHandler {

    ItemResult execute(OperationContext context, TtlvItem requestPayload) throws KmipException;
}
