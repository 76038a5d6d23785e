package io.keyhold.server.interop.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.NameType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.SpecTable;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.TagDefinition;
import io.keyhold.protocol.spec.VersionRules;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.testing.KmipTestClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Requests written field by field in a client's own order, sent as raw TTLV, and responses decoded to
 * item trees so that the order of their children can be checked. Every response is held to the rules
 * that several clients impose at once (client-profiles.md, "Rules that several clients impose at once"):
 * the request's protocol version and nothing newer, the header's fields in order, Operation in every
 * batch item, Unique Batch Item ID echoed, Result Reason and Result Message on every failure.
 */
final class ClientWire {
    /** The order of a response Batch Item's fields (KMIP 1.4 section 7.2). */
    private static final List<Integer> RESPONSE_ITEM_ORDER = List.of(Tag.OPERATION, Tag.UNIQUE_BATCH_ITEM_ID,
            Tag.RESULT_STATUS, Tag.RESULT_REASON, Tag.RESULT_MESSAGE, Tag.ASYNCHRONOUS_CORRELATION_VALUE,
            Tag.RESPONSE_PAYLOAD, Tag.MESSAGE_EXTENSION);

    private ClientWire() {}

    // ---- requests

    /** A request Batch Item: Operation, Unique Batch Item ID when given, Request Payload with these fields. */
    static TtlvItem item(Operation operation, byte[] uniqueBatchItemId, TtlvItem... payloadFields) {
        List<TtlvItem> c = new ArrayList<>();
        c.add(TtlvItem.enumeration(Tag.OPERATION, operation.value()));
        if (uniqueBatchItemId != null) {
            c.add(TtlvItem.bytes(Tag.UNIQUE_BATCH_ITEM_ID, uniqueBatchItemId));
        }
        c.add(TtlvItem.structure(Tag.REQUEST_PAYLOAD, Arrays.asList(payloadFields)));
        return TtlvItem.structure(Tag.BATCH_ITEM, c);
    }

    static TtlvItem item(Operation operation, TtlvItem... payloadFields) {
        return item(operation, null, payloadFields);
    }

    /** Request Message: header (Protocol Version, Authentication when given, Batch Count), then the items. */
    static TtlvItem message(KmipVersion v, TtlvItem authentication, List<TtlvItem> items) {
        List<TtlvItem> header = new ArrayList<>();
        header.add(version(v));
        if (authentication != null) {
            header.add(authentication);
        }
        header.add(TtlvItem.integer(Tag.BATCH_COUNT, items.size()));
        List<TtlvItem> c = new ArrayList<>();
        c.add(TtlvItem.structure(Tag.REQUEST_HEADER, header));
        c.addAll(items);
        return TtlvItem.structure(Tag.REQUEST_MESSAGE, c);
    }

    static TtlvItem version(KmipVersion v) {
        return TtlvItem.structure(Tag.PROTOCOL_VERSION, TtlvItem.integer(Tag.PROTOCOL_VERSION_MAJOR, v.major()),
                TtlvItem.integer(Tag.PROTOCOL_VERSION_MINOR, v.minor()));
    }

    static TtlvItem uid(String uniqueIdentifier) {
        return TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uniqueIdentifier);
    }

    static TtlvItem objectType(io.keyhold.protocol.spec.ObjectType type) {
        return TtlvItem.enumeration(Tag.OBJECT_TYPE, type.value());
    }

    /** A 1.x Attribute: Attribute Name, then Attribute Value. */
    static TtlvItem attribute(String name, TtlvItem value) {
        return TtlvItem.structure(Tag.ATTRIBUTE, TtlvItem.text(Tag.ATTRIBUTE_NAME, name), value);
    }

    static TtlvItem enumAttribute(String name, int value) {
        return attribute(name, TtlvItem.enumeration(Tag.ATTRIBUTE_VALUE, value));
    }

    static TtlvItem intAttribute(String name, int value) {
        return attribute(name, TtlvItem.integer(Tag.ATTRIBUTE_VALUE, value));
    }

    static TtlvItem textAttribute(String name, String value) {
        return attribute(name, TtlvItem.text(Tag.ATTRIBUTE_VALUE, value));
    }

    static TtlvItem nameAttribute(String value) {
        return attribute("Name", TtlvItem.structure(Tag.ATTRIBUTE_VALUE, TtlvItem.text(Tag.NAME_VALUE, value),
                TtlvItem.enumeration(Tag.NAME_TYPE, NameType.UNINTERPRETED_TEXT_STRING.value())));
    }

    static TtlvItem templateAttribute(TtlvItem... attributes) {
        return TtlvItem.structure(Tag.TEMPLATE_ATTRIBUTE, attributes);
    }

    /** A Key Block holding raw (or opaque) material only, then algorithm and length when given. */
    static TtlvItem keyBlock(int keyFormatType, byte[] material, Integer algorithm, Integer length) {
        List<TtlvItem> c = new ArrayList<>();
        c.add(TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, keyFormatType));
        c.add(TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, material)));
        if (algorithm != null) {
            c.add(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, algorithm));
        }
        if (length != null) {
            c.add(TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, length));
        }
        return TtlvItem.structure(Tag.KEY_BLOCK, c);
    }

    // ---- exchange and the shared response rules

    /**
     * Sends one message and returns its response Batch Items, after checking the envelope rules: header
     * fields Protocol Version, Time Stamp, Batch Count in that order; the request's version; no field newer
     * than it; one item per request item in order (fewer only when a failure stopped the batch), each with
     * its Operation, its Unique Batch Item ID echoed (and none when the request had none), fields in order,
     * Result Reason and Result Message on failure.
     */
    static List<TtlvItem> send(KmipTestClient c, KmipVersion v, TtlvItem authentication, TtlvItem... items)
            throws Exception {
        TtlvItem request = message(v, authentication, List.of(items));
        byte[] raw = c.exchange(new TtlvEncoder().encode(request));
        TtlvItem tree = new TtlvDecoder().decode(raw);
        assertThat(tree.tag()).isEqualTo(Tag.RESPONSE_MESSAGE);
        assertThat(VersionRules.standard().check(tree, v)).as("response holds only %s content", v).isEmpty();
        TtlvItem header = tree.children().get(0);
        assertThat(header.tag()).isEqualTo(Tag.RESPONSE_HEADER);
        assertThat(names(header)).as("response header fields, in order")
                .containsExactly("Protocol Version", "Time Stamp", "Batch Count");
        TtlvItem pv = header.children().get(0);
        assertThat(names(pv)).containsExactly("Protocol Version Major", "Protocol Version Minor");
        assertThat(new KmipVersion(pv.children().get(0).intValue(), pv.children().get(1).intValue()))
                .as("answered in the request's protocol version").isEqualTo(v);
        long stamp = header.children().get(1).dateTimeValue();
        assertThat(Math.abs(stamp - Instant.now().getEpochSecond())).as("Time Stamp is now").isLessThan(300);
        List<TtlvItem> responses = tree.children().subList(1, tree.children().size());
        assertThat(header.children().get(2).intValue()).as("Batch Count").isEqualTo(responses.size());
        if (responses.size() != items.length) {
            assertThat(responses).as("fewer answers than items only when a failure stopped the batch (Batch Error"
                    + " Continuation Option Stop, the default)").isNotEmpty().hasSizeLessThan(items.length);
            assertThat(responses.get(responses.size() - 1).child(Tag.RESULT_STATUS).orElseThrow().enumValue())
                    .isEqualTo(ResultStatus.OPERATION_FAILED.value());
        }
        for (int i = 0; i < responses.size(); i++) {
            TtlvItem asked = items[i];
            TtlvItem answer = responses.get(i);
            assertThat(answer.tag()).isEqualTo(Tag.BATCH_ITEM);
            List<Integer> order = tags(answer);
            assertThat(order).as("response batch item fields in order: %s", names(answer))
                    .isEqualTo(order.stream().sorted((a, b) -> RESPONSE_ITEM_ORDER.indexOf(a) - RESPONSE_ITEM_ORDER.indexOf(b))
                            .collect(Collectors.toList()));
            assertThat(answer.child(Tag.OPERATION)).as("Operation in every response item")
                    .contains(asked.child(Tag.OPERATION).orElseThrow());
            assertThat(answer.child(Tag.UNIQUE_BATCH_ITEM_ID)).as("Unique Batch Item ID echoed")
                    .isEqualTo(asked.child(Tag.UNIQUE_BATCH_ITEM_ID));
            if (answer.child(Tag.RESULT_STATUS).orElseThrow().enumValue() != ResultStatus.SUCCESS.value()) {
                assertThat(answer.child(Tag.RESULT_REASON)).as("Result Reason on failure").isPresent();
                assertThat(answer.child(Tag.RESULT_MESSAGE).map(TtlvItem::textValue).orElse(""))
                        .as("Result Message on failure").isNotBlank();
            }
        }
        return responses;
    }

    /** One operation alone in a message; returns its response Batch Item. */
    static TtlvItem call(KmipTestClient c, KmipVersion v, Operation operation, TtlvItem... payloadFields)
            throws Exception {
        return send(c, v, null, item(operation, payloadFields)).get(0);
    }

    /** Like {@link #call}, failing unless the operation succeeded; returns its Response Payload. */
    static TtlvItem ok(KmipTestClient c, KmipVersion v, Operation operation, TtlvItem... payloadFields)
            throws Exception {
        return succeeded(call(c, v, operation, payloadFields));
    }

    /** The payload of a successful response item. */
    static TtlvItem succeeded(TtlvItem responseItem) {
        assertThat(responseItem.child(Tag.RESULT_STATUS).orElseThrow().enumValue())
                .as("%s: %s", operationName(responseItem), responseItem.child(Tag.RESULT_MESSAGE).map(TtlvItem::textValue).orElse(""))
                .isEqualTo(ResultStatus.SUCCESS.value());
        return responseItem.child(Tag.RESPONSE_PAYLOAD).orElseGet(() -> TtlvItem.structure(Tag.RESPONSE_PAYLOAD));
    }

    /** The Result Reason of a failed response item (which {@link #send} checked carries a Result Message). */
    static int failedWith(TtlvItem responseItem) {
        assertThat(responseItem.child(Tag.RESULT_STATUS).orElseThrow().enumValue()).as("a request that must fail")
                .isEqualTo(ResultStatus.OPERATION_FAILED.value());
        return responseItem.child(Tag.RESULT_REASON).orElseThrow().enumValue();
    }

    private static String operationName(TtlvItem responseItem) {
        return responseItem.child(Tag.OPERATION).flatMap(o -> Operation.fromValue(o.enumValue()))
                .map(Operation::specName).orElse("?");
    }

    // ---- reading responses

    static List<Integer> tags(TtlvItem item) {
        return item.children().stream().map(TtlvItem::tag).collect(Collectors.toList());
    }

    /** The spec names of an item's children, in order (readable in assertion messages). */
    static List<String> names(TtlvItem item) {
        return item.children().stream()
                .map(c -> SpecTable.get().tag(c.tag()).map(TagDefinition::name).orElse("0x" + Integer.toHexString(c.tag())))
                .collect(Collectors.toList());
    }

    static String text(TtlvItem item, int tag) {
        return item.child(tag).orElseThrow(() -> new AssertionError("no " + tagName(tag) + " in " + names(item)))
                .textValue();
    }

    static TtlvItem get(TtlvItem item, int tag) {
        return item.child(tag).orElseThrow(() -> new AssertionError("no " + tagName(tag) + " in " + names(item)));
    }

    static String tagName(int tag) {
        return SpecTable.get().tag(tag).map(TagDefinition::name).orElse("0x" + Integer.toHexString(tag));
    }

    /** The 1.x Attribute structures of a Get Attributes response, by name, in order. */
    static List<TtlvItem> attributes(TtlvItem getAttributesPayload) {
        return getAttributesPayload.childrenWith(Tag.ATTRIBUTE);
    }

    static String attributeName(TtlvItem attribute) {
        return text(attribute, Tag.ATTRIBUTE_NAME);
    }

    static TtlvItem attributeValue(TtlvItem attribute) {
        return get(attribute, Tag.ATTRIBUTE_VALUE);
    }
}
