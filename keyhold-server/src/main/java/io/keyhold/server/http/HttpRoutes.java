package io.keyhold.server.http;

import io.keyhold.server.dispatch.RequestProcessor;
import io.keyhold.server.http.rest.RestAdmin;
import io.keyhold.server.http.rest.RestAdminAudit;
import io.keyhold.server.http.rest.RestAdminConnections;
import io.keyhold.server.http.rest.RestAdminGrants;
import io.keyhold.server.http.rest.RestAdminRotation;
import io.keyhold.server.http.rest.RestAdminStatus;
import io.keyhold.server.store.ObjectStore;
import java.util.function.Supplier;

/** The routes the HTTPS listener serves, assembled in one place. */
public final class HttpRoutes {
    private HttpRoutes() {
    }

    /**
     * KMIP over HTTPS ({@code POST /kmip}), {@code /health} and, when {@code metrics} is given,
     * {@code /metrics} (Prometheus text; open to anyone when {@code openMetrics}).
     */
    public static Router standard(RequestProcessor processor, ObjectStore store, Supplier<String> metrics,
                                  boolean openMetrics) {
        Router router = new Router();
        router.post("/kmip", Router.Access.AUTHENTICATED, new KmipOverHttps(processor));
        new HealthCheck(store).register(router);
        new StaticFiles().register(router);
        io.keyhold.server.http.rest.RestObjects.register(router, processor, store);
        io.keyhold.server.http.rest.RestCrypto.register(router, processor);
        io.keyhold.server.http.rest.OpenApiDocument.register(router);
        if (metrics != null) {
            router.get("/metrics", openMetrics ? Router.Access.PUBLIC : Router.Access.AUTHENTICATED,
                    call -> HttpAnswer.text(200, "text/plain; version=0.0.4; charset=utf-8", metrics.get()));
        }
        return router;
    }

    /**
     * As {@link #standard(RequestProcessor, ObjectStore, Supplier, boolean)}, with the administrative REST
     * routes ({@code /v1/grants}, {@code /v1/audit}, {@code /v1/connections}, {@code /v1/status},
     * {@code /v1/rotation-policies}) over
     * {@code admin} when it is given (docs/rest-api-admin.md).
     */
    public static Router standard(RequestProcessor processor, ObjectStore store, Supplier<String> metrics,
                                  boolean openMetrics, RestAdmin admin) {
        Router router = standard(processor, store, metrics, openMetrics);
        if (admin != null) {
            new RestAdminGrants(admin).register(router);
            new RestAdminAudit(admin).register(router);
            new RestAdminConnections(admin).register(router);
            new RestAdminStatus(admin).register(router);
            new RestAdminRotation(admin).register(router);
        }
        return router;
    }

    /** KMIP over HTTPS alone: for a server built around a bare request processor. */
    public static Router kmipOnly(RequestProcessor processor) {
        return new Router().post("/kmip", Router.Access.AUTHENTICATED, new KmipOverHttps(processor));
    }
}
