package io.keyhold.protocol.message;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.testing.CodecOracle;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.TtlvItem;

/**
 * Fuzz target: TTLV bytes that decode are mapped to a {@link RequestMessage}. A tree that is no valid
 * request must be rejected with a {@link KmipException} carrying a Result Reason and a message; one that
 * maps must map again, from its own {@link RequestMessage#toTtlv()}, to the same tree. Seeds: {@code
 * RequestMessageFuzzTestInputs/from/} (request messages of the OASIS vectors). See docs/fuzzing.md.
 */
class RequestMessageFuzzTest {

    @FuzzTest(maxDuration = "40s")
    void from(byte[] input) throws KmipException {
        if (input.length > CodecOracle.MAX_INPUT_BYTES) {
            return;
        }
        TtlvItem tree;
        try {
            tree = CodecOracle.TTLV.decode(input);
        } catch (CodecException notTtlv) {
            return;
        }
        RequestMessage message;
        try {
            message = RequestMessage.from(tree);
        } catch (KmipException rejected) {
            if (rejected.reason() == null || rejected.getMessage() == null || rejected.getMessage().isBlank()) {
                throw new AssertionError("rejection without a Result Reason or message", rejected);
            }
            if (rejected.reason() == ResultReason.GENERAL_FAILURE) {
                throw new AssertionError("a malformed request is the client's error, not General Failure", rejected);
            }
            return;
        }
        TtlvItem mapped = message.toTtlv();
        TtlvItem again = RequestMessage.from(mapped).toTtlv();
        if (!mapped.equals(again)) {
            throw new AssertionError("Request Message does not map back to itself:\n" + mapped + "\nbecame\n" + again);
        }
    }
}
