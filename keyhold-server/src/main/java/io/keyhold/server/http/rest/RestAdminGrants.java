package io.keyhold.server.http.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyhold.protocol.KmipException;
import io.keyhold.server.auth.Actor;
import io.keyhold.server.auth.Grants;
import io.keyhold.server.auth.Identity;
import io.keyhold.server.http.HttpAnswer;
import io.keyhold.server.http.HttpCall;
import io.keyhold.server.http.HttpProblem;
import io.keyhold.server.http.Router;
import io.keyhold.server.store.Grant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /v1/grants}: lists, adds and revokes permissions of identities and identity groups on objects and
 * Object Groups (docs/access-control.md), as {@code keyhold grant} does, with the KMIP port's rule: an
 * administrator on any target, an owner on its own objects by Unique Identifier. Every change is recorded in
 * the audit log in the change's own transaction ({@link Grants}), attributed to the calling client.
 *
 * <p>A grant as JSON: {@code {"object": UID}} or {@code {"group": OBJECT_GROUP}}, then {@code "grantee":
 * IDENTITY} or {@code "granteeGroup": IDENTITY_GROUP}, then {@code "operation"} (a KMIP operation's
 * specification name, or {@code "*"} for every operation).
 */
public final class RestAdminGrants {
    private final RestAdmin admin;

    public RestAdminGrants(RestAdmin admin) {
        this.admin = admin;
    }

    /** Adds GET, POST and DELETE {@code /v1/grants}. */
    public void register(Router router) {
        router.get("/v1/grants", Router.Access.AUTHENTICATED, this::list);
        router.post("/v1/grants", Router.Access.AUTHENTICATED, this::add);
        router.delete("/v1/grants", Router.Access.AUTHENTICATED, this::remove);
    }

    private Grants grants() {
        return new Grants(admin.store(), admin.policy(), admin.clock());
    }

    /**
     * The grants on {@code object} or on {@code group}, or every grant (administrators only), optionally
     * only those to {@code grantee} (an identity or an identity group name). An owner may list the grants on
     * its own objects.
     */
    HttpAnswer list(HttpCall call) throws KmipException {
        Identity who = RestAdmin.unrestricted(call);
        Optional<String> object = param(call, "object");
        Optional<String> group = param(call, "group");
        Optional<String> grantee = param(call, "grantee");
        if (object.isPresent() && group.isPresent()) {
            throw HttpProblem.badRequest("name either object or group, not both");
        }
        if (!admin.policy().isAdministrator(who)) {
            if (object.isEmpty()) {
                throw HttpProblem.forbidden("listing grants " + (group.isPresent() ? "on an Object Group" : "on every object")
                        + " is for administrators (access.administrators); an owner lists the grants on one of its"
                        + " objects with ?object=UID");
            }
            boolean owner = admin.store().read(tx -> tx.get(object.get())
                    .filter(o -> !o.owner().isEmpty() && o.owner().equals(who.name())).isPresent());
            if (!owner) {
                throw HttpProblem.notFound("no object with Unique Identifier " + RestAdminAudit.clip(object.get())
                        + " among yours");
            }
        }
        List<Grant> found = grants().list(object, grantee).stream()
                .filter(g -> group.isEmpty() || (g.targetKind() == Grant.TargetKind.OBJECT_GROUP
                        && g.target().equals(group.get())))
                .toList();
        return HttpAnswer.ok(Map.of("items", found.stream().map(RestAdminGrants::json).toList()));
    }

    /**
     * Grants {@code operations} on the target to the grantee: 201 with the grants that were new, or 200 with
     * none when every one was already granted.
     */
    HttpAnswer add(HttpCall call) {
        Identity who = RestAdmin.unrestricted(call);
        JsonNode body = RestAdmin.jsonObject(call);
        Grants.Target target = target(field(body, "object"), field(body, "group"));
        Grants.Grantee grantee = grantee(field(body, "grantee"), field(body, "granteeGroup"));
        JsonNode ops = body.get("operations");
        if (ops == null || !ops.isArray() || ops.isEmpty()) {
            throw HttpProblem.badRequest("operations must be a non-empty array of KMIP operation names, such as"
                    + " [\"Get\", \"Encrypt\"], or [\"*\"] for every operation");
        }
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode op : ops) {
            if (!op.isTextual()) {
                throw HttpProblem.badRequest("operations must hold operation names as strings");
            }
            names.add(op.asText());
        }
        List<Grant> added;
        try {
            added = grants().grant(new Actor.Client(who, call.remoteAddress()), target, grantee, names);
        } catch (KmipException e) {
            throw RestAdmin.problem(e);
        }
        return HttpAnswer.json(added.isEmpty() ? 200 : 201,
                Map.of("items", added.stream().map(RestAdminGrants::json).toList()));
    }

    /**
     * Revokes from the grantee the {@code operation}s named (repeatable), or every operation granted to it on
     * the target when none is named: 204, or 404 when there was no such grant.
     */
    HttpAnswer remove(HttpCall call) {
        Identity who = RestAdmin.unrestricted(call);
        Grants.Target target = target(param(call, "object").orElse(null), param(call, "group").orElse(null));
        Grants.Grantee grantee = grantee(param(call, "grantee").orElse(null), param(call, "granteeGroup").orElse(null));
        Set<String> operations = new LinkedHashSet<>();
        for (String op : call.queryParams("operation")) {
            if (!op.isBlank()) {
                operations.add(op);
            }
        }
        try {
            grants().revoke(new Actor.Client(who, call.remoteAddress()), target, grantee, operations);
        } catch (KmipException e) {
            throw RestAdmin.problem(e);
        }
        return HttpAnswer.noContent();
    }

    /** One grant as the API shows it. */
    static Map<String, Object> json(Grant g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(g.targetKind() == Grant.TargetKind.OBJECT ? "object" : "group", g.target());
        m.put(g.granteeKind() == Grant.GranteeKind.IDENTITY ? "grantee" : "granteeGroup", g.grantee());
        m.put("operation", g.operation());
        return m;
    }

    private static Grants.Target target(String object, String group) {
        if ((object == null) == (group == null)) {
            throw HttpProblem.badRequest("name exactly one target: object (a Unique Identifier) or group (an Object Group)");
        }
        return object != null ? new Grants.Target(Grant.TargetKind.OBJECT, object)
                : new Grants.Target(Grant.TargetKind.OBJECT_GROUP, group);
    }

    private static Grants.Grantee grantee(String identity, String group) {
        if ((identity == null) == (group == null)) {
            throw HttpProblem.badRequest("name exactly one grantee: grantee (an identity) or granteeGroup (an identity"
                    + " group of access.groups)");
        }
        return identity != null ? new Grants.Grantee(Grant.GranteeKind.IDENTITY, identity)
                : new Grants.Grantee(Grant.GranteeKind.GROUP, group);
    }

    private static String field(JsonNode body, String name) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw HttpProblem.badRequest(name + " must be a non-empty string");
        }
        return v.asText();
    }

    private static Optional<String> param(HttpCall call, String name) {
        return call.queryParam(name).filter(s -> !s.isBlank());
    }
}
