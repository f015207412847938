package io.peapod.image;

/** Input that can never succeed: a malformed reference, digest, manifest or archive. */
public class InvalidArgumentException extends ImageException {
    public InvalidArgumentException(String message) {
        super(message);
    }

    public InvalidArgumentException(String message, Throwable cause) {
        super(message, cause);
    }
}
