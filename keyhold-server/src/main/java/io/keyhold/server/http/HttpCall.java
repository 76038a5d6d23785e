package io.keyhold.server.http;

import io.keyhold.server.dispatch.ConnectionSession;
import io.keyhold.server.dispatch.RequestContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTPS request as a route sees it: method, path, query, the headers it may need, the body, who made it
 * and the path parameters the route's pattern captured.
 *
 * @param caller  who made it; null only on routes open to anyone
 * @param session the HTTP connection it arrived on (a KMIP session for requests sent to /kmip)
 */
public record HttpCall(String method, String path, Map<String, List<String>> query, Map<String, String> headers,
                       byte[] body, Caller caller, String remoteAddress, ConnectionSession session,
                       Map<String, String> pathParams) {

    /** A path parameter the route's pattern names ({@code {id}}). */
    public String pathParam(String name) {
        String value = pathParams.get(name);
        if (value == null) {
            throw new IllegalArgumentException("the route has no path parameter " + name);
        }
        return value;
    }

    /** The first value of a query parameter. */
    public Optional<String> queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** Every value of a query parameter, in order. */
    public List<String> queryParams(String name) {
        return query.getOrDefault(name, List.of());
    }

    /** A request header by its lower-case name. */
    public Optional<String> header(String lowerCaseName) {
        return Optional.ofNullable(headers.get(lowerCaseName));
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The request context the KMIP dispatcher needs to act as the caller (with the token's scope). */
    public RequestContext kmipContext() {
        if (caller == null) {
            throw new IllegalStateException("an unauthenticated request cannot act on KMIP objects");
        }
        return RequestContext.scoped(caller.identity(), remoteAddress, session, caller.scope());
    }
}
