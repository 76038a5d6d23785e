package io.keyhold.server.http.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keyhold.server.http.HttpAnswer;
import io.keyhold.server.http.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The OpenAPI 3.0 description of the REST API, served at {@code GET /v1/openapi.json} to anyone. It is
 * assembled once, at start-up, from classpath resources under {@value #DIRECTORY}: {@code base.json} (info,
 * servers, security, shared components) and the fragments {@code fragments.txt} lists, one file name a line
 * (a classpath directory cannot be listed reliably inside a jar). Each fragment holds {@code paths} and
 * {@code components} of its own; {@code tags} are appended. Two fragments describing the same method on the same
 * path, or the same component differently, stop the server at start with the names of both.
 */
public final class OpenApiDocument {
    /** Where the base document and the fragments are, on the classpath. */
    public static final String DIRECTORY = "io/keyhold/server/http/openapi/";
    /** The path the document is served at. */
    public static final String PATH = "/v1/openapi.json";
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    private OpenApiDocument() {}

    /** Adds {@code GET /v1/openapi.json} (open to anyone), assembling the document now. */
    public static void register(Router router) {
        byte[] document;
        try {
            document = JsonBody.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(load());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the OpenAPI document cannot be written", e);
        }
        router.get(PATH, Router.Access.PUBLIC, call -> HttpAnswer.bytes(200, "application/json", document));
    }

    /** The merged document from the classpath. */
    public static ObjectNode load() {
        ObjectNode base = (ObjectNode) read("base.json");
        for (String name : fragments()) {
            merge(base, name, read(name));
        }
        return base;
    }

    /** Adds the fragment's paths, components and tags to the document. */
    static void merge(ObjectNode document, String fragmentName, JsonNode fragment) {
        if (!fragment.isObject()) {
            throw new IllegalStateException("OpenAPI fragment " + fragmentName + " is not a JSON object");
        }
        ObjectNode paths = object(document, "paths");
        Iterator<Map.Entry<String, JsonNode>> ps = fragment.path("paths").fields();
        while (ps.hasNext()) {
            Map.Entry<String, JsonNode> p = ps.next();
            ObjectNode into = object(paths, p.getKey());
            Iterator<Map.Entry<String, JsonNode>> ops = p.getValue().fields();
            while (ops.hasNext()) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (into.has(op.getKey())) {
                    throw new IllegalStateException("OpenAPI fragment " + fragmentName + " describes "
                            + op.getKey().toUpperCase(Locale.ROOT) + " " + p.getKey() + " again");
                }
                into.set(op.getKey(), op.getValue());
            }
        }
        Iterator<Map.Entry<String, JsonNode>> kinds = fragment.path("components").fields();
        while (kinds.hasNext()) {
            Map.Entry<String, JsonNode> kind = kinds.next();
            ObjectNode into = object(object(document, "components"), kind.getKey());
            Iterator<Map.Entry<String, JsonNode>> cs = kind.getValue().fields();
            while (cs.hasNext()) {
                Map.Entry<String, JsonNode> c = cs.next();
                JsonNode before = into.get(c.getKey());
                if (before != null && !before.equals(c.getValue())) {
                    throw new IllegalStateException("OpenAPI fragment " + fragmentName + " defines components."
                            + kind.getKey() + "." + c.getKey() + " differently from an earlier one");
                }
                into.set(c.getKey(), c.getValue());
            }
        }
        if (fragment.has("tags")) {
            ArrayNode tags = document.get("tags") instanceof ArrayNode a ? a : document.putArray("tags");
            for (JsonNode t : fragment.get("tags")) {
                tags.add(t);
            }
        }
    }

    /** The member object of that name, added when absent. */
    private static ObjectNode object(ObjectNode parent, String name) {
        JsonNode existing = parent.get(name);
        if (existing instanceof ObjectNode o) {
            return o;
        }
        if (existing != null && !existing.isNull()) {
            throw new IllegalStateException("OpenAPI member " + name + " is not an object");
        }
        return parent.putObject(name);
    }

    /** Every operation the document describes, as "METHOD /path" ("GET /v1/objects/{id}"). */
    public static Set<String> operations(JsonNode document) {
        Set<String> out = new TreeSet<>();
        Iterator<Map.Entry<String, JsonNode>> ps = document.path("paths").fields();
        while (ps.hasNext()) {
            Map.Entry<String, JsonNode> p = ps.next();
            Iterator<String> methods = p.getValue().fieldNames();
            while (methods.hasNext()) {
                String m = methods.next();
                if (METHODS.contains(m)) {
                    out.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey());
                }
            }
        }
        return out;
    }

    /** The fragment files fragments.txt lists, in order. */
    public static List<String> fragments() {
        List<String> out = new ArrayList<>();
        for (String line : new String(resource("fragments.txt"), StandardCharsets.UTF_8).split("\n")) {
            String name = line.strip();
            if (!name.isEmpty() && !name.startsWith("#")) {
                out.add(name);
            }
        }
        return out;
    }

    private static JsonNode read(String name) {
        try {
            return JsonBody.MAPPER.readTree(resource(name));
        } catch (IOException e) {
            throw new IllegalStateException("OpenAPI fragment " + name + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(DIRECTORY + name)) {
            if (in == null) {
                throw new IllegalStateException("the OpenAPI resource " + DIRECTORY + name + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
