package io.peapod.image;

/** Base of the image store's unchecked exceptions; subclasses say which kind of failure it is. */
public class ImageException extends RuntimeException {
    public ImageException(String message) {
        super(message);
    }

    public ImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
