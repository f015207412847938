package io.peapod.cri.streaming.client;

/** A streaming connection that could not be made: refused upgrade (with the server's status and text) or I/O. */
public final class StreamException extends RuntimeException {
    private final int httpStatus;

    public StreamException(String message, int httpStatus) {
        super(message);
        this.httpStatus = httpStatus;
    }

    public StreamException(String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = 0;
    }

    /** The HTTP status the server refused the upgrade with, 0 when there was none. */
    public int httpStatus() {
        return httpStatus;
    }
}
