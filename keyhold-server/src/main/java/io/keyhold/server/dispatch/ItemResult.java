package io.keyhold.server.dispatch;

import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.ttlv.TtlvItem;

/**
 * The whole result of one batch item, for the few operations whose answer is more than a payload (Poll
 * returns another item's status).
 *
 * @param status                       Result Status
 * @param reason                       Result Reason when failed, else null
 * @param message                      Result Message when failed, else null
 * @param asynchronousCorrelationValue when pending, else null
 * @param payload                      Response Payload, may be null
 */
public record ItemResult(ResultStatus status, ResultReason reason, String message, byte[] asynchronousCorrelationValue,
                         TtlvItem payload) {

    public ItemResult {
        asynchronousCorrelationValue = asynchronousCorrelationValue == null ? null : asynchronousCorrelationValue.clone();
    }

    @Override
    public byte[] asynchronousCorrelationValue() {
        return asynchronousCorrelationValue == null ? null : asynchronousCorrelationValue.clone();
    }
}
