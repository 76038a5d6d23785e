package io.keyhold.server.http.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyhold.protocol.KmipException;
import io.keyhold.server.auth.AccessPolicy;
import io.keyhold.server.auth.Identity;
import io.keyhold.server.http.HttpCall;
import io.keyhold.server.http.HttpProblem;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.transport.ConnectionRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * What the administrative REST routes under {@code /v1} (grants, audit log, connections, status) work on:
 * the server's store, its access policy (the same {@code access} settings the KMIP port applies), its audit
 * log and a view of its listeners. Built by the server when it assembles its HTTPS routes
 * (docs/rest-api-admin.md).
 *
 * @param store     the store behind the KMIP port (grants are read and changed in it)
 * @param policy    administrators and identity groups of the configuration
 * @param audit     the audit log of that store, or null when the store keeps none readable here
 * @param listeners the KMIP and HTTPS listeners, for connections and status
 * @param version   the server's version, as the KMIP Query answers it
 * @param clock     the time for uptimes
 */
public record RestAdmin(ObjectStore store, AccessPolicy policy, RestAdminAuditLog audit, Listeners listeners,
                        String version, Clock clock) {
    static final ObjectMapper JSON = new ObjectMapper();

    /** The listeners as the status and connection routes see them; read at each request. */
    public interface Listeners {
        /** When the server started (or null before it has). */
        Instant startedAt();

        /** The KMIP port bound. */
        int kmipPort();

        /** The KMIP connections whose handshake named a client. */
        ConnectionRegistry kmipConnections();

        /** The HTTPS port bound. */
        int httpsPort();

        /** HTTPS connections open now. */
        int httpsOpenConnections();
    }

    public RestAdmin {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(listeners, "listeners");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(clock, "clock");
    }

    /**
     * The caller's identity, for a route that needs its full rights: a scoped API token is refused, since
     * grants and the audit log are outside every scope a token can have.
     */
    static Identity unrestricted(HttpCall call) {
        if (call.caller() == null) {
            throw new IllegalStateException("route registered without authentication");
        }
        if (call.caller().scope().restricted()) {
            throw HttpProblem.forbidden("a scoped API token cannot call " + call.path()
                    + "; use a client certificate or an unscoped token");
        }
        return call.caller().identity();
    }

    /** The caller's identity if it is an administrator ({@code access.administrators}); 403 otherwise. */
    Identity administrator(HttpCall call) {
        Identity who = unrestricted(call);
        if (!policy.isAdministrator(who)) {
            throw HttpProblem.forbidden(call.path() + " is for administrators (access.administrators); "
                    + who.name() + " is not one");
        }
        return who;
    }

    /** The request body as a JSON object; 400 when it is not one. */
    static JsonNode jsonObject(HttpCall call) {
        JsonNode node;
        try {
            node = call.body().length == 0 ? null : JSON.readTree(call.body());
        } catch (JsonProcessingException e) {
            throw HttpProblem.badRequest("the body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw HttpProblem.badRequest("the body is not JSON");
        }
        if (node == null || !node.isObject()) {
            throw HttpProblem.badRequest("the body must be a JSON object");
        }
        return node;
    }

    /** The problem document for a refusal of the access control or store (never holds key material). */
    static HttpProblem problem(KmipException e) {
        return switch (e.reason()) {
            case ITEM_NOT_FOUND, OBJECT_NOT_FOUND -> HttpProblem.notFound(e.getMessage());
            case PERMISSION_DENIED -> HttpProblem.forbidden(e.getMessage());
            case INVALID_FIELD, INVALID_MESSAGE, MISSING_DATA -> HttpProblem.badRequest(e.getMessage());
            default -> new HttpProblem(500, "internal", "The server failed to answer", e.getMessage());
        };
    }
}
