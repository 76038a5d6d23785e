package io.keyhold.protocol.json;

import java.util.List;
import java.util.Map;

/**
 * One parsed JSON value with the line and column where it starts. Strings hold their decoded text,
 * numbers their literal text (never converted through a double), objects their members in input order.
 */
record JsonValue(Kind kind, String text, List<JsonValue> elements, Map<String, JsonValue> members, int line, int column) {
    enum Kind { OBJECT, ARRAY, STRING, NUMBER, TRUE, FALSE, NULL }

    String position() {
        return "line " + line + ", column " + column;
    }

    /** The member's value, or null. */
    JsonValue get(String name) {
        return members == null ? null : members.get(name);
    }

    /** The kind as a message names it ("an array"). */
    String describe() {
        return switch (kind) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case TRUE, FALSE -> "a boolean";
            case NULL -> "null";
        };
    }
}
