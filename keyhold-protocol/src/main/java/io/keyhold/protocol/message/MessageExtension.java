package io.keyhold.protocol.message;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;

/**
 * Message Extension of a batch item (KMIP 1.x/2.x section 6.16 / 8.x): a vendor's extension, which a
 * server that does not understand it must refuse when it is marked critical.
 *
 * @param vendorIdentification who defined it
 * @param critical             Criticality Indicator
 * @param vendorExtension      the vendor's structure, kept as received
 */
public record MessageExtension(String vendorIdentification, boolean critical, TtlvItem vendorExtension) {

    static MessageExtension from(Fields parent, TtlvItem item) throws KmipException {
        Fields f = parent.nested(item);
        return new MessageExtension(
                f.required(Tag.VENDOR_IDENTIFICATION, ItemType.TEXT_STRING).textValue(),
                f.required(Tag.CRITICALITY_INDICATOR, ItemType.BOOLEAN).booleanValue(),
                f.required(Tag.VENDOR_EXTENSION, ItemType.STRUCTURE));
    }

    TtlvItem toTtlv() {
        return TtlvItem.structure(Tag.MESSAGE_EXTENSION,
                TtlvItem.text(Tag.VENDOR_IDENTIFICATION, vendorIdentification),
                TtlvItem.bool(Tag.CRITICALITY_INDICATOR, critical),
                vendorExtension);
    }
}
