package io.keyhold.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP response: status, content type, body and extra headers. Errors are problem documents (RFC 9457):
 * {@code application/problem+json} with {@code type}, {@code title}, {@code status} and a {@code detail} a
 * person can act on; never a stack trace or key material.
 */
public record HttpAnswer(int status, String contentType, byte[] body, Map<String, String> headers) {
    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    public HttpAnswer {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
        headers = Map.copyOf(headers);
    }

    /** A JSON body (records, maps, lists; times as ISO-8601 text). */
    public static HttpAnswer json(int status, Object value) {
        try {
            return new HttpAnswer(status, "application/json", JSON.writeValueAsBytes(value), Map.of());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** 200 with a JSON body. */
    public static HttpAnswer ok(Object value) {
        return json(200, value);
    }

    /** A body of the given type. */
    public static HttpAnswer bytes(int status, String contentType, byte[] body) {
        return new HttpAnswer(status, contentType, body, Map.of());
    }

    /** A UTF-8 text body of the given type. */
    public static HttpAnswer text(int status, String contentType, String body) {
        return new HttpAnswer(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** 204, no body. */
    public static HttpAnswer noContent() {
        return new HttpAnswer(204, "text/plain", new byte[0], Map.of());
    }

    /**
     * A problem document. {@code type} is a short slug under the server's problem namespace
     * ({@code https://keyhold.io/problems/<type>}); {@code title} says what kind of problem it is and
     * {@code detail} what happened this time.
     */
    public static HttpAnswer problem(int status, String type, String title, String detail) {
        return problem(status, type, title, detail, Map.of());
    }

    /** A problem document with extension members (RFC 9457 section 3.2) after the standard ones. */
    public static HttpAnswer problem(int status, String type, String title, String detail,
                                     Map<String, ?> extensions) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("type", "https://keyhold.io/problems/" + type);
        doc.put("title", title);
        doc.put("status", status);
        if (detail != null) {
            doc.put("detail", detail);
        }
        extensions.forEach(doc::putIfAbsent);
        try {
            return new HttpAnswer(status, "application/problem+json", JSON.writeValueAsBytes(doc), Map.of());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same answer with one more header. */
    public HttpAnswer withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new HttpAnswer(status, contentType, body, more);
    }
}
