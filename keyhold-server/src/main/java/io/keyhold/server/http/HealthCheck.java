package io.keyhold.server.http;

import io.keyhold.server.store.ObjectStore;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /health}: liveness (the process answers) and readiness (the database answers a read). Open to
 * anyone, for load balancers and orchestrators; it says nothing about keys or clients. 200 when ready, 503
 * when not, with a JSON body naming each check.
 */
public final class HealthCheck {
    private final ObjectStore store;

    public HealthCheck(ObjectStore store) {
        this.store = store;
    }

    /** Adds {@code /health}, {@code /health/live} and {@code /health/ready}. */
    public void register(Router router) {
        router.get("/health", Router.Access.PUBLIC, call -> ready());
        router.get("/health/ready", Router.Access.PUBLIC, call -> ready());
        router.get("/health/live", Router.Access.PUBLIC, call -> HttpAnswer.ok(Map.of("status", "up")));
    }

    private HttpAnswer ready() {
        Map<String, Object> checks = new LinkedHashMap<>();
        boolean up = true;
        try {
            store.read(tx -> tx.get("keyhold-health-check"));
            checks.put("database", "up");
        } catch (io.keyhold.protocol.KmipException | RuntimeException e) {
            checks.put("database", "down");
            up = false;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "up" : "down");
        body.put("checks", checks);
        return HttpAnswer.json(up ? 200 : 503, body);
    }
}
