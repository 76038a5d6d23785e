package io.keyhold.server.auth;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.ResultReason;

/**
 * An object exists but the client may not use it in this operation. The client is answered exactly as for
 * a missing object (same Result Reason, same message), so that it cannot learn that the object exists;
 * only the server (its log and audit record) can tell the two apart by this type.
 */
public final class AccessDenied extends KmipException {
    private static final long serialVersionUID = 1L;

    private final String uniqueIdentifier;

    /**
     * @param reason           the reason a missing object gets at this place (Object Not Found, or Wrapping
     *                         Object Not Found for a wrapping key)
     * @param missingMessage   the message a missing object gets at this place
     * @param uniqueIdentifier the object refused
     */
    public AccessDenied(ResultReason reason, String missingMessage, String uniqueIdentifier) {
        super(reason, missingMessage);
        this.uniqueIdentifier = uniqueIdentifier;
    }

    /**
     * The denial answered as a missing object: Object Not Found (KMIP 2.x; the dispatcher answers 1.x clients
     * with Item Not Found) with the given missing-object message.
     */
    public static AccessDenied objectNotFound(String missingMessage, String uniqueIdentifier) {
        return new AccessDenied(ResultReason.OBJECT_NOT_FOUND, missingMessage, uniqueIdentifier);
    }

    /** The Unique Identifier of the object that was refused. */
    public String uniqueIdentifier() {
        return uniqueIdentifier;
    }
}
