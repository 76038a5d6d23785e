package io.keyhold.protocol.ttlv;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.keyhold.protocol.testing.CodecOracle;

/**
 * Fuzz target: arbitrary bytes through the binary TTLV decoder. Rejection must be a {@link
 * CodecException}; a tree that decodes must encode back to the same bytes and survive TTLV, JSON and XML
 * round trips ({@link CodecOracle}). Seeds: {@code TtlvDecoderFuzzTestInputs/decode/} (request messages
 * of the OASIS vectors). See docs/fuzzing.md.
 */
class TtlvDecoderFuzzTest {

    @FuzzTest(maxDuration = "40s")
    void decode(byte[] input) {
        if (input.length > CodecOracle.MAX_INPUT_BYTES) {
            return;
        }
        TtlvItem tree;
        try {
            tree = CodecOracle.TTLV.decode(input);
        } catch (CodecException rejected) {
            CodecOracle.checkRejection(rejected);
            return;
        }
        CodecOracle.checkByteExact(input, tree);
        CodecOracle.checkRoundTrips(tree);
    }
}
