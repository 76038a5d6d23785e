package io.keyhold.server.ops.server;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log (KMIP 2.0/2.1 section 6.1): writes the client's Log Message to the server log at INFO, with
 * control characters replaced and at most 1024 characters, so a client cannot forge log lines.
 */
public final class LogHandler implements OperationHandler {
    private static final Logger LOG = LoggerFactory.getLogger("io.keyhold.server.clientlog");
    static final int MAX_CHARS = 1024;

    @Override
    public Operation operation() {
        return Operation.LOG;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        String message = Payloads.required(payload, Tag.LOG_MESSAGE, ItemType.TEXT_STRING).textValue();
        LOG.info("client {} ({}): {}", context.identity(), context.request().remoteAddress(), sanitize(message));
        return TtlvItem.structure(Tag.RESPONSE_PAYLOAD);
    }

    static String sanitize(String text) {
        StringBuilder sb = new StringBuilder(Math.min(text.length(), MAX_CHARS + 1));
        for (int i = 0; i < text.length() && sb.length() < MAX_CHARS; i++) {
            char c = text.charAt(i);
            sb.append(Character.isISOControl(c) || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR ? '?' : c);
        }
        if (text.length() > MAX_CHARS) {
            sb.append('…');
        }
        return sb.toString();
    }
}
