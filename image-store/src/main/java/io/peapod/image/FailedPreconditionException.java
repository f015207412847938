package io.peapod.image;

/** The operation is valid but the current state forbids it, e.g. removing an image a container uses. */
public class FailedPreconditionException extends ImageException {
    public FailedPreconditionException(String message) {
        super(message);
    }
}
