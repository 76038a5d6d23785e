package io.keyhold.client;

import java.io.IOException;

/**
 * A request that did not get a KMIP answer: no server could be reached, the TLS handshake failed, the
 * connection broke, or the answer was not a readable Response Message. {@link #mayHaveExecuted()} says
 * whether the request had been sent, so that the server may have carried it out.
 */
public class KmipTransportException extends IOException {
    private static final long serialVersionUID = 1L;

    private final boolean mayHaveExecuted;

    public KmipTransportException(String message, boolean mayHaveExecuted, Throwable cause) {
        super(message, cause);
        this.mayHaveExecuted = mayHaveExecuted;
    }

    /** True when the request reached a server, which may have carried it out before the failure. */
    public boolean mayHaveExecuted() {
        return mayHaveExecuted;
    }
}
