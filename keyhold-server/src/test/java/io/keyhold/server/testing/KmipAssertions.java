package io.keyhold.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;

/** Assertions on KMIP response items that the end-to-end tests share. */
public final class KmipAssertions {
    private KmipAssertions() {}

    /** The item failed with exactly this Result Reason, and says why in a Result Message. */
    public static void fails(ResponseBatchItem item, ResultReason reason) {
        assertThat(item.resultStatus()).as("status of a request that must fail").isEqualTo(ResultStatus.OPERATION_FAILED.value());
        assertThat(ResultReason.fromValue(item.resultReason()).map(ResultReason::specName).orElse("" + item.resultReason()))
                .as(item.resultMessage()).isEqualTo(reason.specName());
        assertThat(item.resultMessage()).isNotBlank();
    }
}
