package io.keyhold.protocol.json;

import io.keyhold.protocol.ttlv.CodecException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON parser (RFC 8259): one value and nothing but white space after it; no comments, trailing
 * commas, single quotes, leading zeros, unescaped control characters, lone surrogates or duplicate member
 * names; nesting limited. Every rejection is a {@link CodecException} giving the line and column.
 */
final class JsonParser {
    private final String in;
    private final int maxNesting;
    private int pos;
    private int line = 1;
    private int lineStart;

    private JsonParser(String in, int maxNesting) {
        this.in = in;
        this.maxNesting = maxNesting;
    }

    /** Parses a whole document. */
    static JsonValue parse(String json, int maxNesting) throws CodecException {
        JsonParser p = new JsonParser(json, maxNesting);
        p.skipWhiteSpace();
        if (p.pos >= json.length()) {
            throw p.error("no JSON value (empty input)");
        }
        JsonValue v = p.value(1);
        p.skipWhiteSpace();
        if (p.pos < json.length()) {
            throw p.error("unexpected " + p.describeCurrent() + " after the JSON value");
        }
        return v;
    }

    private JsonValue value(int nesting) throws CodecException {
        if (pos >= in.length()) {
            throw error("unexpected end of input (expected: a value)");
        }
        int l = line;
        int c = column();
        char ch = in.charAt(pos);
        switch (ch) {
            case '{':
                return object(nesting, l, c);
            case '[':
                return array(nesting, l, c);
            case '"':
                return new JsonValue(JsonValue.Kind.STRING, string(), null, null, l, c);
            case 't':
                literal("true");
                return new JsonValue(JsonValue.Kind.TRUE, "true", null, null, l, c);
            case 'f':
                literal("false");
                return new JsonValue(JsonValue.Kind.FALSE, "false", null, null, l, c);
            case 'n':
                literal("null");
                return new JsonValue(JsonValue.Kind.NULL, "null", null, null, l, c);
            default:
                if (ch == '-' || (ch >= '0' && ch <= '9')) {
                    return new JsonValue(JsonValue.Kind.NUMBER, number(), null, null, l, c);
                }
                throw error("unexpected " + describeCurrent() + " (expected: a value)");
        }
    }

    private JsonValue object(int nesting, int l, int c) throws CodecException {
        checkNesting(nesting);
        pos++;
        Map<String, JsonValue> members = new LinkedHashMap<>();
        skipWhiteSpace();
        if (peek() == '}') {
            pos++;
            return new JsonValue(JsonValue.Kind.OBJECT, null, null, Collections.unmodifiableMap(members), l, c);
        }
        while (true) {
            skipWhiteSpace();
            if (peek() != '"') {
                throw error("unexpected " + describeCurrent() + " (expected: a member name in double quotes)");
            }
            int nameLine = line;
            int nameColumn = column();
            String name = string();
            if (members.containsKey(name)) {
                throw new CodecException("JSON at line " + nameLine + ", column " + nameColumn + ": duplicate member \"" + name + "\"");
            }
            skipWhiteSpace();
            expect(':');
            skipWhiteSpace();
            members.put(name, value(nesting + 1));
            skipWhiteSpace();
            char ch = peek();
            if (ch == ',') {
                pos++;
            } else if (ch == '}') {
                pos++;
                return new JsonValue(JsonValue.Kind.OBJECT, null, null, Collections.unmodifiableMap(members), l, c);
            } else {
                throw error("unexpected " + describeCurrent() + " (expected: ',' or '}')");
            }
        }
    }

    private JsonValue array(int nesting, int l, int c) throws CodecException {
        checkNesting(nesting);
        pos++;
        List<JsonValue> elements = new ArrayList<>();
        skipWhiteSpace();
        if (peek() == ']') {
            pos++;
            return new JsonValue(JsonValue.Kind.ARRAY, null, Collections.unmodifiableList(elements), null, l, c);
        }
        while (true) {
            skipWhiteSpace();
            elements.add(value(nesting + 1));
            skipWhiteSpace();
            char ch = peek();
            if (ch == ',') {
                pos++;
            } else if (ch == ']') {
                pos++;
                return new JsonValue(JsonValue.Kind.ARRAY, null, Collections.unmodifiableList(elements), null, l, c);
            } else {
                throw error("unexpected " + describeCurrent() + " (expected: ',' or ']')");
            }
        }
    }

    private void checkNesting(int nesting) throws CodecException {
        if (nesting > maxNesting) {
            throw error("nesting depth " + nesting + " (expected: <= " + maxNesting + ")");
        }
    }

    private String string() throws CodecException {
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= in.length()) {
                throw error("unexpected end of input in a string");
            }
            char ch = in.charAt(pos);
            if (ch == '"') {
                pos++;
                return sb.toString();
            }
            if (ch < 0x20) {
                throw error("unescaped control character 0x" + String.format("%02X", (int) ch) + " in a string");
            }
            if (ch != '\\') {
                if (Character.isSurrogate(ch)) {
                    if (Character.isHighSurrogate(ch) && pos + 1 < in.length() && Character.isLowSurrogate(in.charAt(pos + 1))) {
                        sb.append(ch).append(in.charAt(pos + 1));
                        pos += 2;
                        continue;
                    }
                    throw error("lone surrogate in a string");
                }
                sb.append(ch);
                pos++;
                continue;
            }
            pos++;
            if (pos >= in.length()) {
                throw error("unexpected end of input in a string escape");
            }
            char e = in.charAt(pos);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    char u = unicodeEscape();
                    if (Character.isHighSurrogate(u)) {
                        if (!in.startsWith("\\u", pos + 1)) {
                            throw error("lone surrogate escape in a string");
                        }
                        pos += 2;
                        char low = unicodeEscape();
                        if (!Character.isLowSurrogate(low)) {
                            throw error("lone surrogate escape in a string");
                        }
                        sb.append(u).append(low);
                    } else if (Character.isLowSurrogate(u)) {
                        throw error("lone surrogate escape in a string");
                    } else {
                        sb.append(u);
                    }
                }
                default -> throw error("invalid escape '\\" + printable(e) + "' in a string");
            }
            pos++;
        }
    }

    /** Reads the four hex digits after {@code \\u}; on return {@code pos} is at the last digit. */
    private char unicodeEscape() throws CodecException {
        if (pos + 4 >= in.length()) {
            throw error("unexpected end of input in a \\u escape");
        }
        int v = 0;
        for (int i = 1; i <= 4; i++) {
            int d = Character.digit(in.charAt(pos + i), 16);
            if (d < 0 || in.charAt(pos + i) > 'f') {
                pos += i;
                throw error("invalid hex digit in a \\u escape");
            }
            v = v << 4 | d;
        }
        pos += 4;
        return (char) v;
    }

    private String number() throws CodecException {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
            if (isDigit(peek())) {
                throw error("leading zero in a number");
            }
        } else if (isDigit(peek())) {
            while (isDigit(peek())) {
                pos++;
            }
        } else {
            throw error("unexpected " + describeCurrent() + " in a number (expected: a digit)");
        }
        if (peek() == '.') {
            pos++;
            if (!isDigit(peek())) {
                throw error("unexpected " + describeCurrent() + " in a number (expected: a digit after '.')");
            }
            while (isDigit(peek())) {
                pos++;
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!isDigit(peek())) {
                throw error("unexpected " + describeCurrent() + " in a number (expected: an exponent digit)");
            }
            while (isDigit(peek())) {
                pos++;
            }
        }
        return in.substring(start, pos);
    }

    private void literal(String word) throws CodecException {
        if (!in.startsWith(word, pos)) {
            throw error("unexpected " + describeCurrent() + " (expected: a value)");
        }
        pos += word.length();
    }

    private void expect(char c) throws CodecException {
        if (peek() != c) {
            throw error("unexpected " + describeCurrent() + " (expected: '" + c + "')");
        }
        pos++;
    }

    private void skipWhiteSpace() {
        while (pos < in.length()) {
            char c = in.charAt(pos);
            if (c == '\n') {
                line++;
                lineStart = pos + 1;
            } else if (c != ' ' && c != '\t' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    /** The current character, or 0 at the end of input. */
    private char peek() {
        return pos < in.length() ? in.charAt(pos) : 0;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private int column() {
        return pos - lineStart + 1;
    }

    private String describeCurrent() {
        return pos >= in.length() ? "end of input" : "character '" + printable(in.charAt(pos)) + "'";
    }

    private static String printable(char c) {
        return c < 0x20 || c == 0x7F ? String.format("\\u%04X", (int) c) : String.valueOf(c);
    }

    private CodecException error(String what) {
        return new CodecException("JSON at line " + line + ", column " + column() + ": " + what, pos);
    }
}
