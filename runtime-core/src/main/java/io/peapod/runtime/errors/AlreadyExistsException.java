package io.peapod.runtime.errors;

/** An object with that name or id exists already. The message names the object and the value. */
public class AlreadyExistsException extends PeapodException {

    public AlreadyExistsException(String message) {
        super(message);
    }

    public AlreadyExistsException(String message, Throwable cause) {
        super(message, cause);
    }
}
