package io.peapod.runtime.container;

import io.peapod.runtime.errors.PeapodException;

/** An exec'd process ran past its timeout and was killed. */
public final class ExecTimeoutException extends PeapodException {
    public ExecTimeoutException(String message) {
        super(message);
    }
}
