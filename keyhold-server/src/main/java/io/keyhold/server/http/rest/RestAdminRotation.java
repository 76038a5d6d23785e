package io.keyhold.server.http.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.server.auth.Actor;
import io.keyhold.server.auth.Identity;
import io.keyhold.server.http.HttpAnswer;
import io.keyhold.server.http.HttpCall;
import io.keyhold.server.http.HttpProblem;
import io.keyhold.server.http.Router;
import io.keyhold.server.rotation.RotationPolicies;
import io.keyhold.server.store.RotationPolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /v1/rotation-policies}: lists, adds and removes the server's rotation policies (docs/rotation.md), as
 * {@code keyhold rotation policy} does, for administrators only. Every change is recorded in the audit log
 * in the change's own transaction, attributed to the calling client.
 *
 * <p>A policy as JSON: {@code name}, at least one of {@code group} (Object Group), {@code objectType}
 * ("Symmetric Key", "Private Key" or "Secret Data") and {@code algorithm} (a Cryptographic Algorithm's
 * name), then at least one of {@code intervalSeconds} and {@code maxUses} (whichever comes first), and
 * optionally {@code graceSeconds}.
 */
public final class RestAdminRotation {
    private final RestAdmin admin;

    public RestAdminRotation(RestAdmin admin) {
        this.admin = admin;
    }

    /** Adds GET and POST {@code /v1/rotation-policies} and DELETE {@code /v1/rotation-policies/{name}}. */
    public void register(Router router) {
        router.get("/v1/rotation-policies", Router.Access.AUTHENTICATED, this::list);
        router.post("/v1/rotation-policies", Router.Access.AUTHENTICATED, this::add);
        router.delete("/v1/rotation-policies/{name}", Router.Access.AUTHENTICATED, this::remove);
    }

    HttpAnswer list(HttpCall call) throws KmipException {
        admin.administrator(call);
        List<RotationPolicy> all = admin.store().read(tx -> tx.rotationPolicies());
        return HttpAnswer.ok(Map.of("items", all.stream().map(RestAdminRotation::json).toList()));
    }

    HttpAnswer add(HttpCall call) {
        Identity who = admin.administrator(call);
        JsonNode body = RestAdmin.jsonObject(call);
        String name = text(body, "name");
        if (name == null) {
            throw HttpProblem.badRequest("name is required: the policy's name, unique");
        }
        String type = text(body, "objectType");
        String algorithm = text(body, "algorithm");
        RotationPolicy policy;
        try {
            policy = new RotationPolicy(name, text(body, "group"),
                    type == null ? null : JsonBody.enumValue("objectType", ObjectType.SPEC_NAME, type),
                    algorithm == null ? null : JsonBody.enumValue("algorithm", CryptographicAlgorithm.SPEC_NAME, algorithm),
                    nullableSeconds(body, "intervalSeconds"), nullableSeconds(body, "graceSeconds"),
                    admin.clock().instant().getEpochSecond(), count(body, "maxUses"));
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest(e.getMessage());
        }
        if (policy.objectType() != null && !RotationPolicies.rotatedType(policy.objectType())) {
            throw HttpProblem.badRequest("objectType: only Symmetric Key (Re-key), Private Key (Re-key Key Pair)"
                    + " and Secret Data are rotated");
        }
        try {
            RotationPolicies.add(admin.store(), new Actor.Client(who, call.remoteAddress()), admin.clock(), policy);
        } catch (KmipException e) {
            throw new HttpProblem(409, "rotation-policy-exists", "Rotation policy exists", e.getMessage());
        }
        return HttpAnswer.json(201, json(policy));
    }

    HttpAnswer remove(HttpCall call) {
        Identity who = admin.administrator(call);
        try {
            RotationPolicies.remove(admin.store(), new Actor.Client(who, call.remoteAddress()), admin.clock(),
                    call.pathParam("name"));
        } catch (KmipException e) {
            throw RestAdmin.problem(e);
        }
        return HttpAnswer.noContent();
    }

    /** One policy as the API shows it. */
    static Map<String, Object> json(RotationPolicy p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", p.name());
        if (p.objectGroup() != null) {
            m.put("group", p.objectGroup());
        }
        if (p.objectType() != null) {
            m.put("objectType", ObjectType.fromValue(p.objectType()).map(ObjectType::specName).orElse("?"));
        }
        if (p.cryptographicAlgorithm() != null) {
            m.put("algorithm", CryptographicAlgorithm.fromValue(p.cryptographicAlgorithm())
                    .map(CryptographicAlgorithm::specName).orElse("?"));
        }
        if (p.intervalSeconds() != null) {
            m.put("intervalSeconds", p.intervalSeconds());
        }
        if (p.maxUses() != null) {
            m.put("maxUses", p.maxUses());
        }
        if (p.graceSeconds() != null) {
            m.put("graceSeconds", p.graceSeconds());
        }
        m.put("description", RotationPolicies.describe(p));
        return m;
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw HttpProblem.badRequest(field + " must be a non-empty string");
        }
        return v.asText();
    }

    private static long seconds(JsonNode body, String field, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw HttpProblem.badRequest(field + " is required: a whole number of seconds");
            }
            return -1;
        }
        if (!v.canConvertToLong() || !v.isIntegralNumber()) {
            throw HttpProblem.badRequest(field + " must be a whole number of seconds");
        }
        return v.asLong();
    }

    private static Long count(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.canConvertToLong() || !v.isIntegralNumber()) {
            throw HttpProblem.badRequest(field + " must be a whole number");
        }
        return v.asLong();
    }

    private static Long nullableSeconds(JsonNode body, String field) {
        long s = seconds(body, field, false);
        return s == -1 && (body.get(field) == null || body.get(field).isNull()) ? null : s;
    }
}
