package io.keyhold.benchmarks.chart;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The results {@code benchmarks/compare.sh} collects, as read by {@link CompareChart}: one JSON object
 *
 * <pre>{@code
 * {"title": "...", "subtitle": "...",
 *  "rows": [{"operation": "Get", "connections": 1, "pykmip": {...}, "keyhold": {...}}, ...]}
 * }</pre>
 *
 * where {@code pykmip} and {@code keyhold} are the objects {@code keyhold bench --json} printed for that run
 * (only {@code opsPerSecond} is read; other members are ignored), or {@code null} when the run failed or the
 * server refused it. {@code subtitle} is optional.
 *
 * @param title    the chart's title
 * @param subtitle the line under it; empty when absent
 * @param rows     the bar groups, in order
 */
record CompareData(String title, String subtitle, List<Row> rows) {
    /** Upper bound on rows: the chart has room for a few dozen groups, not thousands. */
    static final int MAX_ROWS = 64;

    CompareData {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(subtitle, "subtitle");
        rows = List.copyOf(rows);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("rows: no rows to draw");
        }
    }

    /**
     * One operation at one connection count against both servers.
     *
     * @param operation   its label, e.g. "Get"
     * @param connections the number of connections, 1 or more
     * @param pykmip      PyKMIP's ops/s, empty when there is no result
     * @param keyhold     Keyhold's ops/s, empty when there is no result
     */
    record Row(String operation, int connections, OptionalDouble pykmip, OptionalDouble keyhold) {
        Row {
            Objects.requireNonNull(operation, "operation");
            Objects.requireNonNull(pykmip, "pykmip");
            Objects.requireNonNull(keyhold, "keyhold");
        }

        /** Keyhold's ops/s over PyKMIP's; empty when either is missing or PyKMIP's is zero. */
        OptionalDouble ratio() {
            if (pykmip.isEmpty() || keyhold.isEmpty() || pykmip.getAsDouble() <= 0) {
                return OptionalDouble.empty();
            }
            return OptionalDouble.of(keyhold.getAsDouble() / pykmip.getAsDouble());
        }
    }

    /**
     * Reads the JSON document described above.
     *
     * @throws IllegalArgumentException when it is not JSON or not of that shape; the message names the member
     */
    static CompareData parse(String json) {
        Object doc = JsonReader.parse(json);
        Map<String, Object> top = object(doc, "the document");
        String title = string(top, "title", "the document", true);
        String subtitle = string(top, "subtitle", "the document", false);
        Object rowsValue = top.get("rows");
        if (!(rowsValue instanceof List<?> list)) {
            throw new IllegalArgumentException("rows: expected an array of rows");
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("rows: no rows to draw");
        }
        if (list.size() > MAX_ROWS) {
            throw new IllegalArgumentException("rows: " + list.size() + " rows (at most " + MAX_ROWS + ")");
        }
        List<Row> rows = new java.util.ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String where = "rows[" + i + "]";
            Map<String, Object> row = object(list.get(i), where);
            String operation = string(row, "operation", where, true);
            if (operation.isBlank()) {
                throw new IllegalArgumentException(where + ".operation: empty");
            }
            Object c = row.get("connections");
            if (!(c instanceof Double d) || d != Math.rint(d) || d < 1 || d > 1_000_000) {
                throw new IllegalArgumentException(where + ".connections: expected a whole number from 1 to 1000000");
            }
            rows.add(new Row(operation, d.intValue(), opsPerSecond(row, "pykmip", where),
                    opsPerSecond(row, "keyhold", where)));
        }
        return new CompareData(title, subtitle == null ? "" : subtitle, rows);
    }

    private static OptionalDouble opsPerSecond(Map<String, Object> row, String server, String where) {
        if (!row.containsKey(server)) {
            throw new IllegalArgumentException(where + "." + server + ": missing (null when there is no result)");
        }
        Object result = row.get(server);
        if (result == null) {
            return OptionalDouble.empty();
        }
        Map<String, Object> r = object(result, where + "." + server);
        Object ops = r.get("opsPerSecond");
        if (!(ops instanceof Double d) || !Double.isFinite(d) || d < 0) {
            throw new IllegalArgumentException(where + "." + server
                    + ".opsPerSecond: expected a number of 0 or more");
        }
        return OptionalDouble.of(d);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object v, String where) {
        if (!(v instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(where + ": expected an object");
        }
        return (Map<String, Object>) v;
    }

    private static String string(Map<String, Object> o, String name, String where, boolean required) {
        Object v = o.get(name);
        if (v == null && !required) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException((where.equals("the document") ? "" : where + ".") + name
                    + ": expected a string");
        }
        return s;
    }
}
