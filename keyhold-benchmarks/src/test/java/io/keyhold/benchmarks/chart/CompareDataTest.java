package io.keyhold.benchmarks.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class CompareDataTest {
    static final String SAMPLE = "{\"title\": \"KMIP ops/s\", \"subtitle\": \"2 cores\", \"rows\": ["
            + "{\"operation\": \"Get\", \"connections\": 1,"
            + " \"pykmip\": {\"op\": \"get\", \"opsPerSecond\": 575.5, \"errors\": 0, \"latencyMs\": {\"p50\": 1.49}},"
            + " \"keyhold\": {\"op\": \"get\", \"opsPerSecond\": 13955.1, \"errors\": 0}},"
            + "{\"operation\": \"Get\", \"connections\": 16, \"pykmip\": null,"
            + " \"keyhold\": {\"opsPerSecond\": 15217.0}},"
            + "{\"operation\": \"Create\", \"connections\": 16, \"pykmip\": {\"opsPerSecond\": 0},"
            + " \"keyhold\": {\"opsPerSecond\": 1488}}]}";

    @Test
    void readsRowsInOrder() {
        CompareData d = CompareData.parse(SAMPLE);

        assertThat(d.title()).isEqualTo("KMIP ops/s");
        assertThat(d.subtitle()).isEqualTo("2 cores");
        assertThat(d.rows()).containsExactly(
                new CompareData.Row("Get", 1, OptionalDouble.of(575.5), OptionalDouble.of(13955.1)),
                new CompareData.Row("Get", 16, OptionalDouble.empty(), OptionalDouble.of(15217.0)),
                new CompareData.Row("Create", 16, OptionalDouble.of(0), OptionalDouble.of(1488)));
    }

    @Test
    void ratioIsKeyholdOverPykmip() {
        CompareData d = CompareData.parse(SAMPLE);

        assertThat(d.rows().get(0).ratio().getAsDouble()).isCloseTo(13955.1 / 575.5, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(d.rows().get(1).ratio()).isEmpty(); // no PyKMIP result
        assertThat(d.rows().get(2).ratio()).isEmpty(); // PyKMIP 0 ops/s
    }

    @Test
    void subtitleIsOptional() {
        CompareData d = CompareData.parse("{\"title\": \"t\", \"rows\": [{\"operation\": \"Get\", \"connections\": 1,"
                + " \"pykmip\": null, \"keyhold\": null}]}");

        assertThat(d.subtitle()).isEmpty();
        assertThat(d.rows()).hasSize(1);
    }

    @Test
    void rejectsInputOfTheWrongShape() {
        String row = "{\"operation\": \"Get\", \"connections\": 1, \"pykmip\": null, \"keyhold\": null}";
        expect("[]", "the document: expected an object");
        expect("{\"rows\": [" + row + "]}", "title: expected a string");
        expect("{\"title\": 1, \"rows\": [" + row + "]}", "title: expected a string");
        expect("{\"title\": \"t\", \"subtitle\": 2, \"rows\": [" + row + "]}", "subtitle: expected a string");
        expect("{\"title\": \"t\"}", "rows: expected an array of rows");
        expect("{\"title\": \"t\", \"rows\": []}", "rows: no rows to draw");
        expect("{\"title\": \"t\", \"rows\": [1]}", "rows[0]: expected an object");
        expect("{\"title\": \"t\", \"rows\": [" + row + ", {\"operation\": \" \", \"connections\": 1}]}",
                "rows[1].operation: empty");
        expect("{\"title\": \"t\", \"rows\": [{\"connections\": 1, \"pykmip\": null, \"keyhold\": null}]}",
                "rows[0].operation: expected a string");
        for (String c : new String[] {"0", "1.5", "-1", "\"1\"", "null", "1e7"}) {
            expect("{\"title\": \"t\", \"rows\": [{\"operation\": \"Get\", \"connections\": " + c
                    + ", \"pykmip\": null, \"keyhold\": null}]}", "rows[0].connections: expected a whole number from 1 to 1000000");
        }
        expect("{\"title\": \"t\", \"rows\": [{\"operation\": \"Get\", \"connections\": 1, \"keyhold\": null}]}",
                "rows[0].pykmip: missing (null when there is no result)");
        expect("{\"title\": \"t\", \"rows\": [{\"operation\": \"Get\", \"connections\": 1, \"pykmip\": null,"
                + " \"keyhold\": 5}]}", "rows[0].keyhold: expected an object");
        for (String ops : new String[] {"-1", "\"5\"", "null"}) {
            expect("{\"title\": \"t\", \"rows\": [{\"operation\": \"Get\", \"connections\": 1, \"pykmip\": null,"
                    + " \"keyhold\": {\"opsPerSecond\": " + ops + "}}]}", "rows[0].keyhold.opsPerSecond: expected a number of 0 or more");
        }
        expect("{\"title\": \"t\", \"rows\": [{\"operation\": \"Get\", \"connections\": 1, \"pykmip\": {},"
                + " \"keyhold\": null}]}", "rows[0].pykmip.opsPerSecond: expected a number of 0 or more");
    }

    @Test
    void rejectsTooManyRows() {
        String row = "{\"operation\": \"Get\", \"connections\": 1, \"pykmip\": null, \"keyhold\": null}";
        String rows = String.join(",", java.util.Collections.nCopies(CompareData.MAX_ROWS + 1, row));

        expect("{\"title\": \"t\", \"rows\": [" + rows + "]}", "rows: 65 rows (at most 64)");
    }

    @Test
    void rejectsMalformedJson() {
        assertThatThrownBy(() -> CompareData.parse("{\"title\": \"t\", \"rows\": [}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("JSON offset 24: ");
    }

    private static void expect(String json, String message) {
        assertThatThrownBy(() -> CompareData.parse(json)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }
}
