package io.keyhold.server.http;

import java.util.Map;

/**
 * A request that cannot be answered as asked, thrown by a route to answer with a problem document
 * ({@link HttpAnswer#problem}). The message is the document's detail: written for the person sending the
 * request, never holding a secret.
 */
public final class HttpProblem extends RuntimeException {
    private final int status;
    private final String type;
    private final String title;
    private final Map<String, Object> extensions;

    public HttpProblem(int status, String type, String title, String detail) {
        this(status, type, title, detail, Map.of());
    }

    /** A problem whose document carries extension members (RFC 9457 section 3.2), such as a KMIP Result Reason. */
    public HttpProblem(int status, String type, String title, String detail, Map<String, ?> extensions) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
        this.extensions = Map.copyOf(extensions);
    }

    /** 400: the request is malformed (bad JSON, a missing or invalid field). */
    public static HttpProblem badRequest(String detail) {
        return new HttpProblem(400, "bad-request", "The request is not valid", detail);
    }

    /** 404: no such resource (or one the caller may not see). */
    public static HttpProblem notFound(String detail) {
        return new HttpProblem(404, "not-found", "Not found", detail);
    }

    /** 403: authenticated, but not allowed. */
    public static HttpProblem forbidden(String detail) {
        return new HttpProblem(403, "forbidden", "Not allowed", detail);
    }

    /** 409: the request conflicts with the object's state. */
    public static HttpProblem conflict(String detail) {
        return new HttpProblem(409, "conflict", "Conflicts with the current state", detail);
    }

    public int status() {
        return status;
    }

    /** The problem type's slug under https://keyhold.io/problems/. */
    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    /** The document's extension members (empty for most problems). */
    public Map<String, Object> extensions() {
        return extensions;
    }

    /** The answer this problem stands for. */
    public HttpAnswer answer() {
        return HttpAnswer.problem(status, type, title, getMessage(), extensions);
    }
}
