package io.keyhold.server.ops.server;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.InteropFunction;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Interop (KMIP 2.0/2.1 section 6.1): a test client marks where an interoperability test case begins and
 * ends, so the server's log can be matched to the test. Begin opens the named test case, End closes it (an
 * End for a test case that is not open is an Invalid Field), Reset closes them all. Each is logged at INFO
 * with the identifier sanitized like a Log Message. The server keeps no test state besides the open
 * identifiers: Reset does not touch stored objects, which stay under the usual access rules. At most
 * {@code maxOpen} test cases are kept open; beyond that the oldest is forgotten, so a client that never
 * sends End cannot grow the server's memory.
 */
public final class InteropHandler implements OperationHandler {
    private static final Logger LOG = LoggerFactory.getLogger("io.keyhold.server.interop");
    static final int DEFAULT_MAX_OPEN = 256;

    private final int maxOpen;
    private final Set<String> open = new LinkedHashSet<>();

    public InteropHandler() {
        this(DEFAULT_MAX_OPEN);
    }

    /** @param maxOpen how many test cases may be open at once (at least 1) */
    public InteropHandler(int maxOpen) {
        if (maxOpen < 1) {
            throw new IllegalArgumentException("maxOpen must be at least 1, got " + maxOpen);
        }
        this.maxOpen = maxOpen;
    }

    @Override
    public Operation operation() {
        return Operation.INTEROP;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        int value = Payloads.required(payload, Tag.INTEROP_FUNCTION, ItemType.ENUMERATION).enumValue();
        InteropFunction function = InteropFunction.fromValue(value).orElseThrow(() -> new KmipException(
                ResultReason.INVALID_FIELD, String.format("Interop Function 0x%08X is not Begin, End or Reset", value)));
        String id = Payloads.required(payload, Tag.INTEROP_IDENTIFIER, ItemType.TEXT_STRING).textValue();
        String shown = LogHandler.sanitize(id);
        synchronized (open) {
            switch (function) {
                case BEGIN -> {
                    open.remove(id);
                    if (open.size() >= maxOpen) {
                        Iterator<String> oldest = open.iterator();
                        oldest.next();
                        oldest.remove();
                    }
                    open.add(id);
                }
                case END -> {
                    if (!open.remove(id)) {
                        throw new KmipException(ResultReason.INVALID_FIELD,
                                "Interop Identifier " + shown + " has no open test case to end");
                    }
                }
                case RESET -> open.clear();
            }
        }
        LOG.info("client {}: interop {} {}", context.identity(), function.specName(), shown);
        return TtlvItem.structure(Tag.RESPONSE_PAYLOAD);
    }

    /** Whether a test case with this identifier is open (for tests and monitoring). */
    boolean isOpen(String id) {
        synchronized (open) {
            return open.contains(id);
        }
    }
}
