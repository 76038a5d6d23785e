package io.keyhold.protocol.message;

import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.VersionRules;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.protocol.ttlv.TtlvItem;

/**
 * Encodes messages to TTLV in their own protocol version: a message holding a tag, enumeration value,
 * mask bit or item type that its version does not have is refused, so a KMIP 1.0 client never receives
 * a field it cannot parse. Thread-safe.
 */
public final class MessageEncoder {
    private final TtlvEncoder encoder = new TtlvEncoder();
    private final VersionRules rules;

    public MessageEncoder() {
        this(VersionRules.standard());
    }

    public MessageEncoder(VersionRules rules) {
        this.rules = rules;
    }

    public byte[] encode(ResponseMessage message) throws CodecException {
        return encode(message.toTtlv(), message.header().protocolVersion());
    }

    public byte[] encode(RequestMessage message) throws CodecException {
        return encode(message.toTtlv(), message.header().protocolVersion());
    }

    private byte[] encode(TtlvItem tree, KmipVersion version) throws CodecException {
        if (version.isKnown()) {
            rules.requireWithin(tree, version);
        }
        return encoder.encode(tree);
    }
}
