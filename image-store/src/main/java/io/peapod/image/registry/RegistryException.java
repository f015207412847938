package io.peapod.image.registry;

import io.peapod.image.ImageException;

/** A registry refused a request or answered something unusable. */
public class RegistryException extends ImageException {
    private final int status;

    public RegistryException(String message, int status) {
        super(message);
        this.status = status;
    }

    public RegistryException(String message, Throwable cause) {
        super(message, cause);
        this.status = -1;
    }

    /** HTTP status, or -1 for a transport failure. */
    public int status() {
        return status;
    }
}
