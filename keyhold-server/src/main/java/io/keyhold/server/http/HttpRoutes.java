package io.keyhold.server.http;

import io.keyhold.server.dispatch.RequestProcessor;
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
        io.keyhold.server.http.rest.RestObjects.register(router, processor);
        io.keyhold.server.http.rest.RestCrypto.register(router, processor);
        io.keyhold.server.http.rest.OpenApiDocument.register(router);
        if (metrics != null) {
            router.get("/metrics", openMetrics ? Router.Access.PUBLIC : Router.Access.AUTHENTICATED,
                    call -> HttpAnswer.text(200, "text/plain; version=0.0.4; charset=utf-8", metrics.get()));
        }
        return router;
    }

    /** KMIP over HTTPS alone: for a server built around a bare request processor. */
    public static Router kmipOnly(RequestProcessor processor) {
        return new Router().post("/kmip", Router.Access.AUTHENTICATED, new KmipOverHttps(processor));
    }
}
