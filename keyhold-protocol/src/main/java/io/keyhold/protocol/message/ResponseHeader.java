package io.keyhold.protocol.message;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.ArrayList;
import java.util.List;

/**
 * Response Header (KMIP 1.4 section 7.2, 2.1 section 8.2), every field of 1.0 to 2.1. Optional fields are
 * null when absent.
 *
 * @param protocolVersion        Protocol Version (the request's, so the client can read the answer)
 * @param timeStamp              Time Stamp in POSIX seconds
 * @param nonce                  Nonce (1.2+), kept as a tree
 * @param attestationTypes       Attestation Type values (1.2+), possibly empty
 * @param clientCorrelationValue Client Correlation Value (1.4+)
 * @param serverCorrelationValue Server Correlation Value (1.4+)
 * @param batchCount             Batch Count
 */
public record ResponseHeader(KmipVersion protocolVersion, long timeStamp, TtlvItem nonce, List<Integer> attestationTypes,
                             String clientCorrelationValue, String serverCorrelationValue, int batchCount) {

    public ResponseHeader {
        attestationTypes = List.copyOf(attestationTypes);
    }

    public static ResponseHeader of(KmipVersion version, long timeStamp, int batchCount) {
        return new ResponseHeader(version, timeStamp, null, List.of(), null, null, batchCount);
    }

    static ResponseHeader from(Fields parent, TtlvItem item) throws KmipException {
        Fields f = parent.nested(item);
        List<Integer> attestationTypes = new ArrayList<>();
        for (TtlvItem t : f.all(Tag.ATTESTATION_TYPE, ItemType.ENUMERATION)) {
            attestationTypes.add(t.enumValue());
        }
        return new ResponseHeader(
                ProtocolVersions.from(f, f.required(Tag.PROTOCOL_VERSION, ItemType.STRUCTURE)),
                f.required(Tag.TIME_STAMP, ItemType.DATE_TIME).dateTimeValue(),
                f.optional(Tag.NONCE, ItemType.STRUCTURE).orElse(null),
                attestationTypes,
                f.optional(Tag.CLIENT_CORRELATION_VALUE, ItemType.TEXT_STRING).map(TtlvItem::textValue).orElse(null),
                f.optional(Tag.SERVER_CORRELATION_VALUE, ItemType.TEXT_STRING).map(TtlvItem::textValue).orElse(null),
                f.required(Tag.BATCH_COUNT, ItemType.INTEGER).intValue());
    }

    TtlvItem toTtlv() {
        List<TtlvItem> c = new ArrayList<>();
        c.add(ProtocolVersions.toTtlv(protocolVersion));
        c.add(TtlvItem.dateTime(Tag.TIME_STAMP, timeStamp));
        if (nonce != null) {
            c.add(nonce);
        }
        for (int t : attestationTypes) {
            c.add(TtlvItem.enumeration(Tag.ATTESTATION_TYPE, t));
        }
        if (clientCorrelationValue != null) {
            c.add(TtlvItem.text(Tag.CLIENT_CORRELATION_VALUE, clientCorrelationValue));
        }
        if (serverCorrelationValue != null) {
            c.add(TtlvItem.text(Tag.SERVER_CORRELATION_VALUE, serverCorrelationValue));
        }
        c.add(TtlvItem.integer(Tag.BATCH_COUNT, batchCount));
        return TtlvItem.structure(Tag.RESPONSE_HEADER, c);
    }
}
