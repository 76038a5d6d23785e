package io.keyhold.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.protocol.xml.KmipXml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replayer on the PKCS#11 test case (C_Initialize, C_GetInfo, C_Finalize, as PKCS11-M-1-21): the
 * Correlation Value C_Initialize returns is bound and sent back, and the CK_INFO of C_GetInfo is the
 * server's own (any bytes of the CK_INFO's length); everything else stays exact.
 */
class Pkcs11ReplayTest {
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final String T_NOW = "2026-11-28T12:00:00+00:00";
    /** The reference server's CK_INFO from the test case (76 bytes). */
    private static final String REFERENCE_INFO = "0228" + "54455354202020202020507479204c7464202020202020202020202020202020"
            + "0000000000000000" + "5445535420202020202020202020202020202020202020202020202020202020" + "0100";
    private static final String SERVER_CV = "00112233445566778899aabbccddeeff";

    @TempDir
    Path tmp;

    private static String header(boolean request, String time) {
        return "<" + (request ? "Request" : "Response") + "Header><ProtocolVersion>"
                + "<ProtocolVersionMajor type=\"Integer\" value=\"2\"/><ProtocolVersionMinor type=\"Integer\" value=\"1\"/>"
                + "</ProtocolVersion>" + (request ? "" : "<TimeStamp type=\"DateTime\" value=\"" + time + "\"/>")
                + "<BatchCount type=\"Integer\" value=\"1\"/></" + (request ? "Request" : "Response") + "Header>";
    }

    private static String request(String payload) {
        return "<RequestMessage>" + header(true, null) + "<BatchItem><Operation type=\"Enumeration\" value=\"PKCS_11\"/>"
                + "<RequestPayload>" + payload + "</RequestPayload></BatchItem></RequestMessage>";
    }

    private static String response(String time, String payload) {
        return "<ResponseMessage>" + header(false, time) + "<BatchItem><Operation type=\"Enumeration\" value=\"PKCS_11\"/>"
                + "<ResultStatus type=\"Enumeration\" value=\"Success\"/><ResponsePayload>" + payload
                + "</ResponsePayload></BatchItem></ResponseMessage>";
    }

    private static String function(String name) {
        return "<PKCS_11Function type=\"Enumeration\" value=\"" + name + "\"/>";
    }

    private static String bytes(String tag, String hex) {
        return "<" + tag + " type=\"ByteString\" value=\"" + hex + "\"/>";
    }

    private static String ok() {
        return "<PKCS_11ReturnCode type=\"Enumeration\" value=\"OK\"/>";
    }

    private static String vector(String finalizeAnswerExtra) {
        return "<KMIP>"
                + request(function("C_Initialize") + bytes("PKCS_11InputParameters", "01"))
                + response("$NOW", function("C_Initialize") + bytes("CorrelationValue", "$CORRELATION_VALUE") + ok())
                + request(function("C_GetInfo") + bytes("CorrelationValue", "$CORRELATION_VALUE"))
                + response("$NOW", function("C_GetInfo") + bytes("PKCS_11OutputParameters", REFERENCE_INFO) + ok())
                + request(function("C_Finalize") + bytes("CorrelationValue", "$CORRELATION_VALUE"))
                + response("$NOW", function("C_Finalize") + finalizeAnswerExtra + ok())
                + "</KMIP>";
    }

    private static String[] answers(String info, String finalizeExtra) {
        return new String[] {
                response(T_NOW, function("C_Initialize") + bytes("CorrelationValue", SERVER_CV) + ok()),
                response(T_NOW, function("C_GetInfo") + bytes("PKCS_11OutputParameters", info) + ok()),
                response(T_NOW, function("C_Finalize") + finalizeExtra + ok())};
    }

    /** A CK_INFO of the right length describing another library. */
    private static String keyholdInfo() {
        StringBuilder sb = new StringBuilder("0228");
        sb.append(HexFormat.of().formatHex(String.format("%-32s", "Keyhold").getBytes()));
        sb.append("0000000000000000");
        sb.append(HexFormat.of().formatHex(String.format("%-32s", "Keyhold KMIP server").getBytes()));
        sb.append("0104");
        return sb.toString();
    }

    @Test
    void ownLibraryInfo_ofTheSameLength_passes_andTheCorrelationValueIsSentBack() throws Exception {
        assertThat(keyholdInfo()).hasSameSizeAs(REFERENCE_INFO).isNotEqualTo(REFERENCE_INFO);
        Scripted server = new Scripted(answers(keyholdInfo(), ""));
        FileResult r = replay(vector(""), server);
        assertThat(r.passed()).as(r.line()).isTrue();
        for (int i = 1; i <= 2; i++) {
            assertThat(payload(server.sent.get(i)).child(Tag.CORRELATION_VALUE).orElseThrow().bytesValue())
                    .isEqualTo(HexFormat.of().parseHex(SERVER_CV));
        }
    }

    @Test
    void libraryInfo_ofAnotherLength_fails() throws Exception {
        FileResult shorter = replay(vector(""), new Scripted(answers(keyholdInfo().substring(2), "")));
        Difference d = shorter.difference().orElseThrow();
        assertThat(d.path()).isEqualTo("message 2 / ResponseMessage / BatchItem / ResponsePayload / PKCS_11OutputParameters");
        assertThat(d.expected()).isEqualTo("76 bytes (server-chosen value)");
        assertThat(d.actual()).isEqualTo("75 bytes");
        FileResult longer = replay(vector(""), new Scripted(answers(keyholdInfo() + "00", "")));
        assertThat(longer.difference().orElseThrow().actual()).isEqualTo("77 bytes");
    }

    @Test
    void libraryInfo_missing_fails() throws Exception {
        FileResult r = replay(vector(""), new Scripted(response(T_NOW, function("C_Initialize")
                + bytes("CorrelationValue", SERVER_CV) + ok()), response(T_NOW, function("C_GetInfo") + ok()),
                response(T_NOW, function("C_Finalize") + ok())));
        assertThat(r.difference().orElseThrow().path()).endsWith("ResponsePayload / PKCS_11OutputParameters");
        assertThat(r.difference().orElseThrow().actual()).startsWith("missing");
    }

    @Test
    void returnCode_isExact() throws Exception {
        String[] a = answers(keyholdInfo(), "");
        a[1] = a[1].replace("value=\"OK\"", "value=\"CRYPTOKI_NOT_INITIALIZED\"");
        FileResult r = replay(vector(""), new Scripted(a));
        assertThat(r.difference().orElseThrow().path()).endsWith("ResponsePayload / PKCS_11ReturnCode");
        assertThat(r.difference().orElseThrow().actual()).isEqualTo("CRYPTOKI_NOT_INITIALIZED");
    }

    @Test
    void outputParameters_ofOtherFunctions_areExact() throws Exception {
        String expected = bytes("PKCS_11OutputParameters", "0102");
        assertThat(replay(vector(expected), new Scripted(answers(keyholdInfo(), expected))).passed()).isTrue();
        FileResult r = replay(vector(expected), new Scripted(answers(keyholdInfo(), bytes("PKCS_11OutputParameters", "0103"))));
        assertThat(r.difference().orElseThrow().path())
                .isEqualTo("message 3 / ResponseMessage / BatchItem / ResponsePayload / PKCS_11OutputParameters");
    }

    @Test
    void correlationValue_missingFromTheInitializeAnswer_fails() throws Exception {
        String[] a = answers(keyholdInfo(), "");
        a[0] = response(T_NOW, function("C_Initialize") + ok());
        FileResult r = replay(vector(""), new Scripted(a));
        assertThat(r.difference().orElseThrow().path()).isEqualTo("message 1 / ResponseMessage / BatchItem / ResponsePayload / CorrelationValue");
    }

    private static TtlvItem payload(TtlvItem request) {
        return request.child(Tag.BATCH_ITEM).orElseThrow().child(Tag.REQUEST_PAYLOAD).orElseThrow();
    }

    private FileResult replay(String xml, Scripted server) throws Exception {
        Path file = tmp.resolve("PKCS11-M-1-21.xml");
        Files.writeString(file, xml);
        return new VectorReplayer(Clock.fixed(NOW, ZoneOffset.UTC), 60).replay(VectorFile.read(file, "PKCS11-M-1-21.xml"), server);
    }

    /** Answers each request with the next scripted response, and keeps what it was sent. */
    private static final class Scripted implements KmipConnection {
        final List<TtlvItem> sent = new ArrayList<>();
        private final Deque<TtlvItem> answers = new ArrayDeque<>();

        Scripted(String... answers) throws Exception {
            for (String a : answers) {
                this.answers.add(new KmipXml().read(a));
            }
        }

        @Override
        public TtlvItem exchange(TtlvItem request) {
            sent.add(request);
            return answers.remove();
        }

        @Override
        public void close() {}
    }
}
