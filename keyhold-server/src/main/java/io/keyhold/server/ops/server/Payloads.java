package io.keyhold.server.ops.server;

import io.keyhold.server.ops.PayloadFields;
import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.SpecTable;
import io.keyhold.protocol.spec.TagDefinition;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.List;
import java.util.Optional;

/** Reading request payload fields with precise errors, for the server-level operations. */
final class Payloads {
    private Payloads() {}

    static Optional<TtlvItem> optional(TtlvItem payload, int tag, ItemType type) throws KmipException {
        return PayloadFields.optional(payload, tag, type);
    }

    static TtlvItem required(TtlvItem payload, int tag, ItemType type) throws KmipException {
        return optional(payload, tag, type)
                .orElseThrow(() -> new KmipException(ResultReason.INVALID_MESSAGE, name(tag) + " is missing"));
    }

    static TtlvItem typed(TtlvItem item, ItemType type) throws KmipException {
        return PayloadFields.typed(item, type);
    }

    static String name(int tag) {
        return PayloadFields.name(tag);
    }

    /** The reason for an unknown Asynchronous Correlation Value: 2.x has its own, 1.x says Item Not Found. */
    static ResultReason notFoundReason(KmipVersion version) {
        return version.isTwoOrLater() ? ResultReason.INVALID_ASYNCHRONOUS_CORRELATION_VALUE : ResultReason.ITEM_NOT_FOUND;
    }
}
