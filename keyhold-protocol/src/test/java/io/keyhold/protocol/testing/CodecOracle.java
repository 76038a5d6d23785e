package io.keyhold.protocol.testing;

import io.keyhold.protocol.json.KmipJson;
import io.keyhold.protocol.spec.SpecTable;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.protocol.xml.KmipXml;
import java.util.Arrays;

/**
 * What the fuzz targets hold every codec to. A document either decodes or is rejected with a {@link
 * CodecException} that has a message; and a tree that one codec accepted survives encode -> decode in
 * all three encodings unchanged (XML only where XML 1.0 can carry its text). Any other exception, a
 * rejection of our own output, or a changed tree is a finding, reported as an {@link AssertionError}.
 *
 * <p>All three codecs get the same small limits, so that a fuzzer reaches them quickly.
 */
public final class CodecOracle {
    /** Largest input a fuzz target passes on; libFuzzer seldom needs more to reach every branch. */
    public static final int MAX_INPUT_BYTES = 64 * 1024;
    /** Nesting limit of every codec under test, small so the fuzzer reaches it. */
    public static final int MAX_DEPTH = 8;

    public static final TtlvDecoder TTLV = new TtlvDecoder(MAX_INPUT_BYTES * 4, MAX_DEPTH);
    public static final KmipXml XML = new KmipXml(SpecTable.get(), MAX_INPUT_BYTES * 8, MAX_DEPTH);
    public static final KmipJson JSON = new KmipJson(SpecTable.get(), MAX_INPUT_BYTES * 8, MAX_DEPTH);
    private static final TtlvEncoder ENCODER = new TtlvEncoder();

    private CodecOracle() {}

    /** A rejection must say what was wrong: an empty message would leave an operator with nothing. */
    public static void checkRejection(CodecException e) {
        if (e.getMessage() == null || e.getMessage().isBlank()) {
            throw new AssertionError("CodecException without a message", e);
        }
    }

    /** The tree survives TTLV, JSON and (where it can carry the text) XML unchanged. */
    public static void checkRoundTrips(TtlvItem tree) {
        byte[] ttlv = ENCODER.encode(tree);
        TtlvItem fromTtlv = decode("TTLV", () -> TTLV.decode(ttlv));
        same("TTLV", tree, fromTtlv);
        byte[] again = ENCODER.encode(fromTtlv);
        if (!Arrays.equals(ttlv, again)) {
            throw new AssertionError("TTLV encoding is not stable: encode(decode(encode(tree))) differs");
        }

        String json = JSON.write(tree);
        same("JSON", tree, decode("JSON", () -> JSON.read(json)));

        if (xmlCanCarry(tree)) {
            String xml = XML.write(tree);
            same("XML", tree, decode("XML", () -> XML.read(xml)));
        }
    }

    /** TTLV input that decodes is written back byte for byte (a Big Integer may be sign-extended differently). */
    public static void checkByteExact(byte[] input, TtlvItem tree) {
        if (!containsBigInteger(tree) && !Arrays.equals(input, ENCODER.encode(tree))) {
            throw new AssertionError("TTLV input decoded, but encodes back to different bytes");
        }
    }

    /** XML 1.0 has no way to carry most control characters, U+FFFE or U+FFFF; the XML writer documents this. */
    static boolean xmlCanCarry(TtlvItem item) {
        if (item.type() == ItemType.STRUCTURE) {
            return item.children().stream().allMatch(CodecOracle::xmlCanCarry);
        }
        if (item.type() != ItemType.TEXT_STRING) {
            return true;
        }
        String s = item.textValue();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == '\uFFFE' || c == '\uFFFF') {
                return false;
            }
        }
        return true;
    }

    private static boolean containsBigInteger(TtlvItem item) {
        if (item.type() == ItemType.STRUCTURE) {
            return item.children().stream().anyMatch(CodecOracle::containsBigInteger);
        }
        return item.type() == ItemType.BIG_INTEGER;
    }

    private interface Decode {
        TtlvItem run() throws CodecException;
    }

    private static TtlvItem decode(String encoding, Decode d) {
        try {
            return d.run();
        } catch (CodecException e) {
            throw new AssertionError(encoding + " rejects what its own writer produced: " + e.getMessage(), e);
        }
    }

    private static void same(String encoding, TtlvItem expected, TtlvItem actual) {
        if (!expected.equals(actual)) {
            throw new AssertionError(encoding + " round trip changed the tree:\n" + expected + "\nbecame\n" + actual);
        }
    }
}
