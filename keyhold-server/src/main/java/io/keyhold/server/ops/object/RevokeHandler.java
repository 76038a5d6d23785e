package io.keyhold.server.ops.object;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.RevocationReasonCode;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.Lifecycle;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import java.util.Optional;

/**
 * Revoke (KMIP 1.4 section 4.20, 2.1 section 6.1). Revocation Reason Key Compromise or CA Compromise:
 * Pre-Active, Active and Deactivated objects become Compromised (Destroyed ones Destroyed Compromised)
 * with Compromise Date now and Compromise Occurrence Date as given (else the Initial Date). Any other
 * reason: an Active object becomes Deactivated with Deactivation Date now; other states are Wrong Key
 * Lifecycle State (2.x) / Permission Denied (1.x). The Revocation Reason is kept as an attribute.
 */
final class RevokeHandler implements OperationHandler {

    @Override
    public Operation operation() {
        return Operation.REVOKE;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        TtlvItem reason = Payloads.required(payload, Tag.REVOCATION_REASON, ItemType.STRUCTURE);
        int code = Payloads.required(reason, Tag.REVOCATION_REASON_CODE, ItemType.ENUMERATION).enumValue();
        Payloads.optional(reason, Tag.REVOCATION_MESSAGE, ItemType.TEXT_STRING);
        if (RevocationReasonCode.fromValue(code).isEmpty() && (code & 0x80000000) == 0) {
            throw new KmipException(ResultReason.INVALID_FIELD, "Revocation Reason Code 0x" + Integer.toHexString(code)
                    + " is not known");
        }
        Optional<TtlvItem> occurrence = Payloads.optional(payload, Tag.COMPROMISE_OCCURRENCE_DATE, ItemType.DATE_TIME);
        boolean compromise = code == RevocationReasonCode.KEY_COMPROMISE.value()
                || code == RevocationReasonCode.CA_COMPROMISE.value();
        String uid = Changes.apply(context, payload, current -> {
            Payloads.requireOnline(current);
            if (compromise) {
                return Lifecycle.compromise(current, reason, occurrence.map(TtlvItem::dateTimeValue).orElse(null),
                        context.now(), context.version());
            }
            return Lifecycle.deactivate(current, reason, context.now(), context.version());
        });
        return Payloads.uidOnly(uid);
    }
}
