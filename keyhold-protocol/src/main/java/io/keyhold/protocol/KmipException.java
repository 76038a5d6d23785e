package io.keyhold.protocol;

import io.keyhold.protocol.spec.ResultReason;
import java.util.Objects;

/**
 * A request that fails with a KMIP Result Reason. The message is sent to the client as the Result
 * Message, so it must name the problem without revealing internals or any key material.
 */
public class KmipException extends Exception {
    private static final long serialVersionUID = 1L;

    private final ResultReason reason;

    public KmipException(ResultReason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public KmipException(ResultReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public ResultReason reason() {
        return reason;
    }
}
