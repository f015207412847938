package io.peapod.image;

/** Content whose size or digest differs from what its descriptor promised; nothing was committed. */
public class DigestMismatchException extends ImageException {
    public DigestMismatchException(String message) {
        super(message);
    }
}
