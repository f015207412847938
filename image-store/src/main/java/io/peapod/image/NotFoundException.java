package io.peapod.image;

/** The named image, blob, snapshot or tag does not exist. */
public class NotFoundException extends ImageException {
    public NotFoundException(String message) {
        super(message);
    }

    public NotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
