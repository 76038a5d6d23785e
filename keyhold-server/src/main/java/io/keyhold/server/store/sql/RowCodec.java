package io.keyhold.server.store.sql;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.StoreException;
import java.util.ArrayList;
import java.util.List;

/**
 * The column encodings of a managed object row. Attributes are one TTLV structure: Attributes holding,
 * per instance, an Attribute structure of Attribute Name (text), Attribute Index (integer) and the value
 * item with its own tag (Attribute Value for custom attributes), so name, index and value round-trip
 * exactly. The object is its own TTLV encoding, encrypted under the master key by {@link ObjectEnvelope}.
 */
final class RowCodec {
    private static final TtlvEncoder ENCODER = new TtlvEncoder();
    /** Stored rows were written by us: allow large objects and deep nesting. */
    private static final TtlvDecoder DECODER = new TtlvDecoder(1 << 30, 64);

    private RowCodec() {}

    static byte[] encodeAttributes(List<KmipAttribute> attributes) {
        List<TtlvItem> entries = new ArrayList<>(attributes.size());
        for (KmipAttribute a : attributes) {
            entries.add(TtlvItem.structure(Tag.ATTRIBUTE,
                    TtlvItem.text(Tag.ATTRIBUTE_NAME, a.name()),
                    TtlvItem.integer(Tag.ATTRIBUTE_INDEX, a.index()),
                    a.value()));
        }
        return ENCODER.encode(TtlvItem.structure(Tag.ATTRIBUTES, entries));
    }

    static List<KmipAttribute> decodeAttributes(byte[] encoded, String uid) {
        TtlvItem root = decode(encoded, uid, "attributes");
        if (root.tag() != Tag.ATTRIBUTES || root.type() != ItemType.STRUCTURE) {
            throw corrupt(uid, "attributes");
        }
        List<KmipAttribute> out = new ArrayList<>(root.children().size());
        for (TtlvItem entry : root.children()) {
            List<TtlvItem> parts = entry.isStructure() ? entry.children() : List.of();
            if (entry.tag() != Tag.ATTRIBUTE || parts.size() != 3
                    || parts.get(0).type() != ItemType.TEXT_STRING || parts.get(1).type() != ItemType.INTEGER) {
                throw corrupt(uid, "attributes");
            }
            try {
                out.add(new KmipAttribute(parts.get(0).textValue(), parts.get(1).intValue(), parts.get(2)));
            } catch (IllegalArgumentException e) {
                throw corrupt(uid, "attributes");
            }
        }
        return out;
    }

    /** The object's TTLV, sealed in an envelope (see {@link ObjectEnvelope}); null for no object. */
    static byte[] encodeObject(TtlvItem object, String uid, ObjectEnvelope envelope) {
        return object == null ? null : envelope.seal(uid, ENCODER.encode(object));
    }

    static TtlvItem decodeObject(byte[] stored, String uid, ObjectEnvelope envelope) {
        return stored == null ? null : decode(envelope.open(uid, stored), uid, "object");
    }

    private static TtlvItem decode(byte[] encoded, String uid, String column) {
        try {
            return DECODER.decode(encoded);
        } catch (CodecException e) {
            // the codec message names offsets and lengths, never content
            throw new StoreException("object " + uid + ": stored " + column + " column does not decode: " + e.getMessage());
        }
    }

    private static StoreException corrupt(String uid, String column) {
        return new StoreException("object " + uid + ": stored " + column + " column is not in the expected form");
    }
}
