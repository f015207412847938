package io.peapod.runtime.errors;

/** The named object (container, pod, image, file, namespace …) does not exist. The message names the object and the value. */
public class NotFoundException extends PeapodException {

    public NotFoundException(String message) {
        super(message);
    }

    public NotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
