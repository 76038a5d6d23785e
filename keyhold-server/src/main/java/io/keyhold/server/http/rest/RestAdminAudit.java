package io.keyhold.server.http.rest;

import io.keyhold.server.audit.AuditChain;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.audit.AuditQuery;
import io.keyhold.server.audit.AuditRecord;
import io.keyhold.server.audit.AuditVerifier;
import io.keyhold.server.http.HttpAnswer;
import io.keyhold.server.http.HttpCall;
import io.keyhold.server.http.HttpProblem;
import io.keyhold.server.http.Router;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/audit} and {@code GET /v1/audit/verify}: the audit log of every KMIP request item and
 * every grant change (docs/audit.md), as {@code keyhold audit query} and {@code keyhold audit verify} read
 * it, for administrators only ({@code access.administrators}; anyone else gets 403). Records hold no key
 * material: who, from where, which operation on which objects, and the result.
 */
public final class RestAdminAudit {
    /** Records per page when the request names no limit. */
    static final int DEFAULT_LIMIT = 100;
    /** Most records per page. */
    static final int MAX_LIMIT = 1000;
    /** Furthest offset: beyond it, narrow the query with since. */
    static final int MAX_OFFSET = 100_000;

    private final RestAdmin admin;

    public RestAdminAudit(RestAdmin admin) {
        this.admin = admin;
    }

    /** Adds the audit routes (when the store has an audit log readable here). */
    public void register(Router router) {
        if (admin.audit() == null) {
            return;
        }
        router.get("/v1/audit", Router.Access.AUTHENTICATED, this::query);
        router.get("/v1/audit/verify", Router.Access.AUTHENTICATED, this::verify);
    }

    /**
     * The records that match every criterion given ({@code object}, {@code identity}, {@code operation},
     * {@code since}, {@code until}), oldest first, {@code limit} of them after {@code offset}.
     */
    HttpAnswer query(HttpCall call) {
        admin.administrator(call);
        int limit = intParam(call, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        int offset = intParam(call, "offset", 0, 0, MAX_OFFSET);
        AuditQuery q = new AuditQuery(text(call, "object"), text(call, "identity"), time(call, "since"),
                time(call, "until"), text(call, "operation"), offset + limit + 1);
        List<AuditRecord> found = admin.audit().query(q);
        List<AuditRecord> page = found.subList(Math.min(offset, found.size()), Math.min(offset + limit, found.size()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page.stream().map(RestAdminAudit::json).toList());
        body.put("offset", offset);
        body.put("limit", limit);
        body.put("next", found.size() > offset + limit ? offset + limit : null);
        return HttpAnswer.ok(body);
    }

    /** Checks the whole hash chain and the head kept beside it. */
    HttpAnswer verify(HttpCall call) {
        admin.administrator(call);
        AuditVerifier.Result result = admin.audit().verify();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("intact", result.intact());
        body.put("verified", result.verified());
        body.put("head", head(result.head()));
        result.problem().ifPresent(p -> body.put("problem", Map.of("sequence", p.sequence(), "message", p.message())));
        return HttpAnswer.ok(body);
    }

    static Map<String, Object> head(AuditChain.Head head) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("sequence", head.sequence());
        h.put("hash", head.hashHex());
        return h;
    }

    /** One record as the API shows it. */
    static Map<String, Object> json(AuditRecord r) {
        AuditEvent e = r.event();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sequence", r.sequence());
        m.put("time", e.time().toString());
        m.put("identity", e.identity());
        m.put("remote", e.sourceAddress());
        m.put("protocolVersion", e.protocolVersion());
        m.put("operation", e.operation());
        m.put("objects", e.uniqueIdentifiers());
        m.put("objectCount", e.objectCount());
        m.put("result", e.resultStatus());
        m.put("reason", e.resultReason());
        m.put("detail", e.detail());
        m.put("previousHash", r.previousHashHex());
        m.put("hash", r.hashHex());
        return m;
    }

    private static String text(HttpCall call, String name) {
        return call.queryParam(name).map(String::strip).filter(s -> !s.isEmpty()).orElse(null);
    }

    private static Instant time(HttpCall call, String name) {
        String value = text(call, name);
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw HttpProblem.badRequest(name + " must be an ISO-8601 instant such as 2026-01-31T12:00:00Z (was "
                    + clip(value) + ")");
        }
    }

    static int intParam(HttpCall call, String name, int absent, int min, int max) {
        String value = text(call, name);
        if (value == null) {
            return absent;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw HttpProblem.badRequest(name + " must be a whole number from " + min + " to " + max + " (was "
                + clip(value) + ")");
    }

    static String clip(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }
}
