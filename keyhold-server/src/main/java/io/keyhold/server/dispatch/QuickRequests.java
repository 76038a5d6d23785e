package io.keyhold.server.dispatch;

import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Recognises the requests that take microseconds to answer when the store is local: a message of at most
 * {@value #MAX_BYTES} bytes with one batch item whose Operation is Get, Get Attributes, Get Attribute List,
 * Query, Discover Versions, Encrypt or Decrypt. Anything else, malformed bytes included, is not quick, and is
 * answered the usual way. The connection asks only while requests come one at a time, so decoding such a
 * small message twice costs nothing that counts.
 */
final class QuickRequests {
    /** Larger messages carry data whose processing takes time in proportion (Encrypt of a large block). */
    static final int MAX_BYTES = 8 * 1024;

    private static final TtlvDecoder DECODER = new TtlvDecoder(MAX_BYTES, TtlvDecoder.DEFAULT_MAX_DEPTH);
    private static final Set<Integer> QUICK = Set.of(Operation.GET.value(), Operation.GET_ATTRIBUTES.value(),
            Operation.GET_ATTRIBUTE_LIST.value(), Operation.QUERY.value(), Operation.DISCOVER_VERSIONS.value(),
            Operation.ENCRYPT.value(), Operation.DECRYPT.value());

    private QuickRequests() {
    }

    static boolean quick(byte[] message) {
        if (message.length > MAX_BYTES) {
            return false;
        }
        TtlvItem tree;
        try {
            tree = DECODER.decode(message);
        } catch (CodecException e) {
            return false;
        }
        if (tree.tag() != Tag.REQUEST_MESSAGE || tree.type() != ItemType.STRUCTURE) {
            return false;
        }
        List<TtlvItem> items = tree.childrenWith(Tag.BATCH_ITEM);
        if (items.size() != 1 || items.get(0).type() != ItemType.STRUCTURE) {
            return false;
        }
        Optional<TtlvItem> operation = items.get(0).child(Tag.OPERATION);
        return operation.isPresent() && operation.get().type() == ItemType.ENUMERATION
                && QUICK.contains(operation.get().enumValue());
    }
}
