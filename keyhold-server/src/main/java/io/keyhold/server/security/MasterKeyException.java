package io.keyhold.server.security;

/** A master key could not be opened, or could not wrap or unwrap; the message never carries key material. */
public final class MasterKeyException extends Exception {
    public MasterKeyException(String message) {
        super(message);
    }

    public MasterKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
