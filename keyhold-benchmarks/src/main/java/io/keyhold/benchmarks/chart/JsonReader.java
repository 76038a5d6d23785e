package io.keyhold.benchmarks.chart;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader (RFC 8259) for the chart's input: one value and only white space after it.
 * Objects become {@code Map<String, Object>} (member order kept, duplicate names rejected), arrays
 * {@code List<Object>}, strings {@code String}, numbers {@code Double}, {@code true}/{@code false}
 * {@code Boolean} and {@code null} {@code null}. Rejections are {@link IllegalArgumentException}s naming the
 * offset. Nesting is limited to {@value #MAX_NESTING} levels.
 */
final class JsonReader {
    static final int MAX_NESTING = 32;

    private final String in;
    private int pos;

    private JsonReader(String in) {
        this.in = in;
    }

    /** Parses a whole document. */
    static Object parse(String json) {
        JsonReader r = new JsonReader(json);
        r.skipWhiteSpace();
        if (r.pos >= json.length()) {
            throw r.error("no JSON value (empty input)");
        }
        Object v = r.value(1);
        r.skipWhiteSpace();
        if (r.pos < json.length()) {
            throw r.error("unexpected '" + json.charAt(r.pos) + "' after the JSON value");
        }
        return v;
    }

    private Object value(int nesting) {
        if (pos >= in.length()) {
            throw error("unexpected end of input (expected: a value)");
        }
        char ch = in.charAt(pos);
        switch (ch) {
            case '{':
                return object(nesting);
            case '[':
                return array(nesting);
            case '"':
                return string();
            case 't':
                literal("true");
                return Boolean.TRUE;
            case 'f':
                literal("false");
                return Boolean.FALSE;
            case 'n':
                literal("null");
                return null;
            default:
                if (ch == '-' || (ch >= '0' && ch <= '9')) {
                    return number();
                }
                throw error("unexpected '" + ch + "' (expected: a value)");
        }
    }

    private Map<String, Object> object(int nesting) {
        checkNesting(nesting);
        pos++;
        Map<String, Object> members = new LinkedHashMap<>();
        skipWhiteSpace();
        if (peek() == '}') {
            pos++;
            return Collections.unmodifiableMap(members);
        }
        while (true) {
            skipWhiteSpace();
            if (peek() != '"') {
                throw error("expected a member name in double quotes");
            }
            int at = pos;
            String name = string();
            if (members.containsKey(name)) {
                pos = at;
                throw error("duplicate member \"" + name + "\"");
            }
            skipWhiteSpace();
            expect(':');
            skipWhiteSpace();
            members.put(name, value(nesting + 1));
            skipWhiteSpace();
            char c = peek();
            pos++;
            if (c == '}') {
                return Collections.unmodifiableMap(members);
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or '}' in an object");
            }
        }
    }

    private List<Object> array(int nesting) {
        checkNesting(nesting);
        pos++;
        List<Object> items = new ArrayList<>();
        skipWhiteSpace();
        if (peek() == ']') {
            pos++;
            return Collections.unmodifiableList(items);
        }
        while (true) {
            skipWhiteSpace();
            items.add(value(nesting + 1));
            skipWhiteSpace();
            char c = peek();
            pos++;
            if (c == ']') {
                return Collections.unmodifiableList(items);
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or ']' in an array");
            }
        }
    }

    private String string() {
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= in.length()) {
                throw error("unterminated string");
            }
            char c = in.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                pos--;
                throw error("unescaped control character in a string");
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= in.length()) {
                throw error("unterminated escape");
            }
            char e = in.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (pos + 4 > in.length()) {
                        throw error("truncated \\u escape");
                    }
                    int cp = 0;
                    for (int i = 0; i < 4; i++) {
                        int d = Character.digit(in.charAt(pos + i), 16);
                        if (d < 0) {
                            throw error("bad hex digit in a \\u escape");
                        }
                        cp = cp * 16 + d;
                    }
                    pos += 4;
                    sb.append((char) cp);
                }
                default -> {
                    pos--;
                    throw error("bad escape '\\" + e + "'");
                }
            }
        }
    }

    private Double number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (isDigit(peek())) {
            digits();
        } else {
            throw error("expected a digit");
        }
        if (peek() == '.') {
            pos++;
            if (!isDigit(peek())) {
                throw error("expected a digit after '.'");
            }
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!isDigit(peek())) {
                throw error("expected a digit in the exponent");
            }
            digits();
        }
        if (isDigit(peek())) {
            throw error("leading zero in a number");
        }
        return Double.valueOf(in.substring(start, pos));
    }

    private void digits() {
        while (isDigit(peek())) {
            pos++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private void literal(String word) {
        if (!in.startsWith(word, pos)) {
            throw error("unexpected '" + in.charAt(pos) + "' (expected: a value)");
        }
        pos += word.length();
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    /** The current character, or U+0000 at the end of the input (never valid where a token is expected). */
    private char peek() {
        return pos < in.length() ? in.charAt(pos) : '\0';
    }

    private void skipWhiteSpace() {
        while (pos < in.length()) {
            char c = in.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private void checkNesting(int nesting) {
        if (nesting > MAX_NESTING) {
            throw error("nesting deeper than " + MAX_NESTING + " levels");
        }
    }

    private IllegalArgumentException error(String message) {
        return new IllegalArgumentException("JSON offset " + pos + ": " + message);
    }
}
