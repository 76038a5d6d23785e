package io.keyhold.benchmarks.load;

import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.message.MessageEncoder;
import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestHeader;
import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.List;
import java.util.Optional;

/** Encodes the load tool's requests (Create of an AES-256 key, Get by identifier) and checks responses. */
final class KmipRequests {
    private KmipRequests() {}

    /** A Create of one AES-256 symmetric key (usage Encrypt|Decrypt), 1.x Template-Attribute or 2.x Attributes. */
    static byte[] createAes256(KmipVersion version) {
        List<KmipAttribute> attributes = List.of(
                KmipAttribute.of(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.AES.value())),
                KmipAttribute.of(TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 256)),
                KmipAttribute.of(TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK,
                        CryptographicUsageMask.maskOf(CryptographicUsageMask.ENCRYPT, CryptographicUsageMask.DECRYPT))));
        TtlvItem attrs = version.isTwoOrLater()
                ? AttributeMapping.toAttributes(Tag.ATTRIBUTES, attributes)
                : AttributeMapping.toTemplateAttribute(Tag.TEMPLATE_ATTRIBUTE, attributes);
        TtlvItem payload = TtlvItem.structure(Tag.REQUEST_PAYLOAD,
                TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()), attrs);
        return encode(version, Operation.CREATE, payload);
    }

    /** A Get of the object with the given Unique Identifier, in the server's default format. */
    static byte[] get(KmipVersion version, String uniqueIdentifier) {
        TtlvItem payload = TtlvItem.structure(Tag.REQUEST_PAYLOAD, TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uniqueIdentifier));
        return encode(version, Operation.GET, payload);
    }

    private static byte[] encode(KmipVersion version, Operation op, TtlvItem payload) {
        RequestMessage m = new RequestMessage(RequestHeader.of(version, 1), List.of(RequestBatchItem.of(op, payload)));
        try {
            return new MessageEncoder().encode(m);
        } catch (CodecException e) {
            throw new IllegalStateException(op.specName() + " request does not fit KMIP " + version + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks a response to a one-item request: returns empty when its batch item succeeded, else a short
     * description (Result Status, Result Reason, Result Message) of why not.
     */
    static Optional<String> failure(TtlvItem response) {
        if (response.tag() != Tag.RESPONSE_MESSAGE) {
            return Optional.of("not a Response Message (tag " + response.tagHex() + ")");
        }
        List<TtlvItem> items = response.childrenWith(Tag.BATCH_ITEM);
        if (items.size() != 1) {
            return Optional.of("expected 1 Batch Item, got " + items.size());
        }
        TtlvItem item = items.get(0);
        Optional<TtlvItem> status = item.child(Tag.RESULT_STATUS);
        if (status.isEmpty()) {
            return Optional.of("Batch Item without Result Status");
        }
        if (status.get().enumValue() == ResultStatus.SUCCESS.value()) {
            return Optional.empty();
        }
        StringBuilder sb = new StringBuilder(ResultStatus.fromValue(status.get().enumValue())
                .map(ResultStatus::specName).orElse("Result Status " + status.get().enumValue()));
        item.child(Tag.RESULT_REASON).ifPresent(r -> sb.append(": ").append(ResultReason.fromValue(r.enumValue())
                .map(ResultReason::specName).orElse("Result Reason " + r.enumValue())));
        item.child(Tag.RESULT_MESSAGE).ifPresent(r -> sb.append(" (").append(r.textValue()).append(')'));
        return Optional.of(sb.toString());
    }

    /** The Unique Identifier in the payload of a successful response. */
    static Optional<String> uniqueIdentifier(TtlvItem response) {
        return response.child(Tag.BATCH_ITEM)
                .flatMap(i -> i.child(Tag.RESPONSE_PAYLOAD))
                .flatMap(p -> p.child(Tag.UNIQUE_IDENTIFIER))
                .map(TtlvItem::textValue);
    }
}
