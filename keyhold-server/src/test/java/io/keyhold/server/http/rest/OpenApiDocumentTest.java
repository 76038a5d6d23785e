package io.keyhold.server.http.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.server.dispatch.RequestProcessor;
import io.keyhold.server.dispatch.RequestContext;
import io.keyhold.server.http.HttpRoutes;
import io.keyhold.server.http.Router;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document against the router: every /v1 route is described and every described operation is a
 * route (the document itself aside), fragments merge without overwriting one another, and every $ref resolves.
 */
class OpenApiDocumentTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final RequestProcessor NO_PROCESSOR = new RequestProcessor() {
        @Override
        public byte[] process(byte[] request, RequestContext context) {
            throw new UnsupportedOperationException();
        }

        @Override
        public byte[] failure(ResultReason reason, String message) {
            throw new UnsupportedOperationException();
        }
    };

    @Test
    void describedOperations_areExactlyTheV1Routes() {
        Router router = HttpRoutes.standard(NO_PROCESSOR, null, null, false, RestAdminOpenApiTest.admin());
        Set<String> routes = new TreeSet<>();
        for (Router.Entry e : router.entries()) {
            if (e.pattern().startsWith("/v1/") && !e.pattern().equals(OpenApiDocument.PATH)) {
                routes.add(e.method() + " " + e.pattern());
            }
        }
        Set<String> described = new TreeSet<>(OpenApiDocument.operations(OpenApiDocument.load()));
        described.remove("GET " + OpenApiDocument.PATH);
        assertThat(routes).contains("GET /v1/objects/{id}", "POST /v1/crypto/encrypt", "GET /v1/audit", "GET /v1/status");
        assertThat(described).as("described but not routed").isSubsetOf(routes);
        assertThat(routes).as("routed but not described").isSubsetOf(described);
    }

    @Test
    void theDocumentIsServedOpenToAnyone() {
        Router router = HttpRoutes.standard(NO_PROCESSOR, null, null, false);
        Router.Match m = router.match("GET", OpenApiDocument.PATH);
        assertThat(m).isInstanceOf(Router.Found.class);
        assertThat(((Router.Found) m).entry().access()).isEqualTo(Router.Access.PUBLIC);
    }

    @Test
    void everyReference_resolves() {
        ObjectNode doc = OpenApiDocument.load();
        assertThat(doc.get("openapi").asText()).isEqualTo("3.0.3");
        assertThat(OpenApiDocument.fragments()).contains("objects.json", "crypto.json");
        checkRefs(doc, doc);
    }

    private static void checkRefs(JsonNode root, JsonNode node) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                if (f.getKey().equals("$ref")) {
                    String ref = f.getValue().asText();
                    assertThat(ref).startsWith("#/");
                    assertThat(root.at(ref.substring(1)).isMissingNode()).as("unresolved " + ref).isFalse();
                } else {
                    checkRefs(root, f.getValue());
                }
            }
        } else if (node.isArray()) {
            for (JsonNode e : node) {
                checkRefs(root, e);
            }
        }
    }

    @Test
    void merging_refusesTheSameOperationTwice_andConflictingComponents() throws Exception {
        ObjectNode doc = (ObjectNode) JSON.readTree("{\"paths\":{},\"components\":{}}");
        OpenApiDocument.merge(doc, "a.json", JSON.readTree(
                "{\"paths\":{\"/v1/x\":{\"get\":{}}},\"components\":{\"schemas\":{\"X\":{\"type\":\"string\"}}}}"));
        OpenApiDocument.merge(doc, "b.json", JSON.readTree(
                "{\"paths\":{\"/v1/x\":{\"post\":{}}},\"components\":{\"schemas\":{\"X\":{\"type\":\"string\"}}}}"));
        assertThat(OpenApiDocument.operations(doc)).containsExactly("GET /v1/x", "POST /v1/x");
        assertThatThrownBy(() -> OpenApiDocument.merge(doc, "c.json", JSON.readTree("{\"paths\":{\"/v1/x\":{\"get\":{}}}}")))
                .hasMessageContaining("c.json").hasMessageContaining("GET /v1/x");
        assertThatThrownBy(() -> OpenApiDocument.merge(doc, "d.json",
                JSON.readTree("{\"components\":{\"schemas\":{\"X\":{\"type\":\"integer\"}}}}")))
                .hasMessageContaining("d.json").hasMessageContaining("schemas.X");
    }
}
