package io.peapod.cri.streaming.client;

/**
 * How a remotecommand session ended: the process's exit code (0 on success) and, on
 * failure, the server's message. {@code exitCode} is -1 when the server reported a failure
 * that is not an exit code (the command could not start, the container is gone).
 */
public record StreamStatus(int exitCode, String message) {
    public boolean success() {
        return exitCode == 0;
    }
}
