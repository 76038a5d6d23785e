package io.keyhold.testkit.conformance;

import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.PaddingMethod;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.protocol.xml.KmipXml;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One OASIS XML test vector: request and expected response messages in step order (KMIP Profiles, "XML
 * encoding"), with its placeholders kept as markers, the protocol version of its first request, and its
 * profile read from the file name ("SKFF-M-1-14.xml": SKFF).
 */
public final class VectorFile {
    private static final Pattern PROFILE = Pattern.compile("^(.+?)-[MO]-");

    private final String name;
    private final List<TtlvItem> requests;
    private final List<TtlvItem> responses;
    private final PlaceholderMarks marks;
    private final KmipVersion version;
    private final String profile;
    /** Each literal Byte String and time of the requests, with the first step that sends it. */
    private final Map<ByteBuffer, Integer> requestBytes = new HashMap<>();
    private final Map<Long, Integer> requestTimes = new HashMap<>();
    private boolean randomizedPadding;

    private VectorFile(String name, List<TtlvItem> requests, List<TtlvItem> responses, PlaceholderMarks marks,
            KmipVersion version, String profile) {
        this.name = name;
        this.requests = requests;
        this.responses = responses;
        this.marks = marks;
        this.version = version;
        this.profile = profile;
        for (int step = 0; step < requests.size(); step++) {
            collectLiterals(requests.get(step), step);
        }
    }

    /**
     * @param file the vector
     * @param name how reports name it (its path below the vector directory)
     */
    public static VectorFile read(Path file, String name) throws IOException, CodecException {
        PlaceholderMarks marks = new PlaceholderMarks();
        List<TtlvItem> messages;
        try {
            messages = new KmipXml().readAll(Files.readString(file), marks);
        } catch (CodecException e) {
            throw new CodecException(name + ": " + e.getMessage());
        }
        List<TtlvItem> requests = new ArrayList<>();
        List<TtlvItem> responses = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            TtlvItem m = messages.get(i);
            int wanted = i % 2 == 0 ? Tag.REQUEST_MESSAGE : Tag.RESPONSE_MESSAGE;
            if (m.tag() != wanted) {
                throw new CodecException(name + ": message " + (i + 1) + " is " + m.tagHex()
                        + " (expected: requests and responses alternating)");
            }
            (i % 2 == 0 ? requests : responses).add(m);
        }
        if (requests.isEmpty() || requests.size() != responses.size()) {
            throw new CodecException(name + ": " + requests.size() + " requests and " + responses.size()
                    + " responses (expected: as many of each, at least one)");
        }
        return new VectorFile(name, requests, responses, marks, versionOf(requests.get(0), name), profileOf(file));
    }

    private static final Pattern VERSION = Pattern.compile(
            "ProtocolVersionMajor[^>]*value=\"(\\d+)\"[^<]*/>\\s*<ProtocolVersionMinor[^>]*value=\"(\\d+)\"");

    /**
     * The protocol version of a file that cannot be read as a vector, from its first Protocol Version
     * element, so that a version filter still applies to it; 0.0 when none is found.
     */
    static KmipVersion sniffVersion(Path file) {
        try {
            Matcher m = VERSION.matcher(Files.readString(file));
            return m.find() ? new KmipVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)))
                    : new KmipVersion(0, 0);
        } catch (IOException | RuntimeException e) {
            return new KmipVersion(0, 0);
        }
    }

    /** The profile from a file name: "SKFF-M-1-14.xml" is SKFF, "SUITEB_128-M-1-14.xml" SUITEB-128. */
    static String profileOf(Path file) {
        String fileName = file.getFileName().toString();
        Matcher p = PROFILE.matcher(fileName);
        return p.find() ? p.group(1).replace('_', '-') : fileName.replaceFirst("\\.xml$", "");
    }

    private static KmipVersion versionOf(TtlvItem request, String name) throws CodecException {
        try {
            TtlvItem v = request.child(Tag.REQUEST_HEADER).orElseThrow().child(Tag.PROTOCOL_VERSION).orElseThrow();
            return new KmipVersion(v.child(Tag.PROTOCOL_VERSION_MAJOR).orElseThrow().intValue(),
                    v.child(Tag.PROTOCOL_VERSION_MINOR).orElseThrow().intValue());
        } catch (RuntimeException e) {
            throw new CodecException(name + ": the first request has no Protocol Version in its header");
        }
    }

    private void collectLiterals(TtlvItem item, int step) {
        if (item.isStructure()) {
            item.children().forEach(c -> collectLiterals(c, step));
        } else if (marks.nameOf(item).isEmpty()) {
            if (item.type() == ItemType.BYTE_STRING) {
                requestBytes.putIfAbsent(ByteBuffer.wrap(item.bytesValue()), step);
            } else if (item.type() == ItemType.DATE_TIME) {
                requestTimes.putIfAbsent(item.dateTimeValue(), step);
            } else if (item.type() == ItemType.DATE_TIME_EXTENDED) {
                requestTimes.putIfAbsent(Math.floorDiv(item.dateTimeExtendedValue(), 1_000_000L), step);
            } else if (item.tag() == Tag.PADDING_METHOD && item.type() == ItemType.ENUMERATION
                    && (item.enumValue() == PaddingMethod.OAEP.value() || item.enumValue() == PaddingMethod.PSS.value())) {
                randomizedPadding = true;
            }
        }
    }

    public String name() {
        return name;
    }

    public KmipVersion version() {
        return version;
    }

    public String profile() {
        return profile;
    }

    /**
     * Whether the file starts by locating objects, which in the chained test cases (TL-M-3, SASED-M-3) an
     * earlier file of the same profile and version created: such a file must run as the same client as that
     * one.
     */
    public boolean continuesEarlierFile() {
        return requests.get(0).child(Tag.BATCH_ITEM).flatMap(b -> b.child(Tag.OPERATION))
                .filter(o -> o.type() == ItemType.ENUMERATION && o.enumValue() == Operation.LOCATE.value()).isPresent();
    }

    /** The directory, profile and version: the files a chained test case may continue. */
    public String series() {
        int slash = name.lastIndexOf('/');
        return (slash < 0 ? "" : name.substring(0, slash + 1)) + profile + " " + version;
    }

    int steps() {
        return requests.size();
    }

    TtlvItem request(int step) {
        return requests.get(step);
    }

    TtlvItem expectedResponse(int step) {
        return responses.get(step);
    }

    PlaceholderMarks marks() {
        return marks;
    }

    /** Whether these bytes appear as a literal in the requests up to this step: the client chose them. */
    boolean requestsHold(byte[] bytes, int uptoStep) {
        Integer first = requestBytes.get(ByteBuffer.wrap(bytes));
        return first != null && first <= uptoStep;
    }

    /** Whether this time (POSIX seconds) appears as a literal in the requests up to this step. */
    /**
     * Takes on the times the requests of {@code earlier} sent, as if sent before this file's first step: a file
     * that continues an earlier one of its series (TL-M-3 locates what TL-M-2 registered) gets back the dates
     * that file's client set, and those must come back exactly.
     */
    public void inheritRequestTimes(VectorFile earlier) {
        earlier.requestTimes.keySet().forEach(t -> requestTimes.put(t, -1));
    }

    boolean requestsHoldTime(long epochSeconds, int uptoStep) {
        Integer first = requestTimes.get(epochSeconds);
        return first != null && first <= uptoStep;
    }

    /** Whether the file uses OAEP or PSS, whose outputs differ at every run. */
    boolean usesRandomizedPadding() {
        return randomizedPadding;
    }
}
