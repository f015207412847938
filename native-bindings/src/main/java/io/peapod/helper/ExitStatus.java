package io.peapod.helper;

import java.time.Instant;

/** How a container process ended, from the monitor's exit file: the raw wait status and when. */
public record ExitStatus(int waitStatus, Instant finishedAt) {

    /** True if a signal ended the process. */
    public boolean signaled() {
        int sig = waitStatus & 0x7f;
        return sig != 0 && sig != 0x7f;
    }

    /** The terminating signal, 0 if the process exited normally. */
    public int signal() {
        return signaled() ? waitStatus & 0x7f : 0;
    }

    /** The exit code as shells report it: the code, or 128 + the signal number. */
    public int exitCode() {
        return signaled() ? 128 + signal() : (waitStatus >> 8) & 0xff;
    }
}
