package io.keyhold.protocol.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.testing.SharedDir;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.protocol.xml.KmipXml;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The 36 messages of the OASIS "Additional Message Encodings" test cases, each given as XML, binary TTLV
 * and (for 8 of them) JSON: each encoding must give exactly the TTLV bytes. Six messages carry a known
 * document error: their XML Time Stamp is 78 s off the TTLV and JSON; they must differ in that only.
 * The fixture file is read with this package's own JSON parser.
 */
class EncodingTriplesTest {
    private static final String FIXTURE = "oasis-v1.0-profile-docs-extracted/msgenc-xml-ttlv-json-triples.json";
    private static final long ERRATUM_SECONDS = 78;

    private static final KmipXml XML = new KmipXml();
    private static final KmipJson JSON = new KmipJson();
    private static final TtlvEncoder ENCODER = new TtlvEncoder();
    private static final TtlvDecoder DECODER = new TtlvDecoder();

    record Triple(String name, String xml, byte[] ttlv, String json, boolean verified) {}

    static List<Triple> triples() throws Exception {
        String text = Files.readString(SharedDir.vectors().resolve(FIXTURE), StandardCharsets.UTF_8);
        JsonValue root = JsonParser.parse(text, 64);
        List<Triple> out = new ArrayList<>();
        for (JsonValue c : root.get("cases").elements()) {
            for (JsonValue step : c.get("steps").elements()) {
                int n = 0;
                for (JsonValue m : step.get("messages").elements()) {
                    JsonValue json = m.get("json");
                    out.add(new Triple(c.get("id").text() + " step " + step.get("time").text() + " " + m.get("kind").text() + " #" + (++n),
                            m.get("xml").text(), HexFormat.of().parseHex(m.get("ttlv_hex").text()),
                            json.kind() == JsonValue.Kind.NULL ? null : json.text(), m.get("verified").kind() == JsonValue.Kind.TRUE));
                }
            }
        }
        return out;
    }

    @Test
    void fixture_parsedWithOwnReader_holds36MessagesSixUnverified() throws Exception {
        List<Triple> triples = triples();
        assertThat(triples).hasSize(36);
        assertThat(triples.stream().filter(t -> t.json() != null)).hasSize(8);
        assertThat(triples.stream().filter(t -> !t.verified()).map(Triple::name))
                .hasSize(6)
                .allMatch(n -> n.contains("-M-1-11 ") && n.contains("ResponseMessage"));
    }

    @TestFactory
    Stream<DynamicTest> read_eachTriple_givesTheTtlvBytes() throws Exception {
        return triples().stream().map(t -> DynamicTest.dynamicTest(t.name(), () -> check(t)));
    }

    private static void check(Triple t) throws Exception {
        TtlvItem fromXml = XML.read(t.xml());
        if (t.verified()) {
            assertThat(hex(ENCODER.encode(fromXml))).as("XML -> TTLV").isEqualTo(hex(t.ttlv()));
        } else {
            assertDiffersOnlyInTimeStamp(fromXml, DECODER.decode(t.ttlv()));
        }
        if (t.json() != null) {
            assertThat(hex(ENCODER.encode(JSON.read(t.json())))).as("JSON -> TTLV").isEqualTo(hex(t.ttlv()));
        }
        TtlvItem fromTtlv = DECODER.decode(t.ttlv());
        assertThat(hex(ENCODER.encode(XML.read(XML.write(fromTtlv))))).as("TTLV -> XML -> TTLV").isEqualTo(hex(t.ttlv()));
        assertThat(hex(ENCODER.encode(JSON.read(JSON.write(fromTtlv))))).as("TTLV -> JSON -> TTLV").isEqualTo(hex(t.ttlv()));
    }

    private static void assertDiffersOnlyInTimeStamp(TtlvItem fromXml, TtlvItem fromTtlv) {
        assertThat(fromXml).as("the erratum: XML and TTLV differ").isNotEqualTo(fromTtlv);
        long xmlTime = timeStamp(fromXml);
        long ttlvTime = timeStamp(fromTtlv);
        assertThat(ttlvTime - xmlTime).as("TTLV TimeStamp minus XML TimeStamp, seconds").isEqualTo(ERRATUM_SECONDS);
        assertThat(withoutTimeStamp(fromXml)).as("everything but the TimeStamp").isEqualTo(withoutTimeStamp(fromTtlv));
    }

    private static long timeStamp(TtlvItem response) {
        return response.child(Tag.RESPONSE_HEADER).orElseThrow().child(Tag.TIME_STAMP).orElseThrow().dateTimeValue();
    }

    private static TtlvItem withoutTimeStamp(TtlvItem response) {
        List<TtlvItem> children = new ArrayList<>();
        for (TtlvItem c : response.children()) {
            if (c.tag() == Tag.RESPONSE_HEADER) {
                List<TtlvItem> header = new ArrayList<>(c.children());
                assertThat(header.removeIf(h -> h.tag() == Tag.TIME_STAMP)).isTrue();
                children.add(TtlvItem.structure(c.tag(), header));
            } else {
                children.add(c);
            }
        }
        return TtlvItem.structure(response.tag(), children);
    }

    private static String hex(byte[] b) {
        return HexFormat.of().withUpperCase().formatHex(b);
    }
}
