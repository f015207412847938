package io.peapod.runtime.errors;

/** The request is well formed but the object's current state does not allow it (for example, removing a running container). The message names the object and the value. */
public class FailedPreconditionException extends PeapodException {

    public FailedPreconditionException(String message) {
        super(message);
    }

    public FailedPreconditionException(String message, Throwable cause) {
        super(message, cause);
    }
}
