package io.keyhold.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConformanceRunTest {
    private static String discover(String minor) {
        return "<KMIP><RequestMessage><RequestHeader><ProtocolVersion><ProtocolVersionMajor type=\"Integer\" value=\"1\"/>"
                + "<ProtocolVersionMinor type=\"Integer\" value=\"" + minor + "\"/></ProtocolVersion>"
                + "<BatchCount type=\"Integer\" value=\"1\"/></RequestHeader><BatchItem>"
                + "<Operation type=\"Enumeration\" value=\"DiscoverVersions\"/><RequestPayload/></BatchItem></RequestMessage>"
                + "<ResponseMessage><ResponseHeader><ProtocolVersion><ProtocolVersionMajor type=\"Integer\" value=\"1\"/>"
                + "<ProtocolVersionMinor type=\"Integer\" value=\"" + minor + "\"/></ProtocolVersion>"
                + "<TimeStamp type=\"DateTime\" value=\"$NOW\"/><BatchCount type=\"Integer\" value=\"1\"/></ResponseHeader>"
                + "<BatchItem><Operation type=\"Enumeration\" value=\"DiscoverVersions\"/>"
                + "<ResultStatus type=\"Enumeration\" value=\"Success\"/><ResponsePayload/></BatchItem></ResponseMessage></KMIP>";
    }

    @Test
    void run_filtersByVersion_readsProfilesFromNames_andReportsUnreadableFiles(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("QS-M-1-14.xml"), discover("4"));
        Files.writeString(dir.resolve("QS-M-1-13.xml"), discover("3"));
        Files.writeString(dir.resolve("BAD-M-1-14.xml"), discover("4").replace("type=\"DateTime\"", "type=\"Identifier\""));
        Files.writeString(dir.resolve("BAD-M-1-13.xml"), discover("3").replace("type=\"DateTime\"", "type=\"Identifier\""));
        List<TtlvItem> sent = new ArrayList<>();
        ConformanceRun run = new ConformanceRun(new VectorReplayer(Clock.systemUTC(), 60), file -> new KmipConnection() {
            @Override
            public TtlvItem exchange(TtlvItem request) throws java.io.IOException {
                sent.add(request);
                try {
                    return new io.keyhold.protocol.xml.KmipXml().readAll(discover("4").replace("$NOW",
                            java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString())).get(1);
                } catch (io.keyhold.protocol.ttlv.CodecException e) {
                    throw new java.io.IOException(e);
                }
            }

            @Override
            public void close() {}
        }, Set.of(KmipVersion.V1_4));
        List<FileResult> seen = new ArrayList<>();
        List<FileResult> results = run.run(dir, seen::add);
        assertThat(results).containsExactlyElementsOf(seen);
        assertThat(results).extracting(FileResult::name).containsExactly("BAD-M-1-14.xml", "QS-M-1-14.xml");
        assertThat(results.get(0).passed()).isFalse();
        assertThat(results.get(0).difference().orElseThrow().actual()).contains("BAD-M-1-14.xml", "Identifier");
        assertThat(results.get(1).passed()).as(results.get(1).line()).isTrue();
        assertThat(results.get(1).profile()).isEqualTo("QS");
        assertThat(sent).hasSize(1);
    }
}
