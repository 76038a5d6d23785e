package io.keyhold.server.http.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keyhold.protocol.spec.EnumerationDefinition;
import io.keyhold.protocol.spec.EnumerationValue;
import io.keyhold.protocol.spec.SpecTable;
import io.keyhold.server.http.HttpCall;
import io.keyhold.server.http.HttpProblem;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The JSON object of a REST request body, read field by field: a missing or mistyped field is a 400 problem
 * that names the field. Binary fields are base64 (standard alphabet, URL-safe accepted); enumerations are
 * named as the KMIP specification spells them ("AES", "Symmetric Key"; the normalized "SymmetricKey" and any
 * letter case are accepted). Problems never repeat a binary value or free text the caller sent.
 */
final class JsonBody {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final SpecTable SPEC = SpecTable.get();

    private final ObjectNode node;

    private JsonBody(ObjectNode node) {
        this.node = node;
    }

    /** The request's body as a JSON object; an empty body is an empty object when {@code emptyAllowed}. */
    static JsonBody of(HttpCall call, boolean emptyAllowed) {
        if (call.body().length == 0 || call.bodyText().isBlank()) {
            if (emptyAllowed) {
                return new JsonBody(MAPPER.createObjectNode());
            }
            throw HttpProblem.badRequest("the request needs a JSON object as its body");
        }
        JsonNode parsed;
        try {
            parsed = MAPPER.readTree(call.body());
        } catch (JsonProcessingException e) {
            Object where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")";
            throw HttpProblem.badRequest("the body is not valid JSON" + where);
        } catch (java.io.IOException e) {
            throw HttpProblem.badRequest("the body cannot be read as JSON");
        }
        if (parsed == null || !parsed.isObject()) {
            throw HttpProblem.badRequest("the body must be a JSON object");
        }
        return new JsonBody((ObjectNode) parsed);
    }

    boolean has(String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    JsonNode node(String field) {
        return node.get(field);
    }

    String text(String field) {
        return optionalText(field).orElseThrow(() -> missing(field, "a string"));
    }

    Optional<String> optionalText(String field) {
        if (!has(field)) {
            return Optional.empty();
        }
        JsonNode v = node.get(field);
        if (!v.isTextual()) {
            throw wrongType(field, "a string");
        }
        return Optional.of(v.textValue());
    }

    Optional<Integer> optionalInt(String field) {
        if (!has(field)) {
            return Optional.empty();
        }
        JsonNode v = node.get(field);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw wrongType(field, "an integer");
        }
        return Optional.of(v.intValue());
    }

    boolean flag(String field, boolean absent) {
        if (!has(field)) {
            return absent;
        }
        JsonNode v = node.get(field);
        if (!v.isBoolean()) {
            throw wrongType(field, "true or false");
        }
        return v.booleanValue();
    }

    byte[] bytes(String field) {
        return optionalBytes(field).orElseThrow(() -> missing(field, "base64 text"));
    }

    Optional<byte[]> optionalBytes(String field) {
        if (!has(field)) {
            return Optional.empty();
        }
        JsonNode v = node.get(field);
        if (!v.isTextual()) {
            throw wrongType(field, "base64 text");
        }
        return Optional.of(base64(field, v.textValue()));
    }

    /** A list of strings; a single string is a list of one. */
    List<String> texts(String field) {
        if (!has(field)) {
            return List.of();
        }
        JsonNode v = node.get(field);
        List<String> out = new ArrayList<>();
        if (v.isTextual()) {
            out.add(v.textValue());
            return out;
        }
        if (!v.isArray()) {
            throw wrongType(field, "an array of strings");
        }
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw wrongType(field, "an array of strings");
            }
            out.add(e.textValue());
        }
        return out;
    }

    Optional<Instant> optionalInstant(String field) {
        return optionalText(field).map(t -> {
            try {
                return Instant.parse(t);
            } catch (DateTimeParseException e) {
                throw HttpProblem.badRequest("field " + field + " must be an ISO-8601 instant such as "
                        + "2026-01-31T12:00:00Z");
            }
        });
    }

    /** The value of the KMIP enumeration the field names. */
    int enumeration(String field, String enumeration) {
        return optionalEnumeration(field, enumeration).orElseThrow(() -> missing(field, "a " + enumeration));
    }

    Optional<Integer> optionalEnumeration(String field, String enumeration) {
        return optionalText(field).map(name -> enumValue(field, enumeration, name));
    }

    /** The value of the named KMIP enumeration value ("AES" of Cryptographic Algorithm). */
    static int enumValue(String field, String enumeration, String name) {
        EnumerationDefinition def = SPEC.enumeration(enumeration)
                .orElseThrow(() -> new IllegalStateException("the spec table has no enumeration " + enumeration));
        return lookup(def, name).map(EnumerationValue::value).orElseThrow(() -> HttpProblem.badRequest("field "
                + field + ": '" + printable(name) + "' is not a " + enumeration + " (for example "
                + examples(def) + ")"));
    }

    static Optional<EnumerationValue> lookup(EnumerationDefinition def, String name) {
        Optional<EnumerationValue> exact = def.byName(name);
        if (exact.isPresent()) {
            return exact;
        }
        String wanted = name.toLowerCase(Locale.ROOT);
        for (EnumerationValue v : def.values()) {
            if (v.name().toLowerCase(Locale.ROOT).equals(wanted) || v.normalizedName().toLowerCase(Locale.ROOT).equals(wanted)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    private static String examples(EnumerationDefinition def) {
        List<String> names = new ArrayList<>();
        for (EnumerationValue v : def.values()) {
            if (names.size() == 4) {
                break;
            }
            if (!names.contains(v.name())) {
                names.add(v.name());
            }
        }
        return String.join(", ", names);
    }

    static byte[] base64(String field, String text) {
        String compact = text.replaceAll("\\s+", "");
        try {
            return compact.indexOf('-') >= 0 || compact.indexOf('_') >= 0
                    ? Base64.getUrlDecoder().decode(compact) : Base64.getDecoder().decode(compact);
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest("field " + field + " is not valid base64");
        }
    }

    /** A caller's short text fit for a problem detail: at most 40 characters, no control characters. */
    static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return cut.replaceAll("[\\p{Cntrl}]", "?");
    }

    static HttpProblem missing(String field, String what) {
        return HttpProblem.badRequest("field " + field + " is missing (expected: " + what + ")");
    }

    static HttpProblem wrongType(String field, String what) {
        return HttpProblem.badRequest("field " + field + " must be " + what);
    }
}
