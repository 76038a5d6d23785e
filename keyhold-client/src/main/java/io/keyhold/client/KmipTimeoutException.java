package io.keyhold.client;

/**
 * A request whose answer did not arrive within the client's request timeout, or that found no free
 * connection within it. Not retried: the server may still be working on it.
 */
public final class KmipTimeoutException extends KmipTransportException {
    private static final long serialVersionUID = 1L;

    public KmipTimeoutException(String message, boolean mayHaveExecuted, Throwable cause) {
        super(message, mayHaveExecuted, cause);
    }
}
