package io.keyhold.server.http.rest;

import io.keyhold.server.http.HttpAnswer;
import io.keyhold.server.http.HttpCall;
import io.keyhold.server.http.Router;
import io.keyhold.server.transport.ConnectionRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/connections}: the KMIP connections open now (from the moment the TLS handshake named the
 * client), each with its client identity, address, TLS protocol and cipher suite, when it opened and how
 * many request messages it sent, and how many HTTPS connections are open. Administrators only.
 */
public final class RestAdminConnections {
    private final RestAdmin admin;

    public RestAdminConnections(RestAdmin admin) {
        this.admin = admin;
    }

    /** Adds {@code GET /v1/connections}. */
    public void register(Router router) {
        router.get("/v1/connections", Router.Access.AUTHENTICATED, this::list);
    }

    HttpAnswer list(HttpCall call) {
        admin.administrator(call);
        List<ConnectionRegistry.Connection> open = admin.listeners().kmipConnections().list();
        Map<String, Object> kmip = new LinkedHashMap<>();
        kmip.put("count", open.size());
        kmip.put("items", open.stream().map(RestAdminConnections::json).toList());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kmip", kmip);
        body.put("https", Map.of("count", admin.listeners().httpsOpenConnections()));
        return HttpAnswer.ok(body);
    }

    static Map<String, Object> json(ConnectionRegistry.Connection c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("identity", c.identity());
        m.put("remote", c.remote());
        m.put("protocol", c.protocol());
        m.put("cipherSuite", c.cipherSuite());
        m.put("opened", c.opened().toString());
        m.put("requests", c.requests());
        return m;
    }
}
