package io.keyhold.server.ops.server;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Discover Versions (KMIP 1.4 section 4.26, 2.1 section 6.1): the protocol versions the server serves,
 * in its order of preference, highest first; only those the client listed, when it listed any.
 */
public final class DiscoverVersionsHandler implements OperationHandler {
    private final List<KmipVersion> supported;

    /** @param supported the served versions in preference order */
    public DiscoverVersionsHandler(List<KmipVersion> supported) {
        this.supported = List.copyOf(supported);
    }

    @Override
    public Operation operation() {
        return Operation.DISCOVER_VERSIONS;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        Set<KmipVersion> wanted = new HashSet<>();
        for (TtlvItem pv : payload.childrenWith(Tag.PROTOCOL_VERSION)) {
            wanted.add(read(pv));
        }
        List<TtlvItem> out = new ArrayList<>();
        for (KmipVersion v : supported) {
            if (wanted.isEmpty() || wanted.contains(v)) {
                out.add(TtlvItem.structure(Tag.PROTOCOL_VERSION,
                        TtlvItem.integer(Tag.PROTOCOL_VERSION_MAJOR, v.major()),
                        TtlvItem.integer(Tag.PROTOCOL_VERSION_MINOR, v.minor())));
            }
        }
        return TtlvItem.structure(Tag.RESPONSE_PAYLOAD, out);
    }

    private static KmipVersion read(TtlvItem pv) throws KmipException {
        Payloads.typed(pv, ItemType.STRUCTURE);
        int major = Payloads.required(pv, Tag.PROTOCOL_VERSION_MAJOR, ItemType.INTEGER).intValue();
        int minor = Payloads.required(pv, Tag.PROTOCOL_VERSION_MINOR, ItemType.INTEGER).intValue();
        if (major < 0 || minor < 0) {
            throw new KmipException(ResultReason.INVALID_FIELD, "Protocol Version " + major + "." + minor + " is negative");
        }
        return new KmipVersion(major, minor);
    }
}
