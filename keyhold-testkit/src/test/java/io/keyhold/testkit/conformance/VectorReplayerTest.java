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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replayer against a scripted server: a faithful answer passes, and each way a server can be wrong
 * fails at the right field. The scripted answers are written as the vector's expected ones with the
 * server's own values in place of the placeholders, then broken one field at a time.
 */
class VectorReplayerTest {
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final String T_NOW = "2026-11-28T12:00:00+00:00";

    @TempDir
    Path tmp;

    // --- a Create then Get of a server-generated AES key ---------------------------------------------------

    private static String header(String minor) {
        return "<RequestHeader><ProtocolVersion><ProtocolVersionMajor type=\"Integer\" value=\"1\"/>"
                + "<ProtocolVersionMinor type=\"Integer\" value=\"" + minor + "\"/></ProtocolVersion>"
                + "<BatchCount type=\"Integer\" value=\"1\"/></RequestHeader>";
    }

    private static String responseHeader(String time) {
        return "<ResponseHeader><ProtocolVersion><ProtocolVersionMajor type=\"Integer\" value=\"1\"/>"
                + "<ProtocolVersionMinor type=\"Integer\" value=\"4\"/></ProtocolVersion>"
                + "<TimeStamp type=\"DateTime\" value=\"" + time + "\"/><BatchCount type=\"Integer\" value=\"1\"/></ResponseHeader>";
    }

    private static final String CREATE = "<RequestMessage>" + header("4") + "<BatchItem><Operation type=\"Enumeration\" value=\"Create\"/>"
            + "<RequestPayload><ObjectType type=\"Enumeration\" value=\"SymmetricKey\"/><TemplateAttribute>"
            + "<Attribute><AttributeName type=\"TextString\" value=\"Cryptographic Usage Mask\"/>"
            + "<AttributeValue type=\"Integer\" value=\"Decrypt Encrypt\"/></Attribute></TemplateAttribute>"
            + "</RequestPayload></BatchItem></RequestMessage>";

    private static String createResponse(String time, String uid, String objectType) {
        return "<ResponseMessage>" + responseHeader(time) + "<BatchItem><Operation type=\"Enumeration\" value=\"Create\"/>"
                + "<ResultStatus type=\"Enumeration\" value=\"Success\"/><ResponsePayload>"
                + "<ObjectType type=\"Enumeration\" value=\"" + objectType + "\"/>"
                + "<UniqueIdentifier type=\"TextString\" value=\"" + uid + "\"/></ResponsePayload></BatchItem></ResponseMessage>";
    }

    private static final String GET = "<RequestMessage>" + header("4") + "<BatchItem><Operation type=\"Enumeration\" value=\"Get\"/>"
            + "<RequestPayload><UniqueIdentifier type=\"TextString\" value=\"$UNIQUE_IDENTIFIER_0\"/></RequestPayload>"
            + "</BatchItem></RequestMessage>";

    private static String getResponse(String uid, String keyHex, String mask, String algorithm) {
        return "<ResponseMessage>" + responseHeader(T_NOW.equals(uid) ? "" : "$NOW") + "<BatchItem>"
                + "<Operation type=\"Enumeration\" value=\"Get\"/><ResultStatus type=\"Enumeration\" value=\"Success\"/>"
                + "<ResponsePayload><ObjectType type=\"Enumeration\" value=\"SymmetricKey\"/>"
                + "<UniqueIdentifier type=\"TextString\" value=\"" + uid + "\"/><SymmetricKey><KeyBlock>"
                + "<KeyFormatType type=\"Enumeration\" value=\"Raw\"/><KeyValue>"
                + "<KeyMaterial type=\"ByteString\" value=\"" + keyHex + "\"/>"
                + "<Attribute><AttributeName type=\"TextString\" value=\"Cryptographic Usage Mask\"/>"
                + "<AttributeValue type=\"Integer\" value=\"" + mask + "\"/></Attribute></KeyValue>"
                + "<CryptographicAlgorithm type=\"Enumeration\" value=\"" + algorithm + "\"/>"
                + "<CryptographicLength type=\"Integer\" value=\"128\"/></KeyBlock></SymmetricKey>"
                + "</ResponsePayload></BatchItem></ResponseMessage>";
    }

    private static final String KEY_VECTOR = "00112233445566778899aabbccddeeff";
    private static final String KEY_SERVER = "f0e1d2c3b4a5968778695a4b3c2d1e0f";

    private String createGetVector() {
        return "<KMIP>" + CREATE + createResponse("$NOW", "$UNIQUE_IDENTIFIER_0", "SymmetricKey")
                + GET + getResponse("$UNIQUE_IDENTIFIER_0", KEY_VECTOR, "Encrypt Decrypt", "AES")
                .replace("\"\"", "\"$NOW\"") + "</KMIP>";
    }

    private FileResult replayCreateGet(String createAnswer, String getAnswer) throws Exception {
        return replay(createGetVector(), createAnswer, getAnswer);
    }

    private static String goodCreate() {
        return createResponse(T_NOW, "server-id-7", "SymmetricKey");
    }

    private static String goodGet() {
        return getResponse("server-id-7", KEY_SERVER, "Decrypt Encrypt", "AES").replace("$NOW", T_NOW);
    }

    @Test
    void replay_faithfulServer_passes_andSendsTheBoundIdentifier() throws Exception {
        Scripted server = new Scripted(goodCreate(), goodGet());
        FileResult r = new VectorReplayer(Clock.fixed(NOW, ZoneOffset.UTC), 60).replay(vector(createGetVector()), server);
        assertThat(r.passed()).as(r.line()).isTrue();
        assertThat(server.sent.get(1).child(Tag.BATCH_ITEM).orElseThrow().child(Tag.REQUEST_PAYLOAD).orElseThrow()
                .child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue()).isEqualTo("server-id-7");
        assertThat(r.line()).isEqualTo("PASS create-get.xml");
    }

    @Test
    void replay_missingField_fails() throws Exception {
        FileResult r = replayCreateGet(goodCreate().replace("<ObjectType type=\"Enumeration\" value=\"SymmetricKey\"/>", ""),
                goodGet());
        assertThat(r.difference().orElseThrow().path()).isEqualTo("message 1 / ResponseMessage / BatchItem / ResponsePayload / ObjectType");
        assertThat(r.difference().orElseThrow().actual()).startsWith("missing");
    }

    @Test
    void replay_extraFieldInAnExactPayload_fails() throws Exception {
        FileResult r = replayCreateGet(goodCreate().replace("</ResponsePayload>",
                "<UniqueIdentifier type=\"TextString\" value=\"other\"/></ResponsePayload>"), goodGet());
        assertThat(r.difference().orElseThrow().path()).endsWith("ResponsePayload / UniqueIdentifier[1]");
        assertThat(r.difference().orElseThrow().expected()).startsWith("nothing");
    }

    @Test
    void replay_wrongResultStatus_fails_andTellsTheReason() throws Exception {
        FileResult r = replayCreateGet(goodCreate().replace("<ResultStatus type=\"Enumeration\" value=\"Success\"/><ResponsePayload>"
                + "<ObjectType type=\"Enumeration\" value=\"SymmetricKey\"/><UniqueIdentifier type=\"TextString\" value=\"server-id-7\"/>"
                + "</ResponsePayload>", "<ResultStatus type=\"Enumeration\" value=\"OperationFailed\"/>"
                + "<ResultReason type=\"Enumeration\" value=\"PermissionDenied\"/><ResultMessage type=\"TextString\" value=\"no\"/>"), goodGet());
        Difference d = r.difference().orElseThrow();
        assertThat(d.path()).endsWith("BatchItem / ResultStatus");
        assertThat(d.expected()).isEqualTo("Success");
        assertThat(d.actual()).isEqualTo("OperationFailed (PermissionDenied \"no\")");
    }

    @Test
    void replay_wrongResultReason_fails_butResultMessageWordingIsFree() throws Exception {
        String vector = "<KMIP>" + GET.replace("$UNIQUE_IDENTIFIER_0", "nope") + failure("ItemNotFound", "Object not found")
                + "</KMIP>";
        assertThat(replay(vector, failure("ItemNotFound", "no such object").replace("$NOW", T_NOW)).passed()).isTrue();
        FileResult wrong = replay(vector, failure("PermissionDenied", "Object not found").replace("$NOW", T_NOW));
        assertThat(wrong.difference().orElseThrow().path()).endsWith("BatchItem / ResultReason");
        assertThat(wrong.difference().orElseThrow().actual()).isEqualTo("PermissionDenied");
        FileResult noMessage = replay(vector, failure("ItemNotFound", null).replace("$NOW", T_NOW));
        assertThat(noMessage.difference().orElseThrow().path()).endsWith("BatchItem / ResultMessage");
    }

    private static String failure(String reason, String message) {
        return "<ResponseMessage>" + responseHeader("$NOW") + "<BatchItem><Operation type=\"Enumeration\" value=\"Get\"/>"
                + "<ResultStatus type=\"Enumeration\" value=\"OperationFailed\"/>"
                + "<ResultReason type=\"Enumeration\" value=\"" + reason + "\"/>"
                + (message == null ? "" : "<ResultMessage type=\"TextString\" value=\"" + message + "\"/>")
                + "</BatchItem></ResponseMessage>";
    }

    @Test
    void replay_wrongEnumeration_fails() throws Exception {
        FileResult r = replayCreateGet(goodCreate(), goodGet().replace("value=\"AES\"", "value=\"RSA\""));
        assertThat(r.difference().orElseThrow().path()).endsWith("KeyBlock / CryptographicAlgorithm");
        assertThat(r.difference().orElseThrow().expected()).isEqualTo("AES");
        assertThat(r.difference().orElseThrow().actual()).isEqualTo("RSA");
    }

    @Test
    void replay_generatedKeyOfAnotherLength_fails_butItsBytesAreTheServers() throws Exception {
        FileResult shorter = replayCreateGet(goodCreate(), goodGet().replace(KEY_SERVER, KEY_SERVER.substring(2)));
        assertThat(shorter.difference().orElseThrow().path()).endsWith("KeyValue / KeyMaterial");
        assertThat(shorter.difference().orElseThrow().toString()).contains("16 bytes", "15 bytes").doesNotContain(KEY_SERVER.substring(2));
        assertThat(replayCreateGet(goodCreate(), goodGet()).passed()).as("other bytes, same length").isTrue();
    }

    @Test
    void replay_registeredKeyBytes_mustComeBackExactly() throws Exception {
        String register = "<RequestMessage>" + header("4") + "<BatchItem><Operation type=\"Enumeration\" value=\"Register\"/>"
                + "<RequestPayload><ObjectType type=\"Enumeration\" value=\"SymmetricKey\"/><SymmetricKey><KeyBlock>"
                + "<KeyFormatType type=\"Enumeration\" value=\"Raw\"/><KeyValue><KeyMaterial type=\"ByteString\" value=\""
                + KEY_VECTOR + "\"/></KeyValue></KeyBlock></SymmetricKey></RequestPayload></BatchItem></RequestMessage>";
        String vector = createGetVector().replace(CREATE, register).replace("value=\"Create\"", "value=\"Register\"");
        String registered = goodCreate().replace("value=\"Create\"", "value=\"Register\"");
        assertThat(replay(vector, registered, goodGet().replace(KEY_SERVER, KEY_VECTOR)).passed()).isTrue();
        FileResult other = replay(vector, registered, goodGet());
        assertThat(other.difference().orElseThrow().path()).endsWith("KeyValue / KeyMaterial");
    }

    @Test
    void replay_masksCompareNumerically_inAnyNameOrder() throws Exception {
        assertThat(replayCreateGet(goodCreate(), goodGet()).passed()).isTrue();
        FileResult r = replayCreateGet(goodCreate(), goodGet().replace("Decrypt Encrypt", "Encrypt"));
        assertThat(r.difference().orElseThrow().path()).endsWith("Attribute / AttributeValue");
        assertThat(r.difference().orElseThrow().toString()).contains("expected 12, got 4");
    }

    @Test
    void replay_reorderedFieldsWhereOrderMatters_fail() throws Exception {
        FileResult r = replayCreateGet(goodCreate().replace("<ObjectType type=\"Enumeration\" value=\"SymmetricKey\"/>"
                + "<UniqueIdentifier type=\"TextString\" value=\"server-id-7\"/>", "<UniqueIdentifier type=\"TextString\" "
                + "value=\"server-id-7\"/><ObjectType type=\"Enumeration\" value=\"SymmetricKey\"/>"), goodGet());
        assertThat(r.difference().orElseThrow().path()).endsWith("ResponsePayload / ObjectType");
    }

    @Test
    void replay_identifierThatChanges_fails() throws Exception {
        FileResult r = replayCreateGet(goodCreate(), goodGet().replace("server-id-7", "server-id-8"));
        assertThat(r.difference().orElseThrow().path()).endsWith("ResponsePayload / UniqueIdentifier");
        assertThat(r.difference().orElseThrow().expected()).isEqualTo("$UNIQUE_IDENTIFIER_0 = \"server-id-7\"");
    }

    @Test
    void replay_timeStampOutsideTheWindow_fails() throws Exception {
        FileResult r = replayCreateGet(createResponse("2012-04-27T08:12:00+00:00", "server-id-7", "SymmetricKey"), goodGet());
        assertThat(r.difference().orElseThrow().path()).isEqualTo("message 1 / ResponseMessage / ResponseHeader / TimeStamp");
        assertThat(replayCreateGet(createResponse("2026-11-28T12:00:59+00:00", "server-id-7", "SymmetricKey"), goodGet())
                .passed()).as("within the tolerance").isTrue();
    }

    @Test
    void replay_wrongObjectTypeInTheFirstResponse_stopsThere() throws Exception {
        Scripted server = new Scripted(createResponse(T_NOW, "server-id-7", "SecretData"), goodGet());
        FileResult r = new VectorReplayer(Clock.fixed(NOW, ZoneOffset.UTC), 60).replay(vector(createGetVector()), server);
        assertThat(r.difference().orElseThrow().path()).isEqualTo("message 1 / ResponseMessage / BatchItem / ResponsePayload / ObjectType");
        assertThat(server.sent).hasSize(1);
    }

    // --- unordered lists ---------------------------------------------------------------------------------

    private static String getAttributes(String request, String... attributes) {
        return "<" + request + "Message>" + (request.equals("Request") ? header("4") : responseHeader("$NOW"))
                + "<BatchItem><Operation type=\"Enumeration\" value=\"GetAttributes\"/>"
                + (request.equals("Request") ? "<RequestPayload>" : "<ResultStatus type=\"Enumeration\" value=\"Success\"/><ResponsePayload>")
                + "<UniqueIdentifier type=\"TextString\" value=\"id-1\"/>" + String.join("", attributes)
                + (request.equals("Request") ? "</RequestPayload>" : "</ResponsePayload>") + "</BatchItem></" + request + "Message>";
    }

    private static String name(String name) {
        return "<AttributeName type=\"TextString\" value=\"" + name + "\"/>";
    }

    private static String attribute(String name, String type, String value) {
        return "<Attribute>" + name(name) + "<AttributeValue type=\"" + type + "\" value=\"" + value + "\"/></Attribute>";
    }

    @Test
    void replay_getAttributesInAnotherOrder_passes_butAMissingOrUnrequestedOneFails() throws Exception {
        String length = attribute("Cryptographic Length", "Integer", "128");
        String state = attribute("State", "Enumeration", "PreActive");
        String vector = "<KMIP>" + getAttributes("Request", name("State"), name("Cryptographic Length"))
                + getAttributes("Response", state, length) + "</KMIP>";
        assertThat(replay(vector, getAttributes("Response", length, state).replace("$NOW", T_NOW)).passed()).isTrue();

        FileResult missing = replay(vector, getAttributes("Response", length).replace("$NOW", T_NOW));
        assertThat(missing.difference().orElseThrow().path()).endsWith("ResponsePayload / Attribute[0]");
        assertThat(missing.difference().orElseThrow().actual()).isEqualTo("missing");

        FileResult wrongValue = replay(vector, getAttributes("Response", length,
                attribute("State", "Enumeration", "Active")).replace("$NOW", T_NOW));
        assertThat(wrongValue.difference().orElseThrow().path()).endsWith("Attribute[0] / AttributeValue");

        FileResult extra = replay(vector, getAttributes("Response", length, state,
                attribute("Object Type", "Enumeration", "SymmetricKey")).replace("$NOW", T_NOW));
        assertThat(extra.difference().orElseThrow().expected()).startsWith("nothing (not requested)");
    }

    @Test
    void replay_unboundPlaceholderInARequest_failsBeforeSending() throws Exception {
        Scripted server = new Scripted();
        FileResult r = new VectorReplayer(Clock.fixed(NOW, ZoneOffset.UTC), 60).replay(vector("<KMIP>" + GET
                + getResponse("$UNIQUE_IDENTIFIER_0", KEY_VECTOR, "Encrypt", "AES") + "</KMIP>"), server);
        assertThat(r.difference().orElseThrow().toString()).isEqualTo(
                "message 1 request: expected $UNIQUE_IDENTIFIER_0 bound by an earlier response, got not bound");
        assertThat(server.sent).isEmpty();
    }

    // --- values the server chooses and the client sends back -----------------------------------------------

    private static String op(String kind, String operation, String payload) {
        boolean request = kind.equals("Request");
        return "<" + kind + "Message>" + (request ? header("4") : responseHeader("$NOW")) + "<BatchItem>"
                + "<Operation type=\"Enumeration\" value=\"" + operation + "\"/>"
                + (request ? "<RequestPayload>" : "<ResultStatus type=\"Enumeration\" value=\"Success\"/><ResponsePayload>")
                + payload + (request ? "</RequestPayload>" : "</ResponsePayload>") + "</BatchItem></" + kind + "Message>";
    }

    private static String uid(String value) {
        return "<UniqueIdentifier type=\"TextString\" value=\"" + value + "\"/>";
    }

    private static String bytes(String tag, String hex) {
        return "<" + tag + " type=\"ByteString\" value=\"" + hex + "\"/>";
    }

    @Test
    void replay_referenceCiphertextSentBack_isReplacedByTheServersOwn() throws Exception {
        String referenceCiphertext = "fd912d102dbb482f6f6e91bd57119095";
        String serverCiphertext = "d9bcce11b0b437b90239552df3a360c9";
        String plaintext = "01020304050607080910111213141516";
        String vector = "<KMIP>" + CREATE + createResponse("$NOW", "$UNIQUE_IDENTIFIER_0", "SymmetricKey")
                + op("Request", "Encrypt", uid("$UNIQUE_IDENTIFIER_0") + bytes("Data", plaintext))
                + op("Response", "Encrypt", uid("$UNIQUE_IDENTIFIER_0") + bytes("Data", referenceCiphertext))
                + op("Request", "Decrypt", uid("$UNIQUE_IDENTIFIER_0") + bytes("Data", referenceCiphertext))
                + op("Response", "Decrypt", uid("$UNIQUE_IDENTIFIER_0") + bytes("Data", plaintext)) + "</KMIP>";
        Scripted server = new Scripted(goodCreate(),
                op("Response", "Encrypt", uid("server-id-7") + bytes("Data", serverCiphertext)).replace("$NOW", T_NOW),
                op("Response", "Decrypt", uid("server-id-7") + bytes("Data", plaintext)).replace("$NOW", T_NOW));
        FileResult r = new VectorReplayer(Clock.fixed(NOW, ZoneOffset.UTC), 60).replay(vector(vector), server);
        assertThat(r.passed()).as(r.line()).isTrue();
        assertThat(payload(server.sent.get(2)).child(Tag.DATA).orElseThrow().bytesValue())
                .isEqualTo(java.util.HexFormat.of().parseHex(serverCiphertext));

        Scripted wrongPlaintext = new Scripted(goodCreate(),
                op("Response", "Encrypt", uid("server-id-7") + bytes("Data", serverCiphertext)).replace("$NOW", T_NOW),
                op("Response", "Decrypt", uid("server-id-7") + bytes("Data", serverCiphertext)).replace("$NOW", T_NOW));
        FileResult wrong = new VectorReplayer(Clock.fixed(NOW, ZoneOffset.UTC), 60).replay(vector(vector), wrongPlaintext);
        assertThat(wrong.difference().orElseThrow().path()).isEqualTo("message 3 / ResponseMessage / BatchItem / ResponsePayload / Data");
    }

    @Test
    void replay_placeholderFirstUsedInARequest_takesTheLastValueOfItsField() throws Exception {
        String vector = "<KMIP>" + op("Request", "MAC", uid("k") + bytes("Data", "0102"))
                + op("Response", "MAC", uid("k") + bytes("MACData", "c911e781"))
                + op("Request", "MACVerify", uid("k") + bytes("Data", "0102") + bytes("MACData", "$MAC_DATA"))
                + op("Response", "MACVerify", uid("k") + "<ValidityIndicator type=\"Enumeration\" value=\"Valid\"/>")
                + "</KMIP>";
        Scripted server = new Scripted(op("Response", "MAC", uid("k") + bytes("MACData", "c911e781")).replace("$NOW", T_NOW),
                op("Response", "MACVerify", uid("k") + "<ValidityIndicator type=\"Enumeration\" value=\"Valid\"/>")
                        .replace("$NOW", T_NOW));
        FileResult r = new VectorReplayer(Clock.fixed(NOW, ZoneOffset.UTC), 60).replay(vector(vector), server);
        assertThat(r.passed()).as(r.line()).isTrue();
        assertThat(payload(server.sent.get(1)).child(Tag.MAC_DATA).orElseThrow().bytesValue())
                .isEqualTo(new byte[] {(byte) 0xc9, 0x11, (byte) 0xe7, (byte) 0x81});
    }

    @Test
    void replay_locateIdentifiersInAnyOrder_pass_butNotAMissingOne() throws Exception {
        String vector = "<KMIP>" + op("Request", "Locate", "") + op("Response", "Locate", uid("a") + uid("b")) + "</KMIP>";
        assertThat(replay(vector, op("Response", "Locate", uid("b") + uid("a")).replace("$NOW", T_NOW)).passed()).isTrue();
        FileResult missing = replay(vector, op("Response", "Locate", uid("b")).replace("$NOW", T_NOW));
        assertThat(missing.difference().orElseThrow().toString()).endsWith("UniqueIdentifier[0]: expected \"a\", got missing");
        FileResult extra = replay(vector, op("Response", "Locate", uid("b") + uid("a") + uid("c")).replace("$NOW", T_NOW));
        assertThat(extra.passed()).isFalse();
    }

    // --- the server's random number generator and RNG Seed ------------------------------------------------

    private static final String X931 = "<RNGAlgorithm type=\"Enumeration\" value=\"ANSIX9_31\"/>"
            + "<CryptographicAlgorithm type=\"Enumeration\" value=\"AES\"/><CryptographicLength type=\"Integer\" value=\"256\"/>";
    private static final String HASH_DRBG = "<RNGAlgorithm type=\"Enumeration\" value=\"DRBG\"/>"
            + "<HashingAlgorithm type=\"Enumeration\" value=\"SHA_256\"/><DRBGAlgorithm type=\"Enumeration\" value=\"Hash\"/>"
            + "<PredictionResistance type=\"Boolean\" value=\"false\"/>";
    private static final String STATE = "<State type=\"Enumeration\" value=\"PreActive\"/>";

    private static String rng2x(String fields) {
        return "<Attributes>" + STATE + "<RandomNumberGenerator>" + fields + "</RandomNumberGenerator></Attributes>";
    }

    private static String rng1x(String value) {
        return "<Attribute>" + name("Random Number Generator") + value + "</Attribute>";
    }

    private FileResult replayRng2x(String answerFields) throws Exception {
        String vector = "<KMIP>" + op("Request", "GetAttributes", uid("id-1")) + op("Response", "GetAttributes", uid("id-1")
                + rng2x(X931)) + "</KMIP>";
        return replay(vector, op("Response", "GetAttributes", uid("id-1") + rng2x(answerFields)).replace("$NOW", T_NOW));
    }

    @Test
    void replay_randomNumberGenerator2x_isTheServersOwn_whenWellFormed() throws Exception {
        assertThat(replayRng2x(HASH_DRBG).passed()).as("another generator, well described").isTrue();
        assertThat(replayRng2x(X931).passed()).isTrue();

        FileResult noAlgorithm = replayRng2x(HASH_DRBG.replace("<RNGAlgorithm type=\"Enumeration\" value=\"DRBG\"/>", ""));
        assertThat(noAlgorithm.difference().orElseThrow().path()).endsWith("Attributes / RandomNumberGenerator / RNGAlgorithm");
        assertThat(noAlgorithm.difference().orElseThrow().actual()).startsWith("HashingAlgorithm");

        FileResult algorithmNotFirst = replayRng2x("<DRBGAlgorithm type=\"Enumeration\" value=\"Hash\"/>"
                + "<RNGAlgorithm type=\"Enumeration\" value=\"DRBG\"/>");
        assertThat(algorithmNotFirst.passed()).isFalse();

        FileResult foreignField = replayRng2x(HASH_DRBG + "<CryptographicUsageMask type=\"Integer\" value=\"Encrypt\"/>");
        assertThat(foreignField.difference().orElseThrow().path()).endsWith("RandomNumberGenerator / CryptographicUsageMask");
        assertThat(foreignField.difference().orElseThrow().expected()).isEqualTo("only RNG Parameters fields");

        FileResult twice = replayRng2x(HASH_DRBG + "<DRBGAlgorithm type=\"Enumeration\" value=\"HMAC\"/>");
        assertThat(twice.difference().orElseThrow().actual()).isEqualTo("a second one");

        FileResult wrongType = replayRng2x("<RNGAlgorithm type=\"Enumeration\" value=\"DRBG\"/>"
                + "<PredictionResistance type=\"Integer\" value=\"1\"/>");
        assertThat(wrongType.difference().orElseThrow().expected()).isEqualTo("Boolean");

        FileResult empty = replayRng2x("");
        assertThat(empty.difference().orElseThrow().actual()).isEqualTo("missing");

        String vector = "<KMIP>" + op("Request", "GetAttributes", uid("id-1")) + op("Response", "GetAttributes", uid("id-1")
                + rng2x(X931)) + "</KMIP>";
        FileResult missing = replay(vector, op("Response", "GetAttributes", uid("id-1") + "<Attributes>" + STATE
                + "</Attributes>").replace("$NOW", T_NOW));
        assertThat(missing.difference().orElseThrow().path()).endsWith("Attributes / RandomNumberGenerator");
        assertThat(missing.difference().orElseThrow().actual()).isEqualTo("missing");
    }

    @Test
    void replay_randomNumberGenerator1x_isTheServersOwn_whenWellFormed() throws Exception {
        String expected = rng1x("<AttributeValue>" + X931 + "</AttributeValue>");
        String vector = "<KMIP>" + getAttributes("Request", name("State"), name("Random Number Generator"))
                + getAttributes("Response", attribute("State", "Enumeration", "PreActive"), expected) + "</KMIP>";
        String state = attribute("State", "Enumeration", "PreActive");
        assertThat(replay(vector, getAttributes("Response", rng1x("<AttributeValue>" + HASH_DRBG + "</AttributeValue>"),
                state).replace("$NOW", T_NOW)).passed()).isTrue();

        FileResult text = replay(vector, getAttributes("Response", state,
                rng1x("<AttributeValue type=\"TextString\" value=\"DRBG\"/>")).replace("$NOW", T_NOW));
        assertThat(text.difference().orElseThrow().path()).endsWith("Attribute[1] / AttributeValue");
        assertThat(text.difference().orElseThrow().actual()).startsWith("TextString");

        FileResult noAlgorithm = replay(vector, getAttributes("Response", state, rng1x("<AttributeValue>"
                + "<DRBGAlgorithm type=\"Enumeration\" value=\"Hash\"/></AttributeValue>")).replace("$NOW", T_NOW));
        assertThat(noAlgorithm.difference().orElseThrow().path()).endsWith("Attribute[1] / AttributeValue / RNGAlgorithm");

        FileResult missing = replay(vector, getAttributes("Response", state).replace("$NOW", T_NOW));
        assertThat(missing.difference().orElseThrow().path()).endsWith("ResponsePayload / Attribute[1]");
        assertThat(missing.difference().orElseThrow().actual()).isEqualTo("missing");
    }

    @Test
    void replay_queryRngs_acceptsTheServersGenerator_butNotABrokenOne() throws Exception {
        String request = op("Request", "Query", "<QueryFunction type=\"Enumeration\" value=\"QueryRNGs\"/>");
        String vector = "<KMIP>" + request + op("Response", "Query", "<RNGParameters>" + X931 + "</RNGParameters>") + "</KMIP>";
        assertThat(replay(vector, op("Response", "Query", "<RNGParameters>" + HASH_DRBG + "</RNGParameters>")
                .replace("$NOW", T_NOW)).passed()).isTrue();
        FileResult broken = replay(vector, op("Response", "Query", "<RNGParameters>"
                + "<HashingAlgorithm type=\"Enumeration\" value=\"SHA_256\"/></RNGParameters>").replace("$NOW", T_NOW));
        assertThat(broken.difference().orElseThrow().path()).endsWith("ResponsePayload / RNGParameters / RNGAlgorithm");
        FileResult none = replay(vector, op("Response", "Query", "").replace("$NOW", T_NOW));
        assertThat(none.difference().orElseThrow().toString()).endsWith("expected at least one RNGParameters, got none");
    }

    @Test
    void replay_rngSeedDataLength_mayBeAnythingUpToTheSeedSent() throws Exception {
        String seed = "0102030405060708091011121314151617181920212223242526272829303132";
        String vector = "<KMIP>" + op("Request", "RNGSeed", bytes("Data", seed))
                + op("Response", "RNGSeed", "<DataLength type=\"Integer\" value=\"16\"/>") + "</KMIP>";
        for (int accepted : new int[] {0, 16, 32}) {
            assertThat(replay(vector, op("Response", "RNGSeed", "<DataLength type=\"Integer\" value=\"" + accepted + "\"/>")
                    .replace("$NOW", T_NOW)).passed()).as("%d of 32 bytes", accepted).isTrue();
        }
        FileResult more = replay(vector, op("Response", "RNGSeed", "<DataLength type=\"Integer\" value=\"33\"/>")
                .replace("$NOW", T_NOW));
        assertThat(more.difference().orElseThrow().toString()).isEqualTo("message 1 / ResponseMessage / BatchItem / "
                + "ResponsePayload / DataLength: expected an Integer from 0 to 32 (the seed accepted, of 32 bytes sent), got 33");
        FileResult negative = replay(vector, op("Response", "RNGSeed", "<DataLength type=\"Integer\" value=\"-1\"/>")
                .replace("$NOW", T_NOW));
        assertThat(negative.passed()).isFalse();
        FileResult missing = replay(vector, op("Response", "RNGSeed", "").replace("$NOW", T_NOW));
        assertThat(missing.difference().orElseThrow().actual()).isEqualTo("missing");
    }

    private static TtlvItem payload(TtlvItem request) {
        return request.child(Tag.BATCH_ITEM).orElseThrow().child(Tag.REQUEST_PAYLOAD).orElseThrow();
    }

    // --- plumbing ----------------------------------------------------------------------------------------

    private VectorFile vector(String xml) throws Exception {
        Path file = tmp.resolve("create-get.xml");
        Files.writeString(file, xml);
        return VectorFile.read(file, "create-get.xml");
    }

    private FileResult replay(String vectorXml, String... answers) throws Exception {
        return new VectorReplayer(Clock.fixed(NOW, ZoneOffset.UTC), 60).replay(vector(vectorXml), new Scripted(answers));
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
