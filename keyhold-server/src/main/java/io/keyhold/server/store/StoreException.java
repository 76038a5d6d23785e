package io.keyhold.server.store;

/**
 * The store itself failed (the database is unreachable, full or corrupt): not the client's fault. The
 * dispatcher answers General Failure with a generic message and logs the cause.
 */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
