package io.peapod.runtime.errors;

/**
 * Base of peapod's unchecked exceptions. Each subclass maps to one gRPC status code at the
 * CRI boundary; anything else that escapes is an internal error.
 */
public class PeapodException extends RuntimeException {

    public PeapodException(String message) {
        super(message);
    }

    public PeapodException(String message, Throwable cause) {
        super(message, cause);
    }
}
