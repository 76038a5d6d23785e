package io.keyhold.protocol.message;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;

/** Reads and writes the Protocol Version structure. */
final class ProtocolVersions {
    private ProtocolVersions() {}

    static KmipVersion from(Fields parent, TtlvItem item) throws KmipException {
        Fields f = parent.nested(item);
        int major = f.required(Tag.PROTOCOL_VERSION_MAJOR, ItemType.INTEGER).intValue();
        int minor = f.required(Tag.PROTOCOL_VERSION_MINOR, ItemType.INTEGER).intValue();
        if (major < 0 || minor < 0) {
            throw Fields.invalid(f.path() + ": negative version " + major + "." + minor);
        }
        return new KmipVersion(major, minor);
    }

    static TtlvItem toTtlv(KmipVersion v) {
        return TtlvItem.structure(Tag.PROTOCOL_VERSION,
                TtlvItem.integer(Tag.PROTOCOL_VERSION_MAJOR, v.major()),
                TtlvItem.integer(Tag.PROTOCOL_VERSION_MINOR, v.minor()));
    }
}
