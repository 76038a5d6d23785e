package io.keyhold.cli;

import io.keyhold.protocol.json.KmipJson;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.protocol.xml.KmipXml;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The encodings {@code keyhold ttlv} converts between. Each reads every message in its input, in order,
 * and writes a list of messages:
 * <ul>
 * <li>{@code ttlv}: binary TTLV, messages back to back (each cut by the length in its 8-byte header);
 * <li>{@code hex}: TTLV as hex digits in either case; whitespace and the '|' separators of the
 *     specification's examples ("42 00 20 | 02 | 00 00 00 04 | ...") are ignored; written in upper case,
 *     one message per line;
 * <li>{@code xml}: KMIP XML, one message or a root element holding several; written one after another;
 * <li>{@code json}: KMIP JSON, one object or an array of them; several are written as an array.
 * </ul>
 */
enum MessageFormat {
    TTLV {
        @Override
        List<TtlvItem> read(byte[] input) throws CodecException {
            return decodeAll(input);
        }

        @Override
        byte[] write(List<TtlvItem> messages) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TtlvEncoder encoder = new TtlvEncoder();
            for (TtlvItem m : messages) {
                out.writeBytes(encoder.encode(m));
            }
            return out.toByteArray();
        }
    },
    HEX {
        @Override
        List<TtlvItem> read(byte[] input) throws CodecException {
            return decodeAll(parseHex(text(input)));
        }

        @Override
        byte[] write(List<TtlvItem> messages) {
            HexFormat hex = HexFormat.of().withUpperCase();
            TtlvEncoder encoder = new TtlvEncoder();
            StringBuilder sb = new StringBuilder();
            for (TtlvItem m : messages) {
                sb.append(hex.formatHex(encoder.encode(m))).append('\n');
            }
            return sb.toString().getBytes(StandardCharsets.US_ASCII);
        }
    },
    XML {
        @Override
        List<TtlvItem> read(byte[] input) throws CodecException {
            return new KmipXml().readAll(text(input), new VectorTimePlaceholders(Instant.now()));
        }

        @Override
        byte[] write(List<TtlvItem> messages) {
            KmipXml xml = new KmipXml();
            StringBuilder sb = new StringBuilder();
            for (TtlvItem m : messages) {
                appendLine(sb, xml.write(m));
            }
            return sb.toString().getBytes(StandardCharsets.UTF_8);
        }
    },
    JSON {
        @Override
        List<TtlvItem> read(byte[] input) throws CodecException {
            return new KmipJson().readAll(text(input), new VectorTimePlaceholders(Instant.now()));
        }

        @Override
        byte[] write(List<TtlvItem> messages) {
            KmipJson json = new KmipJson();
            StringBuilder sb = new StringBuilder();
            if (messages.size() == 1) {
                appendLine(sb, json.write(messages.get(0)));
            } else {
                sb.append("[\n");
                for (int i = 0; i < messages.size(); i++) {
                    sb.append(json.write(messages.get(i)).strip()).append(i + 1 < messages.size() ? ",\n" : "\n");
                }
                sb.append("]\n");
            }
            return sb.toString().getBytes(StandardCharsets.UTF_8);
        }
    };

    private static final TtlvDecoder DECODER = new TtlvDecoder();

    /** Every message in the input, in order; never empty. */
    abstract List<TtlvItem> read(byte[] input) throws CodecException;

    /** The messages in this encoding; text encodings end with a line break. */
    abstract byte[] write(List<TtlvItem> messages);

    /** The name on the command line: "ttlv", "hex", "xml", "json". */
    String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The format named {@code name}, in any case. */
    static Optional<MessageFormat> fromCliName(String name) {
        for (MessageFormat f : values()) {
            if (f.cliName().equalsIgnoreCase(name)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /**
     * Decodes binary TTLV holding one or more whole messages back to back. Errors in a message after
     * the first name the message and the input offset where it starts; offsets in the decoder's own
     * text then count from that start.
     */
    static List<TtlvItem> decodeAll(byte[] input) throws CodecException {
        if (input.length == 0) {
            throw new CodecException("input is empty (expected: at least one TTLV message)", 0);
        }
        List<TtlvItem> messages = new ArrayList<>();
        int offset = 0;
        while (offset < input.length) {
            int remaining = input.length - offset;
            String which = "message " + (messages.size() + 1) + " at input offset " + offset;
            if (remaining < 8) {
                throw new CodecException(which + ": truncated header: " + remaining
                        + " bytes left (expected: 8)", offset);
            }
            int length = (int) Math.min(TtlvDecoder.messageLength(input, offset), remaining);
            try {
                messages.add(DECODER.decode(input, offset, length));
            } catch (CodecException e) {
                String text = offset == 0 ? e.getMessage() : which + ": " + e.getMessage();
                throw new CodecException(text, offset + Math.max(e.offset(), 0));
            }
            offset += length;
        }
        return messages;
    }

    /** Hex digits to bytes, skipping whitespace and '|'. */
    static byte[] parseHex(String text) throws CodecException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() / 2);
        int high = -1;
        int digits = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || c == '|') {
                continue;
            }
            int d = Character.digit(c, 16);
            if (d < 0 || c > 'f') {
                throw new CodecException("hex input: character " + describe(c) + " at offset " + i
                        + " is not a hex digit", i);
            }
            digits++;
            if (high < 0) {
                high = d;
            } else {
                out.write(high << 4 | d);
                high = -1;
            }
        }
        if (high >= 0) {
            throw new CodecException("hex input: odd number of hex digits (" + digits + "); the last byte is incomplete");
        }
        return out.toByteArray();
    }

    /** Input bytes as UTF-8 text, rejecting malformed bytes (binary TTLV given as text, say). */
    static String text(byte[] input) throws CodecException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(input))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new CodecException("input is not UTF-8 text (binary TTLV needs --from ttlv)");
        }
    }

    private static void appendLine(StringBuilder sb, String text) {
        sb.append(text);
        if (!text.endsWith("\n")) {
            sb.append('\n');
        }
    }

    private static String describe(char c) {
        return c >= 0x20 && c < 0x7F ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }
}
