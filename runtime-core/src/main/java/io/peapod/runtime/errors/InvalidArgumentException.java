package io.peapod.runtime.errors;

/** The caller's input is malformed or inconsistent, whatever the current state. The message names the object and the value. */
public class InvalidArgumentException extends PeapodException {

    public InvalidArgumentException(String message) {
        super(message);
    }

    public InvalidArgumentException(String message, Throwable cause) {
        super(message, cause);
    }
}
