package io.keyhold.protocol.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.keyhold.protocol.json.KmipJson;
import io.keyhold.protocol.testing.SharedDir;
import io.keyhold.protocol.testing.TestPlaceholders;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every OASIS XML vector of KMIP 1.0 to 2.1 parses, and each message survives XML -> tree -> TTLV -> tree
 * -> XML -> tree and tree -> JSON -> tree unchanged. The KMIP 3.0 draft vectors use item types and tags
 * outside the 1.0-2.1 table: they must parse or fail with a CodecException, never anything else.
 */
class KmipXmlVectorsTest {
    private static final KmipXml XML = new KmipXml();
    private static final KmipJson JSON = new KmipJson();
    private static final TtlvEncoder TTLV_ENCODER = new TtlvEncoder();
    private static final TtlvDecoder TTLV_DECODER = new TtlvDecoder();
    private static final TestPlaceholders PLACEHOLDERS = new TestPlaceholders();

    /** File counts of the vector set (conformance/vectors/INDEX.csv). */
    private static final Map<String, Integer> EXPECTED_FILES = Map.of(
            "1.0", 39, "1.1", 39, "1.2", 66, "1.3", 69, "1.4", 75, "2.0", 72, "2.1", 93);

    record Vector(Path path, String relative, String version) {}

    @TestFactory
    Stream<DynamicNode> readAll_everyVectorOf1to2_roundTripsThroughTtlvXmlAndJson() {
        Map<String, List<Vector>> byVersion = new TreeMap<>();
        for (Vector v : vectors()) {
            if (!v.version().startsWith("3.")) {
                byVersion.computeIfAbsent(v.version(), k -> new ArrayList<>()).add(v);
            }
        }
        return byVersion.entrySet().stream().map(e -> DynamicContainer.dynamicContainer("KMIP " + e.getKey(),
                e.getValue().stream().map(v -> DynamicTest.dynamicTest(v.relative(), v.path().toUri(), () -> roundTrip(v)))));
    }

    @Test
    void readAll_vectorsOf1to2_allParseInExpectedNumbers() throws IOException {
        Map<String, int[]> counts = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (Vector v : vectors()) {
            if (v.version().startsWith("3.")) {
                continue;
            }
            int[] c = counts.computeIfAbsent(v.version(), k -> new int[2]);
            try {
                assertThat(XML.readAll(read(v.path()), PLACEHOLDERS)).isNotEmpty();
                c[0]++;
            } catch (CodecException e) {
                c[1]++;
                failures.add(v.relative() + ": " + e.getMessage());
            }
        }
        StringBuilder report = new StringBuilder("XML vectors parsed/failed by version:");
        int parsed = 0;
        for (var e : counts.entrySet()) {
            report.append(' ').append(e.getKey()).append('=').append(e.getValue()[0]).append('/').append(e.getValue()[1]);
            parsed += e.getValue()[0];
        }
        System.out.println(report);
        assertThat(failures).as(report.toString()).isEmpty();
        assertThat(parsed).isGreaterThanOrEqualTo(450);
        Map<String, Integer> parsedByVersion = new HashMap<>();
        counts.forEach((k, c) -> parsedByVersion.put(k, c[0]));
        assertThat(parsedByVersion).isEqualTo(EXPECTED_FILES);
    }

    @Test
    void readAll_kmip3DraftVectors_parseOrFailWithCodecException() throws IOException {
        int parsed = 0;
        int rejected = 0;
        Map<String, Integer> reasons = new TreeMap<>();
        for (Vector v : vectors()) {
            if (!v.version().startsWith("3.")) {
                continue;
            }
            try {
                XML.readAll(read(v.path()), PLACEHOLDERS);
                parsed++;
            } catch (CodecException e) {
                rejected++;
                String m = e.getMessage();
                reasons.merge(m.substring(m.indexOf("): ") + 3), 1, Integer::sum);
            } catch (RuntimeException e) {
                fail(v.relative() + ": " + e, e);
            }
        }
        System.out.println("KMIP 3.0 draft XML vectors: " + parsed + " parsed, " + rejected + " rejected with CodecException; reasons: " + reasons);
        assertThat(parsed + rejected).isEqualTo(102);
    }

    private static void roundTrip(Vector v) throws Exception {
        List<TtlvItem> messages = XML.readAll(read(v.path()), PLACEHOLDERS);
        assertThat(messages).isNotEmpty();
        for (int i = 0; i < messages.size(); i++) {
            TtlvItem m = messages.get(i);
            String what = v.relative() + " message " + (i + 1);
            TtlvItem viaTtlv = TTLV_DECODER.decode(TTLV_ENCODER.encode(m));
            assertThat(viaTtlv).as(what + " via TTLV").isEqualTo(m);
            String xml = XML.write(viaTtlv);
            assertThat(XML.read(xml)).as(what + " via XML:\n" + xml).isEqualTo(m);
            String json = JSON.write(viaTtlv);
            assertThat(JSON.read(json)).as(what + " via JSON:\n" + json).isEqualTo(m);
        }
    }

    static List<Vector> vectors() {
        Path dir = SharedDir.vectors();
        Map<String, String> versions = new HashMap<>();
        try {
            List<String> index = Files.readAllLines(dir.resolve("INDEX.csv"), StandardCharsets.UTF_8);
            for (String line : index.subList(1, index.size())) {
                String[] f = line.split(",", 4);
                versions.put(f[0], f[2]);
            }
            List<Vector> out = new ArrayList<>();
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.filter(p -> p.toString().endsWith(".xml")).sorted().toList()) {
                    String relative = dir.relativize(p).toString().replace('\\', '/');
                    String version = versions.get(relative);
                    if (version == null) {
                        throw new IllegalStateException(relative + " is not listed in INDEX.csv");
                    }
                    out.add(new Vector(p, relative, version));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
