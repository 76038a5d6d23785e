package io.keyhold.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.protocol.xml.KmipXml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file that starts with Locate continues the earlier file of its series (TL-M-3 after TL-M-2): a date
 * that file's client sent must come back exactly, not as a server time stamp.
 */
class SeriesContinuationTest {
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final String SENT_DATE = "2012-10-05T22:08:19+00:00";

    private static String message(String kind, String operation, String payload) {
        boolean request = kind.equals("Request");
        String header = request
                ? "<RequestHeader><ProtocolVersion><ProtocolVersionMajor type=\"Integer\" value=\"1\"/>"
                        + "<ProtocolVersionMinor type=\"Integer\" value=\"0\"/></ProtocolVersion>"
                        + "<BatchCount type=\"Integer\" value=\"1\"/></RequestHeader>"
                : "<ResponseHeader><ProtocolVersion><ProtocolVersionMajor type=\"Integer\" value=\"1\"/>"
                        + "<ProtocolVersionMinor type=\"Integer\" value=\"0\"/></ProtocolVersion>"
                        + "<TimeStamp type=\"DateTime\" value=\"$NOW\"/><BatchCount type=\"Integer\" value=\"1\"/></ResponseHeader>";
        return "<" + kind + "Message>" + header + "<BatchItem><Operation type=\"Enumeration\" value=\"" + operation + "\"/>"
                + (request ? "<RequestPayload>" : "<ResultStatus type=\"Enumeration\" value=\"Success\"/><ResponsePayload>")
                + payload + (request ? "</RequestPayload>" : "</ResponsePayload>") + "</BatchItem></" + kind + "Message>";
    }

    private static String activationDate(String value) {
        return "<Attribute><AttributeName type=\"TextString\" value=\"Activation Date\"/>"
                + "<AttributeValue type=\"DateTime\" value=\"" + value + "\"/></Attribute>";
    }

    private static final String UID = "<UniqueIdentifier type=\"TextString\" value=\"k\"/>";

    /** TL-M-2: sets the Activation Date of an object. */
    private static final String FIRST = "<KMIP>" + message("Request", "AddAttribute", UID + activationDate(SENT_DATE))
            + message("Response", "AddAttribute", UID + activationDate(SENT_DATE)) + "</KMIP>";

    /** TL-M-3: locates the object, then reads the date back. */
    private static final String SECOND = "<KMIP>" + message("Request", "Locate", "") + message("Response", "Locate", UID)
            + message("Request", "GetAttributes", UID) + message("Response", "GetAttributes", UID + activationDate(SENT_DATE))
            + "</KMIP>";

    private List<FileResult> run(Path dir, String dateTheServerReturns, boolean withFirstFile) throws Exception {
        if (withFirstFile) {
            Files.writeString(dir.resolve("TL-M-2-10.xml"), FIRST);
        }
        Files.writeString(dir.resolve("TL-M-3-10.xml"), SECOND);
        String now = NOW.toString().replace("Z", "+00:00");
        List<TtlvItem> answers = new ArrayList<>();
        KmipXml xml = new KmipXml();
        if (withFirstFile) {
            answers.add(xml.read(message("Response", "AddAttribute", UID + activationDate(SENT_DATE)).replace("$NOW", now)));
        }
        answers.add(xml.read(message("Response", "Locate", UID).replace("$NOW", now)));
        answers.add(xml.read(message("Response", "GetAttributes", UID + activationDate(dateTheServerReturns)).replace("$NOW", now)));
        ConformanceRun run = new ConformanceRun(new VectorReplayer(Clock.fixed(NOW, ZoneOffset.UTC), 60), file -> new KmipConnection() {
            @Override
            public TtlvItem exchange(TtlvItem request) {
                return answers.remove(0);
            }

            @Override
            public void close() {}
        }, Set.of());
        return run.run(dir, r -> {});
    }

    @Test
    void dateSentByTheEarlierFileOfTheSeries_mustComeBackExactly(@TempDir Path dir) throws Exception {
        List<FileResult> results = run(dir, SENT_DATE, true);
        assertThat(results).hasSize(2).allSatisfy(r -> assertThat(r.passed()).as(r.line()).isTrue());
    }

    @Test
    void anotherDate_fails_evenWithinTheRunsWindow(@TempDir Path dir) throws Exception {
        List<FileResult> results = run(dir, NOW.toString().replace("Z", "+00:00"), true);
        assertThat(results.get(1).difference().orElseThrow().expected()).contains("2012-10-05T22:08:19");
    }

    @Test
    void withoutTheEarlierFile_theDateIsTakenForAServerTimeStamp(@TempDir Path dir) throws Exception {
        List<FileResult> results = run(dir, SENT_DATE, false);
        assertThat(results.get(0).difference().orElseThrow().expected()).startsWith("a server time stamp");
    }
}
