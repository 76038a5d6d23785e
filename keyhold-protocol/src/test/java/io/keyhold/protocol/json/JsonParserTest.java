package io.keyhold.protocol.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.ttlv.CodecException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonParserTest {
    @Test
    void parse_escapesAndSurrogatePairs_decodeToText() throws CodecException {
        JsonValue v = JsonParser.parse("\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\udd11\"", 4);

        assertThat(v.text()).isEqualTo("a\"\\/\b\f\n\r\t\u00e9\uD83D\uDD11");
    }

    @Test
    void parse_numbersAndLiterals_keepLiteralText() throws CodecException {
        JsonValue v = JsonParser.parse(" [0, -12, 1.5e+3, true, false, null] ", 4);

        assertThat(v.elements()).extracting(JsonValue::text).containsExactly("0", "-12", "1.5e+3", "true", "false", "null");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"a\":1,}|JSON at line 1, column 8: unexpected character '}' (expected: a member name in double quotes)",
            "[1,]|JSON at line 1, column 4: unexpected character ']' (expected: a value)",
            "[01]|JSON at line 1, column 3: leading zero in a number",
            "[1.]|JSON at line 1, column 4: unexpected character ']' in a number (expected: a digit after '.')",
            "\"\\x\"|JSON at line 1, column 3: invalid escape '\\x' in a string",
            "\"\\ud83d\"|JSON at line 1, column 7: lone surrogate escape in a string",
            "{\"a\":1,\"a\":2}|JSON at line 1, column 8: duplicate member \"a\"",
            "['a']|JSON at line 1, column 2: unexpected character ''' (expected: a value)",
            "tru|JSON at line 1, column 1: unexpected character 't' (expected: a value)",
            "// c|JSON at line 1, column 1: unexpected character '/' (expected: a value)",
            "|JSON at line 1, column 1: no JSON value (empty input)",
    })
    void parse_malformed_isRejectedWithPosition(String input, String message) {
        assertThatThrownBy(() -> JsonParser.parse(input == null ? "" : input, 8))
                .isInstanceOf(CodecException.class)
                .hasMessage(message);
    }

    @Test
    void parse_controlCharacterInString_isRejected() {
        assertThatThrownBy(() -> JsonParser.parse("\"a\nb\"", 4))
                .isInstanceOf(CodecException.class)
                .hasMessage("JSON at line 1, column 3: unescaped control character 0x0A in a string");
    }

    @Test
    void parse_positions_countLines() throws CodecException {
        JsonValue v = JsonParser.parse("{\n  \"a\":\n    [1,\n     2]}", 4);

        assertThat(v.get("a").position()).isEqualTo("line 3, column 5");
        assertThat(v.get("a").elements().get(1).position()).isEqualTo("line 4, column 6");
    }
}
