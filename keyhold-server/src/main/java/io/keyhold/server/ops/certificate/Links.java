package io.keyhold.server.ops.certificate;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.LinkType;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.StoredObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Link attributes (the KMIP 1.x and 2.x Link attribute) added to objects and read from them. */
final class Links {
    private Links() {}

    static TtlvItem link(LinkType type, String linkedUid) {
        return TtlvItem.structure(Tag.LINK, TtlvItem.enumeration(Tag.LINK_TYPE, type.value()),
                TtlvItem.text(Tag.LINKED_OBJECT_IDENTIFIER, linkedUid));
    }

    /** The object with one more Link instance, at the next free index. */
    static StoredObject add(StoredObject object, LinkType type, String linkedUid) {
        int next = 0;
        for (KmipAttribute a : object.attributes("Link")) {
            next = Math.max(next, a.index() + 1);
        }
        List<KmipAttribute> out = new ArrayList<>(object.attributes());
        out.add(new KmipAttribute("Link", next, link(type, linkedUid)));
        return object.withAttributes(out);
    }

    /** The first object this one links to with the type. */
    static Optional<String> target(StoredObject object, LinkType type) {
        for (KmipAttribute a : object.attributes("Link")) {
            TtlvItem v = a.value();
            if (v.child(Tag.LINK_TYPE).map(TtlvItem::enumValue).orElse(-1) == type.value()) {
                return v.child(Tag.LINKED_OBJECT_IDENTIFIER).map(TtlvItem::textValue);
            }
        }
        return Optional.empty();
    }
}
