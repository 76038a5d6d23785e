package io.keyhold.server.http.rest;

import io.keyhold.server.http.HttpAnswer;
import io.keyhold.server.http.HttpCall;
import io.keyhold.server.http.Router;
import io.keyhold.server.store.sql.Database;
import io.keyhold.server.store.sql.SqlObjectStore;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /v1/status}: the server's version, when it started, its ports and open connections, whether
 * its database answers and the audit log's head sequence. For any authenticated caller: it names no client,
 * object, path or secret.
 */
public final class RestAdminStatus {
    private final RestAdmin admin;

    public RestAdminStatus(RestAdmin admin) {
        this.admin = admin;
    }

    /** Adds {@code GET /v1/status}. */
    public void register(Router router) {
        router.get("/v1/status", Router.Access.AUTHENTICATED, this::status);
    }

    HttpAnswer status(HttpCall call) {
        RestAdmin.Listeners l = admin.listeners();
        Instant started = l.startedAt();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", admin.version());
        body.put("startedAt", started == null ? null : started.toString());
        body.put("uptimeSeconds", started == null ? 0
                : Math.max(0, Duration.between(started, admin.clock().instant()).toSeconds()));
        Map<String, Object> kmip = new LinkedHashMap<>();
        kmip.put("port", l.kmipPort());
        kmip.put("openConnections", l.kmipConnections().size());
        body.put("kmip", kmip);
        Map<String, Object> https = new LinkedHashMap<>();
        https.put("port", l.httpsPort());
        https.put("openConnections", l.httpsOpenConnections());
        body.put("https", https);
        boolean up = databaseUp();
        Map<String, Object> storage = new LinkedHashMap<>();
        storage.put("engine", admin.store() instanceof SqlObjectStore sql
                ? (sql.database() instanceof Database.Postgres ? "postgresql" : "sqlite") : "memory");
        storage.put("status", up ? "up" : "down");
        body.put("storage", storage);
        Map<String, Object> audit = new LinkedHashMap<>();
        if (admin.audit() != null && up) {
            audit.put("headSequence", admin.audit().head().sequence());
        } else {
            audit.put("headSequence", null);
        }
        body.put("audit", audit);
        return HttpAnswer.ok(body);
    }

    private boolean databaseUp() {
        try {
            admin.store().read(tx -> tx.get("keyhold-status-check"));
            return true;
        } catch (io.keyhold.protocol.KmipException | RuntimeException e) {
            return false;
        }
    }
}
