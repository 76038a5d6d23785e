package io.keyhold.protocol.xml;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.keyhold.protocol.testing.CodecOracle;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzz target: arbitrary text (the input bytes as UTF-8) through the KMIP XML reader. Rejection must be
 * a {@link CodecException}; every message that reads must survive TTLV, JSON and XML round trips ({@link
 * CodecOracle}). Seeds: {@code KmipXmlFuzzTestInputs/read/}. See docs/fuzzing.md.
 */
class KmipXmlFuzzTest {

    @FuzzTest(maxDuration = "40s")
    void read(byte[] input) {
        if (input.length > CodecOracle.MAX_INPUT_BYTES) {
            return;
        }
        List<TtlvItem> messages;
        try {
            messages = CodecOracle.XML.readAll(new String(input, StandardCharsets.UTF_8));
        } catch (CodecException rejected) {
            CodecOracle.checkRejection(rejected);
            return;
        }
        for (TtlvItem message : messages) {
            CodecOracle.checkRoundTrips(message);
        }
    }
}
