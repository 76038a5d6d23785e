package io.keyhold.server.http.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyhold.server.auth.AccessPolicy;
import io.keyhold.server.http.Router;
import io.keyhold.server.store.memory.InMemoryObjectStore;
import io.keyhold.server.transport.ConnectionRegistry;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI fragment of the administrative routes ({@code io/keyhold/server/http/openapi/admin.json})
 * describes exactly the routes they register, and is listed in {@code fragments.txt}.
 */
class RestAdminOpenApiTest {
    private static final String DIR = "/io/keyhold/server/http/openapi/";

    static RestAdmin admin() {
        InMemoryObjectStore store = new InMemoryObjectStore();
        ConnectionRegistry registry = new ConnectionRegistry();
        RestAdmin.Listeners listeners = new RestAdmin.Listeners() {
            @Override
            public Instant startedAt() {
                return Instant.EPOCH;
            }

            @Override
            public int kmipPort() {
                return 5696;
            }

            @Override
            public ConnectionRegistry kmipConnections() {
                return registry;
            }

            @Override
            public int httpsPort() {
                return 8443;
            }

            @Override
            public int httpsOpenConnections() {
                return 0;
            }
        };
        return new RestAdmin(store, AccessPolicy.DEFAULT, RestAdminAuditLog.records(store::auditRecords), listeners,
                "test", Clock.systemUTC());
    }

    @Test
    void fragmentDescribesExactlyTheRegisteredRoutes() throws Exception {
        RestAdmin admin = admin();
        Router router = new Router();
        new RestAdminGrants(admin).register(router);
        new RestAdminAudit(admin).register(router);
        new RestAdminConnections(admin).register(router);
        new RestAdminStatus(admin).register(router);
        Set<String> registered = new TreeSet<>();
        for (Router.Entry e : router.entries()) {
            registered.add(e.method() + " " + e.pattern());
        }

        JsonNode fragment;
        try (InputStream in = RestAdminOpenApiTest.class.getResourceAsStream(DIR + "admin.json")) {
            assertThat(in).as("admin.json on the class path").isNotNull();
            fragment = new ObjectMapper().readTree(in);
        }
        Set<String> described = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = fragment.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(m -> described.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey()));
        }
        assertThat(described).isEqualTo(registered);

        for (JsonNode ref : fragment.findValues("$ref")) {
            String name = ref.asText().substring("#/components/schemas/".length());
            assertThat(fragment.get("components").get("schemas").has(name)).as(ref.asText()).isTrue();
        }
    }

    @Test
    void rotationPolicySchemaDescribesEveryFieldTheApiAnswers() throws Exception {
        JsonNode fragment;
        try (InputStream in = RestAdminOpenApiTest.class.getResourceAsStream(DIR + "rotation.json")) {
            assertThat(in).as("rotation.json on the class path").isNotNull();
            fragment = new ObjectMapper().readTree(in);
        }
        JsonNode schema = fragment.get("components").get("schemas").get("RotationPolicy");
        Set<String> described = new TreeSet<>();
        schema.get("properties").fieldNames().forEachRemaining(described::add);
        io.keyhold.server.store.RotationPolicy full = new io.keyhold.server.store.RotationPolicy("p", "g",
                io.keyhold.protocol.spec.ObjectType.SECRET_DATA.value(), 3, 60L, 10L, 1L, 5L);
        assertThat(described).containsAll(RestAdminRotation.json(full).keySet()).contains("maxUses");
        List<String> types = new ArrayList<>();
        schema.get("properties").get("objectType").get("enum").forEach(t -> types.add(t.asText()));
        assertThat(types).containsExactly("Symmetric Key", "Private Key", "Secret Data");
        List<String> required = new ArrayList<>();
        schema.get("required").forEach(r -> required.add(r.asText()));
        assertThat(required).containsExactly("name");
    }

    @Test
    void fragmentIsListed() throws Exception {
        try (InputStream in = RestAdminOpenApiTest.class.getResourceAsStream(DIR + "fragments.txt")) {
            assertThat(in).isNotNull();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip))
                    .contains("admin.json");
        }
    }
}
