package io.keyhold.server.http;

/** What answers one method and path pattern. Runs on a worker thread: it may block on the database. */
@FunctionalInterface
public interface Route {
    /**
     * The answer to the call. A {@link HttpProblem} thrown here becomes its problem document; any other
     * exception becomes a 500 problem with a reference, the cause going only to the server log.
     */
    HttpAnswer handle(HttpCall call) throws Exception;
}
