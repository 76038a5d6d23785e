package io.keyhold.server.http;

/** What the HTTPS listener reports of each request it answered (for metrics). */
@FunctionalInterface
public interface HttpObserver {
    /** Reports nothing. */
    HttpObserver NONE = (method, route, status, nanos) -> { };

    /**
     * One answered request.
     *
     * @param route the route's pattern ({@code /v1/objects/{id}}), never the path itself, so that identifiers
     *              do not become labels; {@code "none"} when no route matched
     */
    void requestDone(String method, String route, int status, long nanos);
}
