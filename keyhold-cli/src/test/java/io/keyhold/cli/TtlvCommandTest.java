package io.keyhold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.QueryFunction;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TtlvCommandTest {
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    /** A KMIP 1.4 Query request asking for the operations and object types supported. */
    static TtlvItem queryRequest() {
        return TtlvItem.structure(Tag.REQUEST_MESSAGE,
                TtlvItem.structure(Tag.REQUEST_HEADER,
                        TtlvItem.structure(Tag.PROTOCOL_VERSION,
                                TtlvItem.integer(Tag.PROTOCOL_VERSION_MAJOR, 1),
                                TtlvItem.integer(Tag.PROTOCOL_VERSION_MINOR, 4)),
                        TtlvItem.integer(Tag.BATCH_COUNT, 1)),
                TtlvItem.structure(Tag.BATCH_ITEM,
                        TtlvItem.enumeration(Tag.OPERATION, Operation.QUERY.value()),
                        TtlvItem.structure(Tag.REQUEST_PAYLOAD,
                                TtlvItem.enumeration(Tag.QUERY_FUNCTION, QueryFunction.QUERY_OPERATIONS.value()),
                                TtlvItem.enumeration(Tag.QUERY_FUNCTION, QueryFunction.QUERY_OBJECTS.value()))));
    }

    /** A second, different message: a Get request for one identifier. */
    static TtlvItem getRequest() {
        return TtlvItem.structure(Tag.REQUEST_MESSAGE,
                TtlvItem.structure(Tag.REQUEST_HEADER,
                        TtlvItem.structure(Tag.PROTOCOL_VERSION,
                                TtlvItem.integer(Tag.PROTOCOL_VERSION_MAJOR, 1),
                                TtlvItem.integer(Tag.PROTOCOL_VERSION_MINOR, 2)),
                        TtlvItem.integer(Tag.BATCH_COUNT, 1)),
                TtlvItem.structure(Tag.BATCH_ITEM,
                        TtlvItem.enumeration(Tag.OPERATION, Operation.GET.value()),
                        TtlvItem.structure(Tag.REQUEST_PAYLOAD,
                                TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "key-1"))));
    }

    private static String hex(TtlvItem item) {
        return HEX.formatHex(new TtlvEncoder().encode(item));
    }

    private static void assertFailedCleanly(CliRun r) {
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stdoutBytes()).isEmpty();
        assertThat(r.stderr().lines()).hasSize(1);
        assertThat(r.stderr()).startsWith("keyhold ttlv: ").doesNotContain("Exception", "at io.", "\tat ");
    }

    @Test
    void hexToTtlvToHex_roundTrip_givesTheEncodedBytesAndTheSameHex() {
        byte[] encoded = new TtlvEncoder().encode(queryRequest());

        CliRun toTtlv = CliRun.run(hex(queryRequest()).toLowerCase(), "ttlv", "--from", "hex", "--to", "ttlv");
        assertThat(toTtlv.exitCode()).isZero();
        assertThat(toTtlv.stdoutBytes()).isEqualTo(encoded);

        CliRun back = CliRun.run(toTtlv.stdoutBytes(), "ttlv", "--from", "ttlv", "--to", "hex");
        assertThat(back.exitCode()).isZero();
        assertThat(back.stdout()).isEqualTo(hex(queryRequest()) + "\n");
        assertThat(back.stderr()).isEmpty();
    }

    @Test
    void hex_severalMessages_writesOneLinePerMessageInOrder() {
        String input = hex(queryRequest()) + "\n\n  " + hex(getRequest()).toLowerCase() + hex(queryRequest()) + "\n";

        CliRun r = CliRun.run(input, "ttlv", "--from", "hex", "--to", "hex");

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout().lines()).containsExactly(hex(queryRequest()), hex(getRequest()), hex(queryRequest()));
    }

    @Test
    void ttlv_severalMessagesBackToBack_areAllConverted() {
        byte[] one = new TtlvEncoder().encode(queryRequest());
        byte[] two = new TtlvEncoder().encode(getRequest());
        byte[] both = new byte[one.length + two.length];
        System.arraycopy(one, 0, both, 0, one.length);
        System.arraycopy(two, 0, both, one.length, two.length);

        CliRun r = CliRun.run(both, "ttlv", "--from", "ttlv", "--to", "hex");

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout().lines()).containsExactly(hex(queryRequest()), hex(getRequest()));
    }

    @Test
    void hex_specExampleFormWithPipes_isAccepted() {
        CliRun r = CliRun.run("42 00 20 | 02 | 00 00 00 04 | 00 00 00 08 00 00 00 00\n", "ttlv", "--from", "hex", "--to", "hex");

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo("42002002000000040000000800000000\n");
    }

    @Test
    void hex_truncatedMessage_failsWithOneLineNamingTheOffset() {
        String full = hex(queryRequest());
        String truncated = full.substring(0, full.length() - 16);

        CliRun r = CliRun.run(truncated, "ttlv", "--from", "hex", "--to", "xml");

        assertFailedCleanly(r);
        assertThat(r.stderr()).contains("offset").contains("exceeds remaining");
    }

    @Test
    void hex_truncatedSecondMessage_namesTheMessageAndWhereItStarts() {
        String second = hex(getRequest());
        String input = hex(queryRequest()) + second.substring(0, second.length() - 8);
        int secondAt = new TtlvEncoder().encode(queryRequest()).length;

        CliRun r = CliRun.run(input, "ttlv", "--from", "hex", "--to", "hex");

        assertFailedCleanly(r);
        assertThat(r.stderr()).startsWith("keyhold ttlv: message 2 at input offset " + secondAt + ": ");
    }

    @Test
    void hex_oddNumberOfDigits_failsClearly() {
        CliRun r = CliRun.run("4200200200000004000000080000000", "ttlv", "--from", "hex", "--to", "ttlv");

        assertFailedCleanly(r);
        assertThat(r.stderr()).isEqualTo("keyhold ttlv: hex input: odd number of hex digits (31); the last byte is incomplete"
                + System.lineSeparator());
    }

    @Test
    void hex_nonHexCharacters_failsClearly() {
        CliRun r = CliRun.run("42 00 20 xy", "ttlv", "--from", "hex", "--to", "ttlv");

        assertFailedCleanly(r);
        assertThat(r.stderr()).contains("character 'x' at offset 9 is not a hex digit");
    }

    @Test
    void ttlv_emptyInput_failsClearly() {
        CliRun r = CliRun.run(new byte[0], "ttlv", "--from", "ttlv", "--to", "hex");

        assertFailedCleanly(r);
        assertThat(r.stderr()).contains("input is empty");
    }

    @Test
    void ttlv_badPadding_failsWithTheDecodersMessage() {
        CliRun r = CliRun.run(HEX.parseHex("42002002000000040000000800000001"), "ttlv", "--from", "ttlv", "--to", "hex");

        assertFailedCleanly(r);
        assertThat(r.stderr()).contains("padding byte at offset 15");
    }

    @Test
    void unknownFormat_isAUsageError() {
        CliRun r = CliRun.run("", "ttlv", "--from", "yaml", "--to", "hex");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("Invalid value for option '--from'", "'yaml'", "Usage: keyhold ttlv");
        assertThat(r.stdoutBytes()).isEmpty();
    }

    @Test
    void missingTo_isAUsageError() {
        CliRun r = CliRun.run("", "ttlv", "--from", "hex");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("--to");
    }

    @Test
    void formatNames_anyCase() {
        CliRun r = CliRun.run(hex(getRequest()), "ttlv", "--from", "HEX", "--to", "Hex");

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo(hex(getRequest()) + "\n");
    }

    @Test
    void file_isReadInsteadOfStandardInput(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("with space.ttlv");
        Files.write(file, new TtlvEncoder().encode(getRequest()));

        CliRun r = CliRun.run("ignored", "ttlv", "--from", "ttlv", "--to", "hex", file.toString());

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo(hex(getRequest()) + "\n");
    }

    @Test
    void dashAsFile_readsStandardInput() {
        CliRun r = CliRun.run(hex(getRequest()), "ttlv", "--from", "hex", "--to", "hex", "-");

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo(hex(getRequest()) + "\n");
    }

    @Test
    void missingFile_failsNamingIt(@TempDir Path dir) {
        Path missing = dir.resolve("missing.ttlv");

        CliRun r = CliRun.run("", "ttlv", "--from", "ttlv", "--to", "hex", missing.toString());

        assertFailedCleanly(r);
        assertThat(r.stderr()).contains("no such file: " + missing);
    }

    // ---- XML and JSON: these need the real KmipXml and KmipJson codecs ----

    private static final String QUERY_REQUEST_XML = """
            <RequestMessage>
              <RequestHeader>
                <ProtocolVersion>
                  <ProtocolVersionMajor type="Integer" value="1"/>
                  <ProtocolVersionMinor type="Integer" value="4"/>
                </ProtocolVersion>
                <BatchCount type="Integer" value="1"/>
              </RequestHeader>
              <BatchItem>
                <Operation type="Enumeration" value="Query"/>
                <RequestPayload>
                  <QueryFunction type="Enumeration" value="QueryOperations"/>
                  <QueryFunction type="Enumeration" value="QueryObjects"/>
                </RequestPayload>
              </BatchItem>
            </RequestMessage>
            """;

    @Test
    @org.junit.jupiter.api.Tag("needs-codecs")
    void xmlToHex_smallMessage_givesItsTtlv() {
        CliRun r = CliRun.run(QUERY_REQUEST_XML, "ttlv", "--from", "xml", "--to", "hex");

        assertThat(r.stderr()).isEmpty();
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo(hex(queryRequest()) + "\n");
    }

    @Test
    @org.junit.jupiter.api.Tag("needs-codecs")
    void hexToXmlToHex_roundTrip() {
        CliRun xml = CliRun.run(hex(queryRequest()), "ttlv", "--from", "hex", "--to", "xml");
        assertThat(xml.stderr()).isEmpty();
        assertThat(xml.exitCode()).isZero();
        assertThat(xml.stdout()).contains("RequestMessage", "QueryOperations");

        CliRun back = CliRun.run(xml.stdoutBytes(), "ttlv", "--from", "xml", "--to", "hex");
        assertThat(back.stderr()).isEmpty();
        assertThat(back.stdout()).isEqualTo(hex(queryRequest()) + "\n");
    }

    @Test
    @org.junit.jupiter.api.Tag("needs-codecs")
    void hexToXml_severalMessages_convertBackInOrder() {
        CliRun xml = CliRun.run(hex(queryRequest()) + "\n" + hex(getRequest()), "ttlv", "--from", "hex", "--to", "xml");
        assertThat(xml.stderr()).isEmpty();

        // the messages are written one after another; wrapped in <KMIP> they form a vector file
        String messages = xml.stdout().replaceAll("<\\?xml[^>]*\\?>", "");
        CliRun back = CliRun.run("<KMIP>\n" + messages + "</KMIP>\n", "ttlv", "--from", "xml", "--to", "hex");
        assertThat(back.stderr()).isEmpty();
        assertThat(back.stdout().lines()).containsExactly(hex(queryRequest()), hex(getRequest()));
    }

    @Test
    @org.junit.jupiter.api.Tag("needs-codecs")
    void hexToJsonToHex_oneMessageAndSeveral() {
        CliRun one = CliRun.run(hex(getRequest()), "ttlv", "--from", "hex", "--to", "json");
        assertThat(one.stderr()).isEmpty();
        assertThat(one.stdout().strip()).startsWith("{");
        assertThat(CliRun.run(one.stdoutBytes(), "ttlv", "--from", "json", "--to", "hex").stdout())
                .isEqualTo(hex(getRequest()) + "\n");

        CliRun several = CliRun.run(hex(queryRequest()) + hex(getRequest()), "ttlv", "--from", "hex", "--to", "json");
        assertThat(several.stderr()).isEmpty();
        assertThat(several.stdout().strip()).startsWith("[").endsWith("]");
        assertThat(CliRun.run(several.stdoutBytes(), "ttlv", "--from", "json", "--to", "hex").stdout().lines())
                .containsExactly(hex(queryRequest()), hex(getRequest()));
    }

    @Test
    @org.junit.jupiter.api.Tag("needs-codecs")
    void xmlVectorFile_toHex_writesOneLinePerMessageInOrder() throws IOException {
        Path vector = sharedDir().resolve("conformance/vectors/cosmian-kmip/v1.4/XML/mandatory/CS-RNG-M-1-14.xml");
        List<Integer> expectedTags = messageTags(Files.readString(vector, StandardCharsets.UTF_8));
        assertThat(expectedTags).hasSizeGreaterThan(1);

        CliRun r = CliRun.run("", "ttlv", "--from", "xml", "--to", "hex", vector.toString());

        assertThat(r.stderr()).isEmpty();
        assertThat(r.exitCode()).isZero();
        List<String> lines = r.stdout().lines().toList();
        assertThat(lines).hasSameSizeAs(expectedTags).allMatch(l -> l.matches("[0-9A-F]+"));
        List<Integer> tags = new ArrayList<>();
        for (String line : lines) {
            try {
                tags.add(new TtlvDecoder().decode(HEX.parseHex(line)).tag());
            } catch (Exception e) {
                throw new AssertionError("line does not decode: " + line, e);
            }
        }
        assertThat(tags).isEqualTo(expectedTags);
    }

    /** The tags of the top-level messages in a vector file, in document order. */
    private static List<Integer> messageTags(String xml) {
        List<Integer> tags = new ArrayList<>();
        Matcher m = Pattern.compile("<(RequestMessage|ResponseMessage)[\\s>]").matcher(xml);
        while (m.find()) {
            tags.add(m.group(1).equals("RequestMessage") ? Tag.REQUEST_MESSAGE : Tag.RESPONSE_MESSAGE);
        }
        return tags;
    }

    private static Path sharedDir() {
        String dir = System.getProperty("keyhold.shared.dir");
        assertThat(dir).as("system property keyhold.shared.dir (set by surefire)").isNotNull();
        return Path.of(dir);
    }
}
