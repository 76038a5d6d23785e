package io.keyhold.protocol.message;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.ArrayList;
import java.util.List;

/**
 * Request Header (KMIP 1.4 section 7.2, 2.1 section 8.2), every field of 1.0 to 2.1. Optional fields are
 * null when absent.
 *
 * @param protocolVersion             Protocol Version
 * @param maximumResponseSize         Maximum Response Size in bytes
 * @param clientCorrelationValue      Client Correlation Value (1.4+)
 * @param serverCorrelationValue      Server Correlation Value (1.4+)
 * @param asynchronousIndicator       Asynchronous Indicator
 * @param attestationCapableIndicator Attestation Capable Indicator (1.2+)
 * @param attestationTypes            Attestation Type values (1.2+), possibly empty
 * @param authentication              Authentication, kept as received (credentials are read by the server)
 * @param batchErrorContinuationOption Batch Error Continuation Option value
 * @param batchOrderOption            Batch Order Option
 * @param timeStamp                   Time Stamp in POSIX seconds
 * @param batchCount                  Batch Count
 */
public record RequestHeader(KmipVersion protocolVersion, Integer maximumResponseSize, String clientCorrelationValue,
                            String serverCorrelationValue, Boolean asynchronousIndicator,
                            Boolean attestationCapableIndicator, List<Integer> attestationTypes,
                            TtlvItem authentication, Integer batchErrorContinuationOption, Boolean batchOrderOption,
                            Long timeStamp, int batchCount) {

    public RequestHeader {
        attestationTypes = List.copyOf(attestationTypes);
    }

    /** A header with only the required fields. */
    public static RequestHeader of(KmipVersion version, int batchCount) {
        return new RequestHeader(version, null, null, null, null, null, List.of(), null, null, null, null, batchCount);
    }

    static RequestHeader from(Fields parent, TtlvItem item) throws KmipException {
        Fields f = parent.nested(item);
        List<Integer> attestationTypes = new ArrayList<>();
        for (TtlvItem t : f.all(Tag.ATTESTATION_TYPE, ItemType.ENUMERATION)) {
            attestationTypes.add(t.enumValue());
        }
        return new RequestHeader(
                ProtocolVersions.from(f, f.required(Tag.PROTOCOL_VERSION, ItemType.STRUCTURE)),
                f.optional(Tag.MAXIMUM_RESPONSE_SIZE, ItemType.INTEGER).map(TtlvItem::intValue).orElse(null),
                f.optional(Tag.CLIENT_CORRELATION_VALUE, ItemType.TEXT_STRING).map(TtlvItem::textValue).orElse(null),
                f.optional(Tag.SERVER_CORRELATION_VALUE, ItemType.TEXT_STRING).map(TtlvItem::textValue).orElse(null),
                f.optional(Tag.ASYNCHRONOUS_INDICATOR, ItemType.BOOLEAN).map(TtlvItem::booleanValue).orElse(null),
                f.optional(Tag.ATTESTATION_CAPABLE_INDICATOR, ItemType.BOOLEAN).map(TtlvItem::booleanValue).orElse(null),
                attestationTypes,
                f.optional(Tag.AUTHENTICATION, ItemType.STRUCTURE).orElse(null),
                f.optional(Tag.BATCH_ERROR_CONTINUATION_OPTION, ItemType.ENUMERATION).map(TtlvItem::enumValue).orElse(null),
                f.optional(Tag.BATCH_ORDER_OPTION, ItemType.BOOLEAN).map(TtlvItem::booleanValue).orElse(null),
                f.optional(Tag.TIME_STAMP, ItemType.DATE_TIME).map(TtlvItem::dateTimeValue).orElse(null),
                f.required(Tag.BATCH_COUNT, ItemType.INTEGER).intValue());
    }

    TtlvItem toTtlv() {
        List<TtlvItem> c = new ArrayList<>();
        c.add(ProtocolVersions.toTtlv(protocolVersion));
        if (maximumResponseSize != null) {
            c.add(TtlvItem.integer(Tag.MAXIMUM_RESPONSE_SIZE, maximumResponseSize));
        }
        if (clientCorrelationValue != null) {
            c.add(TtlvItem.text(Tag.CLIENT_CORRELATION_VALUE, clientCorrelationValue));
        }
        if (serverCorrelationValue != null) {
            c.add(TtlvItem.text(Tag.SERVER_CORRELATION_VALUE, serverCorrelationValue));
        }
        if (asynchronousIndicator != null) {
            c.add(TtlvItem.bool(Tag.ASYNCHRONOUS_INDICATOR, asynchronousIndicator));
        }
        if (attestationCapableIndicator != null) {
            c.add(TtlvItem.bool(Tag.ATTESTATION_CAPABLE_INDICATOR, attestationCapableIndicator));
        }
        for (int t : attestationTypes) {
            c.add(TtlvItem.enumeration(Tag.ATTESTATION_TYPE, t));
        }
        if (authentication != null) {
            c.add(authentication);
        }
        if (batchErrorContinuationOption != null) {
            c.add(TtlvItem.enumeration(Tag.BATCH_ERROR_CONTINUATION_OPTION, batchErrorContinuationOption));
        }
        if (batchOrderOption != null) {
            c.add(TtlvItem.bool(Tag.BATCH_ORDER_OPTION, batchOrderOption));
        }
        if (timeStamp != null) {
            c.add(TtlvItem.dateTime(Tag.TIME_STAMP, timeStamp));
        }
        c.add(TtlvItem.integer(Tag.BATCH_COUNT, batchCount));
        return TtlvItem.structure(Tag.REQUEST_HEADER, c);
    }
}
