package io.keyhold.client;

import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.List;
import java.util.Optional;

/**
 * What a Query answered: the Operations and Object Types the server supports (for Query Operations and
 * Query Objects; values this library does not know are left out), its Vendor Identification and Server
 * Information (Query Server Information), and the whole response payload for the other query functions.
 */
public record QueryResult(List<Operation> operations, List<ObjectType> objectTypes, String vendorIdentification,
                          TtlvItem serverInformation, TtlvItem payload) {
    public QueryResult {
        operations = List.copyOf(operations);
        objectTypes = List.copyOf(objectTypes);
    }

    /** A text field of the Server Information (Server Name, Server Version, Product Name, ...), by tag. */
    public Optional<String> serverInformationText(int tag) {
        return Optional.ofNullable(serverInformation).flatMap(s -> s.child(tag))
                .filter(i -> i.type() == io.keyhold.protocol.ttlv.ItemType.TEXT_STRING).map(TtlvItem::textValue);
    }

    static QueryResult from(TtlvItem payload) {
        List<Operation> ops = payload.childrenWith(Tag.OPERATION).stream()
                .flatMap(o -> Operation.fromValue(o.enumValue()).stream()).toList();
        List<ObjectType> types = payload.childrenWith(Tag.OBJECT_TYPE).stream()
                .flatMap(o -> ObjectType.fromValue(o.enumValue()).stream()).toList();
        String vendor = payload.child(Tag.VENDOR_IDENTIFICATION).map(TtlvItem::textValue).orElse(null);
        return new QueryResult(ops, types, vendor, payload.child(Tag.SERVER_INFORMATION).orElse(null), payload);
    }
}
