package io.keyhold.benchmarks.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonReaderTest {
    @Test
    void readsEveryKindOfValue() {
        Object v = JsonReader.parse(" {\"a\": [1, -2.5e2, 0.125, true, false, null], \"b\": \"x\\u00e9\\n\\\"\", "
                + "\"c\": {}} ");

        assertThat(v).isEqualTo(Map.of("a", Arrays.asList(1.0, -250.0, 0.125, true, false, null),
                "b", "x\u00e9\n\"", "c", Map.of()));
    }

    @Test
    void keepsMemberOrder() {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) JsonReader.parse("{\"z\":1,\"a\":2,\"m\":3}");

        assertThat(m.keySet()).containsExactly("z", "a", "m");
    }

    @Test
    void readsAKeyholdBenchLine() {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) JsonReader.parse("{\"op\":\"get\",\"connections\":16,"
                + "\"durationSeconds\":20,\"requestLimit\":null,\"opsPerSecond\":575.55,"
                + "\"latencyMs\":{\"p50\":1.491,\"p99\":null}}");

        assertThat(m.get("opsPerSecond")).isEqualTo(575.55);
        assertThat(m.get("requestLimit")).isNull();
        @SuppressWarnings("unchecked")
        Map<String, Object> latency = (Map<String, Object>) m.get("latencyMs");
        assertThat(latency).containsEntry("p50", 1.491).containsEntry("p99", null).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "01", "1.", "-", "1e",
            "\"abc", "\"a\\x\"", "\"\\u12G4\"", "tru", "nul", "[1 2]", "{} {}", "'a'", "{\"a\":1,\"a\":2}",
            "\"tab\there\""})
    void rejectsMalformedJson(String json) {
        assertThatThrownBy(() -> JsonReader.parse(json)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("JSON offset ");
    }

    @Test
    void namesTheOffsetAndTheProblem() {
        assertThatThrownBy(() -> JsonReader.parse("{\"a\":1,\"a\":2}"))
                .hasMessage("JSON offset 7: duplicate member \"a\"");
        assertThatThrownBy(() -> JsonReader.parse("[1 2]")).hasMessage("JSON offset 3: expected ',' or ']' in an array");
        assertThatThrownBy(() -> JsonReader.parse("1 x")).hasMessage("JSON offset 2: unexpected 'x' after the JSON value");
    }

    @Test
    void limitsNesting() {
        String ok = "[".repeat(JsonReader.MAX_NESTING) + "]".repeat(JsonReader.MAX_NESTING);
        String deep = "[".repeat(JsonReader.MAX_NESTING + 1) + "]".repeat(JsonReader.MAX_NESTING + 1);

        assertThat(JsonReader.parse(ok)).isInstanceOf(List.class);
        assertThatThrownBy(() -> JsonReader.parse(deep))
                .hasMessage("JSON offset " + JsonReader.MAX_NESTING + ": nesting deeper than 32 levels");
    }
}
