package io.peapod.cri.streaming;

/**
 * The client's end of a remotecommand session as its protocol handler (SPDY or WebSocket)
 * offers it to the process side. Called from the session's own threads.
 */
interface RemoteCommandClient {
    int STDOUT = 1;
    int STDERR = 2;

    /** Sends {@code len} bytes of {@code data} on stream STDOUT or STDERR. */
    void send(int stream, byte[] data, int len);

    /** Blocks while the connection's outbound buffer is full; false once the connection is gone. */
    boolean awaitWritable();

    /** Reports the process's exit code on the error stream and closes the connection. */
    void finishExit(int exitCode);

    /** Reports a failure on the error stream and closes the connection. */
    void finishError(String message);
}
